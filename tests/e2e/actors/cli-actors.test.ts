// `onrecord actors` and the actor and platform filters of search and alert
// rules, run as a user runs them: `actors add`, `actors list --json` and a
// search through bin/onrecord in a child process, the rest through the same
// command tree in this process (a child costs seconds on a busy machine).
// A channel of a second platform is written as its rows (the platform column
// is a string), as that platform's adapter would write them.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command, CommanderError } from 'commander';
import { registerAccounts } from '../../../src/cli/commands/accounts.js';
import { registerActors } from '../../../src/cli/commands/actors.js';
import { registerAlerts } from '../../../src/cli/commands/alerts.js';
import { registerSearch } from '../../../src/cli/commands/search.js';
import { createRuntime, describeError, ExitCode } from '../../../src/cli/runtime.js';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { startReceiver, type Receiver } from '../../integration/alerts/harness.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();
const env = () => ({ ...process.env, DATABASE_URL: getDb().url, LOG_LEVEL: 'warn', ONRECORD_POLL_INTERVAL: '7m' });

async function onrecordBin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: env() }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

/** The same command groups and error handling as bin/onrecord, in this process. */
async function onrecord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const io = {
    stdout: new Writable({ write: (chunk, _enc, cb) => void ((stdout += String(chunk)), cb()) }),
    stderr: new Writable({ write: (_chunk, _enc, cb) => cb() }),
    isTty: false,
  };
  const program = new Command('onrecord').exitOverride();
  const rt = createRuntime(io, env());
  for (const register of [registerActors, registerAccounts, registerSearch, registerAlerts]) register(program, rt);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    if (err instanceof ExitCode) return { code: err.code, stdout, stderr: '' };
    if (err instanceof CommanderError) return { code: err.exitCode, stdout, stderr: err.message };
    return { code: 1, stdout, stderr: `${describeError(err, false)}\n` };
  }
}

const SPOKESMAN = 'USFOR-A spokesman';
let hook: Receiver;

beforeAll(async () => {
  hook = await startReceiver();
  const db = getDb();
  const usfor = await insertAccount(db, { handle: 'USFOR_A', displayName: 'USFOR-A', status: 'archived' });
  const centcom = await insertAccount(db, { handle: 'CENTCOM' });
  const bsky = await insertAccount(db, { platform: 'bsky', handle: 'usfora.example.mil', displayName: 'USFOR-A' });
  await insertPost(db, { accountId: usfor.id, text: 'Convoy reached the airfield', createdAt: '2026-02-01T08:00:00Z' });
  await insertPost(db, { accountId: centcom.id, text: 'Convoy exercise concluded', createdAt: '2026-02-02T08:00:00Z' });
  await insertPost(db, {
    platform: 'bsky',
    accountId: bsky.id,
    id: '3000000000000000001',
    text: 'Convoy reached the airfield, posted on the second channel',
    createdAt: '2026-02-03T08:00:00Z',
  });
});
afterAll(() => hook?.close());

