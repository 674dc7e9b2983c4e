// `onrecord alerts`: adding rules (and refusing bad ones with one clear line),
// listing with counts, a test alert to a local receiver, dead deliveries,
// removal. One case runs bin/onrecord in a child process; the others run the
// same command tree in this process (a child costs seconds on a busy machine).
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';
import { registerAlerts } from '../../../src/cli/commands/alerts.js';
import { createRuntime, describeError, ExitCode } from '../../../src/cli/runtime.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../../src/core/signature.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startReceiver, type Receiver } from '../../integration/alerts/harness.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();
const env = () => ({
  ...process.env,
  DATABASE_URL: getDb().url,
  LOG_LEVEL: 'warn',
  ALERT_TIMEOUT: '2s',
  ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
});

async function onrecordBin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: env() }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

/** The same command tree and error handling as bin/onrecord, in this process. */
async function onrecord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const io = {
    stdout: new Writable({ write: (chunk, _enc, cb) => void ((stdout += String(chunk)), cb()) }),
    stderr: new Writable({ write: (_chunk, _enc, cb) => cb() }),
    isTty: false,
  };
  const program = new Command('onrecord').exitOverride();
  registerAlerts(program, createRuntime(io, env()));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    if (err instanceof ExitCode) return { code: err.code, stdout, stderr: '' };
    if (err instanceof CommanderError) return { code: err.exitCode, stdout, stderr: err.message };
    return { code: 1, stdout, stderr: `${describeError(err, false)}\n` };
  }
}

let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver((_req, n) => (n === 1 ? { status: 202, body: 'queued' } : { status: 410, body: 'gone' }));
});
afterAll(() => hook.close());

describe('onrecord alerts', () => {
  it.each([
    [
      ['--webhook', 'nope'],
      'onrecord: --webhook needs a URL like https://example.org/hook, got "nope" [invalid_input]\n',
    ],
    [
      ['--webhook', 'https://a.example/h', '--regex', '(?=a)b'],
      'onrecord: invalid regex "(?=a)b": error parsing regexp: invalid or unsupported Perl syntax: `(?=` (rules use RE2 syntax, which matches in linear time: no lookahead, lookbehind or backreferences) [invalid_input]\n',
    ],
    [
      ['--webhook', 'https://a.example/h', '--on', 'new,liked'],
      'onrecord: unknown event "liked" (known: new, edited, deleted, cited) [invalid_input]\n',
    ],
    [
      ['--email', 'desk@example.org'],
      'onrecord: email alerts need SMTP_URL (e.g. smtp://user:pass@mail.example.org:587) [config]\n',
    ],
  ])('refuses bad input %j with one line', async (args, stderr) => {
    expect(await onrecord('alerts', 'add', ...args)).toEqual({ code: 1, stdout: '', stderr });
  });

  it('refuses bad input through bin/onrecord with one line on stderr and exit 1', async () => {
    expect(await onrecordBin('alerts', 'add', '--email', 'desk.example.org')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'onrecord: --email needs an address like someone@example.org, got "desk.example.org" [invalid_input]\n',
    });
  });

  it('adds, lists, tests, shows deliveries and removes a rule', async () => {
    const added = await onrecord(
      'alerts',
      'add',
      '--webhook',
      hook.url,
      '--account',
      'x:USFOR_A',
      '--keyword',
      'cease fire',
      '--on',
      'new,edited',
      '--json',
    );
    expect(added.code).toBe(0);
    const rule = JSON.parse(added.stdout) as { id: number; secret: string };
    expect(rule).toMatchObject({
      channel: 'webhook',
      target: `${new URL(hook.url).origin}/…`,
      hasSecret: true,
      accounts: ['x:USFOR_A'],
      keywords: ['cease fire'],
      regex: null,
      events: ['new', 'edited'],
      digest: 'none',
      enabled: true,
      deliveries: { delivered: 0, pending: 0, retrying: 0, dead: 0, digested: 0, lastError: null },
    });
    expect(rule.secret).toMatch(/^[0-9a-f]{48}$/);

    const slack = await onrecord('alerts', 'add', '--slack', 'https://hooks.slack.com/services/T1/B2/SECRETTOKEN');
    expect(slack).toMatchObject({ code: 0, stderr: '' });
    expect(slack.stdout).toMatch(
      /^added alert rule \d+: slack https:\/\/hooks\.slack\.com\/…; on new; all accounts\n$/,
    );

    const tested = await onrecord('alerts', 'test', String(rule.id));
    expect(tested).toMatchObject({ code: 0, stdout: 'accepted (202): HTTP 202 Accepted\n' });
    const [req] = hook.requests;
    expect(req!.headers['x-onrecord-event']).toBe('test');
    expect(verifySignature(rule.secret, req!.raw, req!.headers['x-onrecord-signature-256'] as string)).toBe(true);
    expect(JSON.parse(req!.raw)).toMatchObject({ event: 'test', rule: rule.id, test: true, digest: null });

    const again = await onrecord('alerts', 'test', String(rule.id));
    expect(again).toMatchObject({ code: 1, stdout: 'failed (410): HTTP 410 Gone\n' });

    await getDb().prisma.delivery.create({
      data: {
        ruleId: rule.id,
        status: 'dead',
        attempts: 25,
        lastStatusCode: 500,
        lastError: 'HTTP 500 Internal Server Error',
      },
    });
    const list = JSON.parse((await onrecord('alerts', 'list', '--json')).stdout) as { id: number; target: string }[];
    expect(list.map((r) => r.id)).toEqual([rule.id, rule.id + 1]);
    expect(list[1]!.target).toBe('https://hooks.slack.com/…');
    expect(list[0]).toMatchObject({
      deliveries: { dead: 1, delivered: 0, lastError: 'HTTP 500 Internal Server Error' },
    });
    const dead = JSON.parse((await onrecord('alerts', 'deliveries', '--status', 'dead', '--json')).stdout) as unknown[];
    expect(dead).toEqual([
      expect.objectContaining({
        ruleId: rule.id,
        status: 'dead',
        attempts: 25,
        lastError: 'HTTP 500 Internal Server Error',
      }),
    ]);

    expect(await onrecord('alerts', 'remove', String(rule.id))).toMatchObject({
      code: 0,
      stdout: `removed alert rule ${rule.id}\n`,
    });
    expect(await onrecord('alerts', 'remove', String(rule.id))).toMatchObject({
      code: 1,
      stderr: `onrecord: no alert rule ${rule.id} [not_found]\n`,
    });
    expect(await getDb().prisma.delivery.count()).toBe(0);
  });
});
