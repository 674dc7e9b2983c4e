// A killed poller frees its accounts at once: the lock on an account dies with
// the process that holds it (kill -9 included), so the next `poll --once`
// polls right away, while two live pollers still never poll one account
// together. `poll --once` never exits 0 having skipped an account: it waits
// for a live holder (--wait) or exits non-zero naming it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountLocks, type AccountLocksSpec } from '../../src/adapters/db/account-locks.js';
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import { truncateAll, useTestDatabase } from '../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../fake-x/fake-x-server.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const HOLDER = new URL('./account-lock-holder.ts', import.meta.url).pathname;
const BEARER = 'killed-poller-bearer';
const TIMELINE = 'users/:id/tweets' as const;
const db = useTestDatabase();
const scratch = mkdtempSync(join(tmpdir(), 'onrecord-account-locks-'));
let fake: RunningFakeX;

beforeAll(async () => {
  fake = await startFakeX({ bearerToken: BEARER });
});
afterAll(async () => {
  await fake?.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(async () => {
  await truncateAll(db());
  fake.clearFaults();
});

function childEnv(instance: string) {
  return {
    ...process.env,
    DATABASE_URL: db().url,
    X_API_BASE_URL: fake.url,
    X_BEARER_TOKEN: BEARER,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    LOG_LEVEL: 'warn',
    ONRECORD_INSTANCE_ID: instance,
    // A request the fake holds open stays open until the test lets it go.
    X_API_TIMEOUT: '5m',
  };
}

function poller(instance: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [BIN, 'poll', '--once', '--json', ...args], {
    env: childEnv(instance),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function pollNow(instance: string, args: string[] = []) {
  return run(process.execPath, [BIN, 'poll', '--once', '--json', ...args], { env: childEnv(instance) }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout })));
}

async function watch(handle: string) {
  fake.seedAccount({ username: handle, posts: 20 });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'x', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  return account;
}

async function runsOf(accountId: number) {
  return db().prisma.pollRun.findMany({ where: { accountId }, orderBy: { startedAt: 'asc' } });
}

describe('poll --once after a poller was killed mid-poll', () => {
  it('polls at once: the killed process held the account, and its lock died with it', async () => {
    const account = await watch('Killed_Poller');
    fake.injectFault({ kind: 'hang', endpoint: TIMELINE, times: 'always' });
    // The fake counts every request since it started: wait for this poller's own first timeline request.
    const before = fake.requestsTo(TIMELINE).length;
    const killed = poller('killed-instance');
    const exit = finished(killed);
    await fake.waitForRequests(before + 1, TIMELINE, 60_000);
    killed.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    fake.clearFaults();
    fake.dropOpenResponses();

    const next = await pollNow('next-instance', ['--wait', '0']);
    expect(next.code, next.stderr).toBe(0);
    const polls = (JSON.parse(next.stdout) as { polls: { outcome: string; postsNew: number }[] }).polls;
    expect(polls).toMatchObject([{ outcome: 'complete', postsNew: 20 }]);
    expect(await db().prisma.post.count({ where: { accountId: account.id } })).toBe(20);
  }, 300_000);
});

describe('two live pollers of one account', () => {
  it('the second exits non-zero naming the holder when it may not wait, or waits for it and then polls', async () => {
    const account = await watch('Busy_Poller');
    fake.injectFault({ kind: 'hang', endpoint: TIMELINE, times: 1 });
    // The first poller holds the account once its own timeline request hangs (the fake counts every request).
    const before = fake.requestsTo(TIMELINE).length;
    const first = poller('first-instance');
    const firstDone = finished(first);
    await fake.waitForRequests(before + 1, TIMELINE, 60_000);

    const impatient = await pollNow('impatient-instance', ['--wait', '0']);
    expect(impatient.code, impatient.stdout).toBe(1);
    const skipped = (JSON.parse(impatient.stdout) as { polls: { outcome: string; error: { message: string } }[] })
      .polls;
    expect(skipped).toMatchObject([{ outcome: 'skipped', error: { code: 'leased' } }]);
    expect(skipped[0]!.error.message).toContain('first-instance:cli');

    const patient = poller('patient-instance', ['--wait', '2m']);
    const patientDone = finished(patient);
    // The patient poller must find the account held and wait; if it exits first, that is a failure, said at once.
    let patientLog = '';
    const waiting = new Promise<'waiting'>((resolve) => {
      createInterface({ input: patient.stderr! }).on('line', (line) => {
        patientLog += `${line}\n`;
        if (line.includes('is polling x:Busy_Poller: waiting up to 2m')) resolve('waiting');
      });
    });
    const firstSign = await Promise.race([waiting, patientDone.then(() => 'exited' as const)]);
    expect(firstSign, patientLog).toBe('waiting');
    fake.dropOpenResponses(); // the first poller's hanging request fails; its retry is answered

    const [a, b] = await Promise.all([firstDone, patientDone]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outcomes = [a, b].map((r) => (JSON.parse(r.stdout) as { polls: { outcome: string }[] }).polls[0]!.outcome);
    expect(outcomes).toEqual(['complete', 'complete']);
    const runs = await runsOf(account.id);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    expect(await db().prisma.post.count({ where: { accountId: account.id } })).toBe(20);
  }, 300_000);
});

describe('account locks die with their holder', () => {
  const specs: [string, () => AccountLocksSpec][] = [
    ['PostgreSQL advisory lock', () => ({ kind: 'advisory', url: db().url!, owner: 'holder-instance' })],
    ['file lock beside the embedded database', () => ({ kind: 'files', dir: scratch, owner: 'holder-instance' })],
  ];
  it.each(specs)(
    '%s: held by a live process (named), free once it is killed -9',
    async (_name, spec) => {
      const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, JSON.stringify(spec()), '42'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exit = finished(holder);
      const [line] = await Promise.race([
        new Promise<[string]>((resolve) =>
          createInterface({ input: holder.stdout! }).once('line', (l) => resolve([l])),
        ),
        exit.then(() => ['exited'] as [string]),
      ]);
      expect(line).toBe('held');
      const locks = createAccountLocks({ ...spec(), owner: 'other-instance' } as AccountLocksSpec);
      try {
        const busy = await locks.tryHold(42);
        expect(busy).toMatchObject({ held: false });
        expect(busy.held ? '' : busy.holder).toContain('holder-instance');
        holder.kill('SIGKILL');
        expect((await exit).signal).toBe('SIGKILL');
        await expect.poll(async () => (await locks.tryHold(42)).held, { timeout: 10_000 }).toBe(true);
        expect(await locks.tryHold(42)).toEqual({ held: false, holder: 'this process' });
      } finally {
        await locks.close();
      }
    },
    60_000,
  );
});