describe('onrecord actors', { timeout: 120_000 }, () => {
  it('adds an actor with its channels, watching accounts not watched yet; adding again adds nothing', async () => {
    const first = await onrecordBin(
      'actors',
      'add',
      SPOKESMAN,
      '--channel',
      'x:USFOR_A',
      '--channel',
      'x:USFOR_A_PAO',
      '--json',
    );
    expect(first.code).toBe(0);
    const added = JSON.parse(first.stdout);
    expect(added).toEqual({
      name: SPOKESMAN,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      channels: [
        { account: 'x:USFOR_A', platform: 'x', handle: 'USFOR_A', displayName: 'USFOR-A', status: 'active' },
        { account: 'x:USFOR_A_PAO', platform: 'x', handle: 'USFOR_A_PAO', displayName: null, status: 'active' },
      ],
      created: true,
      channelsAdded: ['x:USFOR_A', 'x:USFOR_A_PAO'],
      // The archived author is watched from now on, the unknown account is added, as `accounts add` does.
      accountsWatched: ['x:USFOR_A', 'x:USFOR_A_PAO'],
    });

    const again = await onrecord('actors', 'add', 'usfor-a SPOKESMAN', '--channel', 'x:usfor_a', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      name: SPOKESMAN,
      created: false,
      channelsAdded: [],
      accountsWatched: [],
    });
    const accounts = JSON.parse((await onrecord('accounts', 'list', '--json')).stdout) as Record<string, unknown>[];
    expect(accounts.find((a) => a.account === 'x:USFOR_A_PAO')).toMatchObject({ status: 'active', every: '7m' });
    expect(await getDb().prisma.actor.count()).toBe(1);
    expect(await getDb().prisma.actorChannel.count()).toBe(2);
  });

  it('lists actors as JSON with the channels of every platform', async () => {
    const db = getDb().prisma;
    const actor = await db.actor.findFirstOrThrow();
    const bsky = await db.account.findFirstOrThrow({ where: { platform: 'bsky' } });
    await db.actorChannel.create({ data: { actorId: actor.id, accountId: bsky.id } });

    const { code, stdout } = await onrecordBin('actors', 'list', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        name: SPOKESMAN,
        createdAt: actor.createdAt.toISOString(),
        channels: [
          {
            account: 'bsky:usfora.example.mil',
            platform: 'bsky',
            handle: 'usfora.example.mil',
            displayName: 'USFOR-A',
            status: 'active',
          },
          { account: 'x:USFOR_A', platform: 'x', handle: 'USFOR_A', displayName: 'USFOR-A', status: 'active' },
          { account: 'x:USFOR_A_PAO', platform: 'x', handle: 'USFOR_A_PAO', displayName: null, status: 'active' },
        ],
      },
    ]);
    const table = await onrecord('actors', 'list');
    expect(table.stdout).toContain(`${SPOKESMAN}  bsky:usfora.example.mil, x:USFOR_A, x:USFOR_A_PAO`);
  });

  it('searches the posts of every channel of an actor, and by platform', async () => {
    const texts = (out: string) =>
      (JSON.parse(out) as { platform: string; account: string; text: string }[]).map((h) => [
        h.platform,
        h.account,
        h.text,
      ]);
    const byActor = await onrecordBin('search', 'convoy', '--actor', 'usfor-a spokesman', '--json');
    expect(byActor.code).toBe(0);
    expect(texts(byActor.stdout).sort()).toEqual([
      ['bsky', 'bsky:usfora.example.mil', 'Convoy reached the airfield, posted on the second channel'],
      ['x', 'x:USFOR_A', 'Convoy reached the airfield'],
    ]);
    const actorOnX = await onrecord('search', '--actor', SPOKESMAN, '--platform', 'x', '--json');
    expect(texts(actorOnX.stdout)).toEqual([['x', 'x:USFOR_A', 'Convoy reached the airfield']]);
    const onX = await onrecord('search', 'convoy', '--platform', 'X', '--json');
    expect(
      texts(onX.stdout)
        .map((t) => t[1])
        .sort(),
    ).toEqual(['x:CENTCOM', 'x:USFOR_A']);
    // Accounts and actors add up.
    const both = await onrecord('search', 'convoy', '--actor', SPOKESMAN, '--account', 'x:CENTCOM', '--json');
    expect(texts(both.stdout)).toHaveLength(3);
    const nobody = await onrecord('search', 'convoy', '--actor', 'Nobody Known', '--json');
    expect(JSON.parse(nobody.stdout)).toEqual([]);
    const unknown = await onrecord('search', 'convoy', '--platform', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown platform "nosuch"/);
  });

  it('creates an alert rule for an actor, and refuses an unknown one', async () => {
    const added = await onrecord('alerts', 'add', '--webhook', hook.url, '--actor', 'USFOR-A SPOKESMAN', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ accounts: [], actors: [SPOKESMAN], events: ['new'] });
    const text = await onrecord('alerts', 'add', '--webhook', hook.url, '--actor', SPOKESMAN, '--account', 'x:CENTCOM');
    expect(text.stdout).toContain(`accounts x:CENTCOM; actors "${SPOKESMAN}"`);
    const unknown = await onrecord('alerts', 'add', '--webhook', hook.url, '--actor', 'Nobody Known');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no actor "Nobody Known" \(add it with: actors add\)/);
    expect(await getDb().prisma.alertRule.count()).toBe(2);
  });

  it('refuses bad names and channels with one clear line, before touching the database', async () => {
    const empty = await onrecord('actors', 'add', '  ', '--channel', 'x:USFOR_A');
    expect([empty.code, empty.stderr]).toEqual([
      1,
      'onrecord: an actor name needs a letter or a digit, got "  " [invalid_input]\n',
    ]);
    const platform = await onrecord('actors', 'add', 'Someone', '--channel', 'nosuch:who');
    expect(platform.code).toBe(1);
    expect(platform.stderr).toMatch(/unknown platform "nosuch" in "nosuch:who"/);
    const handle = await onrecord('actors', 'add', 'Someone', '--channel', 'x:not a handle');
    expect(handle.code).toBe(1);
    expect(handle.stderr).toMatch(/not a valid X handle/);
    expect(await getDb().prisma.actor.count()).toBe(1);
  });

  it('shows, removes a channel (the account stays watched) and removes the actor', async () => {
    const shown = JSON.parse((await onrecord('actors', 'show', 'usfor-a spokesman', '--json')).stdout);
    expect(shown.channels).toHaveLength(3);
    const less = await onrecord('actors', 'remove', SPOKESMAN, '--channel', 'x:USFOR_A_PAO', '--json');
    expect(JSON.parse(less.stdout).channels.map((c: { account: string }) => c.account)).toEqual([
      'bsky:usfora.example.mil',
      'x:USFOR_A',
    ]);
    expect(await getDb().prisma.account.count({ where: { handle: 'USFOR_A_PAO', status: 'active' } })).toBe(1);
    const notChannel = await onrecord('actors', 'remove', SPOKESMAN, '--channel', 'x:CENTCOM');
    expect(notChannel.code).toBe(1);
    expect(notChannel.stderr).toMatch(/x:CENTCOM is not a channel of "USFOR-A spokesman"/);

    const removed = await onrecord('actors', 'remove', SPOKESMAN);
    expect(removed.stdout).toBe(`removed actor "${SPOKESMAN}"\n`);
    expect(JSON.parse((await onrecord('actors', 'list', '--json')).stdout)).toEqual([]);
    const gone = await onrecord('actors', 'show', SPOKESMAN);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no actor "USFOR-A spokesman"/);
    expect(await getDb().prisma.account.count({ where: { platform: 'x' } })).toBe(3);
  });
});
