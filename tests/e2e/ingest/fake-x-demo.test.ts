// The README's demo without an X account, run as written: the fake X API on
// its own from tests/fake-x/main.ts, onrecord pointed at it, a poll archives
// the demo account's posts. (Only the port differs: any free one here.)
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const README = readFileSync(new URL('README.md', `file://${ROOT}`), 'utf8');
const getDb = useTestDatabase();

/** The README's command line that starts the fake (without its trailing `&`). */
function demoCommand(): string[] {
  const line = README.split('\n').find((l) => l.startsWith('node --import tsx tests/fake-x/main.ts'));
  if (!line) throw new Error('the README no longer shows how to run the fake X API');
  return line.replace(/&\s*$/, '').trim().split(/\s+/);
}

describe('README: a demo without an X account', () => {
  it('runs the fake X API standalone and polls the demo account from it', async () => {
    const [node, ...args] = demoCommand();
    expect(node).toBe('node');
    const port = args.indexOf('--port');
    expect(port).toBeGreaterThan(-1);
    args[port + 1] = '0';
    const fake = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: fake.stdout! }), 'line')) as [string];
      const { url, bearerToken } = JSON.parse(line) as { url: string; bearerToken: string };
      expect(README).toContain(`X_BEARER_TOKEN=${bearerToken}`);
      const env = { ...process.env, DATABASE_URL: getDb().url, X_API_BASE_URL: url, X_BEARER_TOKEN: bearerToken };
      const bin = [`${ROOT}bin/onrecord`];
      await run(process.execPath, [...bin, 'accounts', 'add', 'x:USFOR_A'], { cwd: ROOT, env });
      const poll = await run(process.execPath, [...bin, 'poll', '--once', '--json'], { cwd: ROOT, env });
      expect(JSON.parse(poll.stdout)).toEqual(
        expect.objectContaining({ polls: [expect.objectContaining({ account: 'x:USFOR_A', postsNew: 40 })] }),
      );
      const found = await run(process.execPath, [...bin, 'search', '--limit', '200', '--json'], { cwd: ROOT, env });
      expect((JSON.parse(found.stdout) as unknown[]).length).toBe(40);
    } finally {
      fake.kill('SIGTERM');
    }
    await once(fake, 'exit');
  }, 120_000);
});
