// Secrets planted everywhere a person puts them (tokens and passwords in the
// environment, a webhook URL with a token in its path and query, a signing
// secret) never show in anything onrecord writes: CLI tables and JSON, HTTP
// API answers, pages, feeds, metrics, exports, and logs at the most verbose
// level, of the CLI and of the running service.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { startReceiver, type Receiver } from '../../integration/alerts/harness.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();

const PLANTED = {
  bearer: 'PLANTEDxBEARERx7f3a',
  apiToken: 'PLANTEDxAPIxTOKENx91c2',
  smtpPassword: 'PLANTEDxSMTPxPASSx55',
  dbPassword: 'PLANTEDxDBxPASSx0d1',
  hookPath: 'PLANTEDxHOOKxPATHx3b',
  hookQuery: 'PLANTEDxHOOKxQUERYx8e',
  signingSecret: 'PLANTEDxSIGNINGxSECRETx2a',
  slackToken: 'PLANTEDxSLACKxTOKENx4d',
};

/** Every planted value found in `text` (none expected). */
function leaks(text: string): string[] {
  return Object.values(PLANTED).filter((secret) => text.includes(secret));
}

describe('secrets never shown', () => {
  let receiver: Receiver;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    const db = getDb();
    // The receiver plays both the webhook (a failing one) and an X API that refuses the token.
    receiver = await startReceiver(() => ({ status: 401, body: '{"title":"Unauthorized","status":401}' }));
    const a = await insertAccount(db, { handle: 'USFOR_A', platformUserId: '1001' });
    await insertPost(db, { accountId: a.id, text: 'Statement on the convoy', createdAt: '2026-01-05T10:00:00Z' });
    const url = new URL(db.url);
    url.password = PLANTED.dbPassword; // the test server trusts local connections: any password works
    env = {
      ...process.env,
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'trace',
      X_BEARER_TOKEN: PLANTED.bearer,
      X_API_BASE_URL: receiver.url,
      ONRECORD_API_TOKEN: PLANTED.apiToken,
      SMTP_URL: `smtp://desk:${PLANTED.smtpPassword}@127.0.0.1:1`,
      ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
      ONRECORD_ALLOW_PRIVATE_TARGETS: 'true', // the webhook receiver is on 127.0.0.1
    };
  });
  afterAll(() => receiver?.close());

  async function onrecord(...args: string[]): Promise<string> {
    const result = await run(process.execPath, [BIN, ...args], { env }).catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    return `${result.stdout}\n${result.stderr}`;
  }

  it('in CLI output and CLI logs', async () => {
    const hook = `${new URL(receiver.url).origin}/hooks/${PLANTED.hookPath}?key=${PLANTED.hookQuery}`;
    const added = await onrecord('alerts', 'add', '--webhook', hook, '--secret', PLANTED.signingSecret, '--json');
    const rule = JSON.parse(added.slice(0, added.lastIndexOf('}') + 1)) as { id: number; target: string };
    expect(rule.target).toBe(`${new URL(receiver.url).origin}/…`);
    const outputs = [
      added,
      await onrecord('alerts', 'add', '--slack', `https://hooks.slack.com/services/T1/B2/${PLANTED.slackToken}`),
      await onrecord('alerts', 'test', String(rule.id)),
      await onrecord('poll', '--once', '--json'),
      ...(await Promise.all([
        onrecord('alerts', 'list'),
        onrecord('alerts', 'list', '--json'),
        onrecord('alerts', 'deliveries', '--json'),
        onrecord('accounts', 'list'),
        onrecord('export', '--format', 'jsonl'),
        onrecord('export', '--format', 'csv'),
        onrecord('search', '--json'),
      ])),
    ];
    // The failing test alert and the refused poll did reach the receiver, so their errors were printed.
    expect(receiver.requests.map((r) => new URL(r.url, receiver.url).pathname)).toContain(`/hooks/${PLANTED.hookPath}`);
    expect(outputs.join('\n')).toContain('401');
    expect(leaks(outputs.join('\n'))).toEqual([]);
  }, 180_000);

  it('in HTTP answers, pages, feeds, metrics and the service log', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
    });
    const bodies: string[] = [];
    try {
      const created = await fetch(`${base}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PLANTED.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: 'webhook',
          target: `https://hooks.example/h/${PLANTED.hookPath}`,
          secret: PLANTED.signingSecret,
        }),
      });
      expect(created.status).toBe(201);
      bodies.push(await created.text());
      for (const path of [
        '/',
        '/alerts',
        '/api/alerts',
        '/api/accounts',
        '/accounts/x/USFOR_A',
        '/healthz',
        '/metrics',
        '/feeds/search.atom',
        '/api/openapi.json',
      ]) {
        const res = await fetch(`${base}${path}`);
        bodies.push(`${path} ${res.status} ${await res.text()}`);
      }
    } finally {
      child.kill('SIGTERM');
    }
    await once(child, 'exit');
    expect(bodies.join('\n')).toContain('https://hooks.example/…');
    expect(log).toContain('"level":20'); // debug and trace were on: request logs are debug
    expect(leaks(bodies.join('\n'))).toEqual([]);
    expect(leaks(log)).toEqual([]);
  }, 60_000);
});
