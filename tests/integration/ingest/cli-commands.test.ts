// The ingest commands run in-process (commander + the real runtime, output
// captured): accounts add/list/remove, stats, posts show, problems list.
// The end-to-end tests run the same commands as child processes.
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerAccounts } from '../../../src/cli/commands/accounts.js';
import { registerPoll } from '../../../src/cli/commands/poll.js';
import { registerPosts } from '../../../src/cli/commands/posts.js';
import { registerProblems } from '../../../src/cli/commands/problems.js';
import { registerStats } from '../../../src/cli/commands/stats.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from './pages.js';

const db = useTestDatabase();
beforeEach(() => truncateAll(db()));

async function cli(...args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime(
    { stdout, stderr: new PassThrough(), isTty: false },
    { DATABASE_URL: db().url, LOG_LEVEL: 'silent', ONRECORD_POLL_INTERVAL: '10m' },
  );
  const program = new Command('onrecord').exitOverride();
  for (const register of [registerAccounts, registerPoll, registerStats, registerPosts, registerProblems]) {
    register(program, rt);
  }
  await program.parseAsync(args, { from: 'user' });
  return Buffer.concat(chunks).toString('utf8');
}

describe('ingest commands', () => {
  it('accounts add (default interval from config, --every), list --json, remove', async () => {
    expect(await cli('accounts', 'add', 'x:USFOR_A')).toBe('watching x:USFOR_A every 10m\n');
    expect(await cli('accounts', 'add', 'x:@usfor_a', '--every', '1h')).toBe('already watching x:USFOR_A every 1h\n');
    await cli('accounts', 'add', 'x:CENTCOM', '--every', '30m');
    const list = JSON.parse(await cli('accounts', 'list', '--json'));
    expect(list.map((a: { account: string; every: string; status: string }) => [a.account, a.every, a.status])).toEqual(
      [
        ['x:CENTCOM', '30m', 'active'],
        ['x:USFOR_A', '1h', 'active'],
      ],
    );
    const usfor = await db().prisma.account.findFirstOrThrow({ where: { handle: 'USFOR_A' } });
    await createAccountsRepository(db().prisma).recordHandle(usfor.id, 'USFOR_B', new Date(Date.now() + 1000));
    expect(JSON.parse(await cli('accounts', 'list', '--json'))[1]).toMatchObject({
      account: 'x:USFOR_B',
      handles: ['USFOR_A', 'USFOR_B'],
    });
    expect(await cli('accounts', 'remove', 'x:centcom')).toBe('no longer watching x:CENTCOM\n');
    expect(JSON.parse(await cli('accounts', 'list', '--json'))).toHaveLength(1);
    await expect(cli('accounts', 'add', 'x:USFOR_A', '--every', '10s')).rejects.toThrow('--every must be a duration');
    expect(await cli('accounts', 'add', 'x:usfor_a')).toBe('already watching x:USFOR_B every 1h\n');
    await expect(cli('accounts', 'remove', 'x:Nobody')).rejects.toThrow('no account x:Nobody');
    await expect(cli('poll')).rejects.toThrow('use poll --once');
  });

  it('stats, posts show and problems list read what a poll stored', async () => {
    await cli('accounts', 'add', 'x:USFOR_A');
    const account = await db().prisma.account.findFirstOrThrow();
    const [a, a2] = [idAt('2026-03-04T10:00:00Z'), idAt('2026-03-04T10:05:00Z')];
    const posts = createPostsRepository(db().prisma);
    const store = (body: unknown) =>
      db().prisma.$transaction((tx) =>
        posts.storeBatch(
          {
            accountId: account.id,
            ...batchOf(body),
            firstSeenBy: 'poll',
            raiseNew: false,
            now: new Date(),
          },
          tx,
        ),
      );
    await store(page([tweet(a, 'Original'), { id: '5', text: false }]));
    await store(page([tweet(a2, 'Corrected', [a, a2])]));

    const stats = JSON.parse(await cli('stats', '--json'));
    expect(stats).toMatchObject({ accounts: 1, posts: 1, versions: 2, captures: 2, problems: 1, articles: 0 });
    expect(await cli('stats')).toMatch(/^accounts\s+1$/m);

    const shown = JSON.parse(await cli('posts', 'show', `x:${a2}`, '--json'));
    expect(shown).toMatchObject({ id: a, account: 'x:USFOR_A', text: 'Corrected', versionCount: 2 });
    expect(shown.versions.map((v: { text: string }) => v.text)).toEqual(['Original', 'Corrected']);
    const text = await cli('posts', 'show', `x:${a}`);
    expect(text).toContain('2 versions, oldest first:');
    expect(text).toContain(`https://x.com/USFOR_A/status/${a2}`);

    const problems = JSON.parse(await cli('problems', 'list', '--json'));
    expect(problems).toMatchObject([{ code: 'bad_payload', platformId: '5', account: 'x:USFOR_A' }]);
    expect(problems[0].capture.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
