// Issue 13.1: with X accounts watched and no X_BEARER_TOKEN, the service
// logged an ERROR with a stack trace, then answered /healthz 200 "ok" and
// showed the accounts as "new" forever. Now the block is a named problem:
// /healthz is not ok and says why per account, the account pages and
// `accounts list` say why nothing is polled, a metric counts the accounts,
// and the log says what to set in one line without a stack trace.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingSettingsBlock } from '../../src/core/account-hold.js';
import { loadConfig, platformBlocks } from '../../src/config.js';
import { useTestDatabase } from '../helpers/database.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const db = useTestDatabase();
const REASON = 'x accounts are not polled: X_BEARER_TOKEN is not set (set it to poll them)';

describe('platform blocks', () => {
  it('name every missing setting of a platform, and none when all are set', () => {
    const none = (name: string) => name === 'API_URL';
    expect(missingSettingsBlock('feed', ['API_URL', 'TOKEN', 'SECRET'], none)).toEqual({
      platform: 'feed',
      code: 'missing_credentials',
      settings: ['TOKEN', 'SECRET'],
      reason: 'feed accounts are not polled: TOKEN and SECRET are not set (set them to poll them)',
    });
    expect(missingSettingsBlock('feed', ['TOKEN'], () => true)).toBeNull();
  });

  it('block x without X_BEARER_TOKEN, and not with it', () => {
    const config = (env: Record<string, string>) => loadConfig(env, { instanceId: 't' });
    expect(platformBlocks(config({})).get('x')?.reason).toBe(REASON);
    expect(platformBlocks(config({ X_BEARER_TOKEN: 'token' })).size).toBe(0);
  });
});

describe('the service without X_BEARER_TOKEN', () => {
  let service: ChildProcess;
  let stderr = '';
  let base = '';
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db().url, PORT: '0', LOG_LEVEL: 'info' };
    delete e.X_BEARER_TOKEN;
    return e;
  };

  beforeAll(async () => {
    await run(process.execPath, [BIN, 'accounts', 'add', 'x:Blocked_A'], { env: env() });
    await run(process.execPath, [BIN, 'accounts', 'add', 'x:Blocked_B'], { env: env() });
    service = spawn(process.execPath, [BIN, 'start'], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
    base = await new Promise<string>((resolve, reject) => {
      service.stderr!.on('data', (d: Buffer) => {
        stderr += d;
        const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (url) resolve(url);
      });
      service.once('exit', (code) => reject(new Error(`service exited ${code}: ${stderr}`)));
    });
  });
  afterAll(async () => {
    if (service.exitCode === null) {
      const exit = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exit;
    }
  });

  it('logs what to set in one line, without a stack trace', () => {
    const lines = stderr.split('\n').filter((l) => l.includes('X_BEARER_TOKEN'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 50, msg: REASON, code: 'missing_credentials', settings: ['X_BEARER_TOKEN'] });
    expect(stderr).not.toContain('"stack"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('answers /healthz 503 with the reason per account', async () => {
    const res = await fetch(`${base}/healthz`);
    const body = await res.json();
    expect([res.status, body.status, body.blocked]).toEqual([503, 'unhealthy', 2]);
    expect(body.problems).toEqual([
      { platform: 'x', code: 'missing_credentials', settings: ['X_BEARER_TOKEN'], reason: REASON },
    ]);
    for (const account of body.accounts) {
      expect(account).toMatchObject({ state: 'blocked', code: 'missing_credentials', reason: REASON });
    }
  });

  it('says why on the accounts page and each account page', async () => {
    const list = await (await fetch(`${base}/accounts`)).text();
    expect(list.match(/badge-blocked/g)).toHaveLength(2);
    const page = await (await fetch(`${base}/accounts/x/Blocked_A`)).text();
    expect(page).toContain('badge-blocked');
    expect(page).toContain(REASON);
  });

  it('counts the accounts in a metric', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('onrecord_accounts_not_polled{platform="x",reason="missing_credentials"} 2');
  });

  it('accounts list says why nothing is polled (table and --json)', async () => {
    const json = JSON.parse((await run(process.execPath, [BIN, 'accounts', 'list', '--json'], { env: env() })).stdout);
    expect(json.map((a: { blocked: unknown }) => a.blocked)).toEqual([
      { code: 'missing_credentials', reason: REASON, settings: ['X_BEARER_TOKEN'] },
      { code: 'missing_credentials', reason: REASON, settings: ['X_BEARER_TOKEN'] },
    ]);
    const table = (await run(process.execPath, [BIN, 'accounts', 'list'], { env: env() })).stdout;
    expect(table).toMatch(/x:Blocked_A\s+blocked\s/);
    expect(table).toContain('X_BEARER_TOKEN not set (nothing is polled)');
  });
});
