// Issue 12.6: a 429 whose x-rate-limit-reset lies in the year 5138 once held
// an account back until then, in memory only, while health said "ok". The
// wait is capped (the documented 15-minute window plus a margin), remembered
// on the account across restarts, and shown in /healthz, the account page,
// and `accounts list` (table and --json).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RATE_LIMIT_WAIT_MS, rateLimitResumeAt } from '../../src/core/account-hold.js';
import { restoreSourceGate } from '../../src/jobs/source-gate.js';
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import { useTestDatabase } from '../helpers/database.js';
import { buildTestApp } from '../helpers/http-app.js';
import { addAccount, poller, sourceFor, useFakeX } from '../integration/ingest/poll-harness.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const db = useTestDatabase();
const fake = useFakeX();
const FAR_RESET = '99999999999'; // 5138-11-16, in seconds since the epoch

describe('rateLimitResumeAt', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it.each([
    ['a reset in the year 5138', new Date(99999999999 * 1000), now.getTime() + MAX_RATE_LIMIT_WAIT_MS],
    ['a reset in 10 minutes', new Date(now.getTime() + 600_000), now.getTime() + 600_000],
    ['a reset in the past', new Date(now.getTime() - 600_000), now.getTime()],
    ['an unreadable reset', new Date(NaN), now.getTime() + MAX_RATE_LIMIT_WAIT_MS],
  ])('%s', (_name, reset, expected) => {
    expect(rateLimitResumeAt(reset, now).getTime()).toBe(expected);
  });
  it('caps at the 15-minute window plus a margin, no more than 20 minutes', () => {
    expect(MAX_RATE_LIMIT_WAIT_MS).toBeGreaterThanOrEqual(15 * 60_000);
    expect(MAX_RATE_LIMIT_WAIT_MS).toBeLessThanOrEqual(20 * 60_000);
  });
});

describe('a rate limit with an absurd reset', () => {
  let accountId: number;
  let resumeAt: number;
  let pollStartedAt: number;

  beforeAll(async () => {
    fake().seedAccount({ username: 'RateLimited_A', posts: 3 });
    const account = await addAccount(db(), 'RateLimited_A');
    accountId = account.id;
    fake().injectFault({
      kind: 'status',
      status: 429,
      headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': FAR_RESET },
    });
    const p = poller(db(), sourceFor(fake()));
    pollStartedAt = Date.now();
    const result = await p.poll(accountId);
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('rate_limited');
    resumeAt = Date.parse(result.resumeAt!);
  });
  afterAll(() => fake().clearFaults());

  it('waits at most the capped window, not until the year 5138', () => {
    expect(resumeAt).toBeGreaterThan(pollStartedAt);
    expect(resumeAt).toBeLessThanOrEqual(Date.now() + MAX_RATE_LIMIT_WAIT_MS);
  });

  it('is remembered on the account, so a restarted poller waits too, then resumes', async () => {
    const row = await db().prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    expect(row.pausedUntil?.getTime()).toBe(resumeAt);
    expect(row.pauseCode).toBe('rate_limited');
    const restarted = await restoreSourceGate(db().prisma, 'x', { now: () => new Date() });
    expect(restarted.check(accountId)).toMatchObject({ open: false, reason: 'rate_limited' });
    const later = await restoreSourceGate(db().prisma, 'x', { now: () => new Date(resumeAt + 1) });
    expect(later.check(accountId)).toEqual({ open: true });
  });

  it('shows in /healthz as paused with its end, and the service as degraded', async () => {
    const now = new Date(resumeAt - 60_000);
    const app = await buildTestApp(db(), { X_BEARER_TOKEN: 'set' }, { clock: { now: () => now } });
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      const body = res.json();
      expect([res.statusCode, body.status, body.paused]).toEqual([200, 'degraded', 1]);
      const account = body.accounts.find((a: { account: string }) => a.account === 'x:RateLimited_A');
      expect(account).toMatchObject({ state: 'paused', code: 'rate_limited', until: new Date(resumeAt).toISOString() });
      expect(account.reason).toContain('rate limited');

      const page = await app.inject({ method: 'GET', url: '/accounts/x/RateLimited_A' });
      expect(page.body).toContain('badge-paused');
      expect(page.body).toContain(`polling resumes at ${new Date(resumeAt).toISOString()}`);
    } finally {
      await app.close();
    }
  });

  it('shows in accounts list and accounts list --json', async () => {
    const env = { ...process.env, DATABASE_URL: db().url, X_BEARER_TOKEN: 'set', LOG_LEVEL: 'warn' };
    const json = JSON.parse((await run(process.execPath, [BIN, 'accounts', 'list', '--json'], { env })).stdout);
    expect(json[0]).toMatchObject({
      account: 'x:RateLimited_A',
      pausedUntil: new Date(resumeAt).toISOString(),
      pause: { code: 'rate_limited', until: new Date(resumeAt).toISOString() },
      blocked: null,
    });
    const table = (await run(process.execPath, [BIN, 'accounts', 'list'], { env })).stdout;
    expect(table).toMatch(/x:RateLimited_A\s+paused\s/);
    expect(table).toContain(`rate_limited until ${new Date(resumeAt).toISOString()}`);
  });

  it('a poll that goes through ends the wait', async () => {
    const p = poller(db(), sourceFor(fake()));
    p.clock.offsetMs = resumeAt - Date.now() + 1000;
    expect((await p.poll(accountId)).outcome).toBe('complete');
    const row = await createAccountsRepository(db().prisma).findById(accountId);
    expect([row?.pausedUntil, row?.pauseCode, row?.pauseReason]).toEqual([null, null, null]);
  });
});
