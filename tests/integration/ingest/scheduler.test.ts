// The scheduler: every account polled at start, no overlapping polls of one
// account (within an instance, and across two instances through the account locks),
// one account's failure does not stop the others, and stop() waits for
// in-flight polls then aborts them after the grace period.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountLocks } from '../../../src/adapters/db/account-locks.js';
import { startScheduler, type SchedulerHandle } from '../../../src/jobs/scheduler.js';
import type { PollSummary } from '../../../src/jobs/poll-account.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { addAccount, poller, sourceFor, useFakeX } from './poll-harness.js';

const db = useTestDatabase();
const fake = useFakeX();
const TIMELINE = 'users/:id/tweets' as const;
const NEVER = '0 0 1 1 *';
let n = 0;
const handle = () => `sched_${process.pid % 1000}_${++n}`;
const handles: SchedulerHandle[] = [];
const lockSets: AccountLocks[] = [];

beforeEach(async () => {
  await truncateAll(db());
  fake().requests.length = 0;
});
afterEach(async () => {
  fake().clearFaults();
  await Promise.all(handles.splice(0).map((h) => h.stop()));
  await Promise.all(lockSets.splice(0).map((l) => l.close()));
});

function scheduler(owner: string, extra: Partial<Parameters<typeof startScheduler>[0]> = {}) {
  const p = poller(db(), sourceFor(fake()));
  const locks = db().accountLocks(owner);
  lockSets.push(locks);
  const handle = startScheduler({ ...p.deps, locks, tickPattern: NEVER, pollOnStart: false, ...extra });
  handles.push(handle);
  return handle;
}

async function seedAccounts(count: number) {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const h = handle();
    fake().seedAccount({ username: h, posts: 2 });
    ids.push((await addAccount(db(), h)).id);
  }
  return ids;
}

/** Poll runs of each account never overlap in time. */
async function expectNoOverlap() {
  const runs = await db().prisma.pollRun.findMany({ orderBy: [{ accountId: 'asc' }, { startedAt: 'asc' }] });
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.accountId !== runs[i - 1]!.accountId) continue;
    expect(runs[i - 1]!.finishedAt!.getTime()).toBeLessThanOrEqual(runs[i]!.startedAt.getTime());
  }
  return runs;
}

describe('scheduler', () => {
  it('polls every account at once on start and reports each poll', async () => {
    const ids = await seedAccounts(3);
    const seen: PollSummary[] = [];
    const all = new Promise<void>((resolve) => {
      scheduler('one', {
        pollOnStart: true,
        onPoll: (s) => {
          seen.push(s);
          if (seen.length === 3) resolve();
        },
      });
    });
    await all;
    expect(seen.map((s) => [s.accountId, s.outcome, s.postsNew]).sort()).toEqual(ids.map((id) => [id, 'complete', 2]));
  });

  it('keeps at most maxConcurrentPolls polls in flight; the others start in turn as polls end', async () => {
    const ids = await seedAccounts(5);
    const inFlight: number[] = [];
    const seen: PollSummary[] = [];
    await new Promise<void>((resolve) => {
      const handle: SchedulerHandle = scheduler('capped', {
        maxConcurrentPolls: 2,
        onPoll: (s) => {
          inFlight.push(handle.inFlight().length);
          seen.push(s);
          if (seen.length === ids.length) resolve();
        },
      });
      void handle.tick();
    });
    expect(seen.map((s) => [s.accountId, s.outcome]).sort()).toEqual(ids.map((id) => [id, 'complete']));
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(2);
    // No instant at which more than two poll runs were open.
    const runs = await db().prisma.pollRun.findMany();
    const open = (at: number) => runs.filter((r) => r.startedAt.getTime() <= at && at < r.finishedAt!.getTime()).length;
    expect(Math.max(...runs.map((r) => open(r.startedAt.getTime())))).toBeLessThanOrEqual(2);
  });

  it('node-cron ticks poll an account again once its own interval has passed', async () => {
    const [id] = await seedAccounts(1);
    await db().prisma.account.update({ where: { id }, data: { pollIntervalMs: 1000 } });
    const seen: PollSummary[] = [];
    await new Promise<void>((resolve) => {
      scheduler('cron', {
        tickPattern: '* * * * * *',
        onPoll: (s) => {
          seen.push(s);
          if (seen.length === 2) resolve();
        },
      });
    });
    expect(seen.map((s) => [s.accountId, s.outcome, s.postsNew, s.requests])).toEqual([
      [id, 'complete', 2, 2],
      [id, 'complete', 0, 1],
    ]);
    await expectNoOverlap();
  });

  it('two instances never poll one account at the same time (advisory locks in PostgreSQL)', async () => {
    const ids = await seedAccounts(3);
    fake().injectFault({ kind: 'delay', ms: 1000, endpoint: TIMELINE, times: 'always' });
    const [a, b] = [scheduler('instance-a'), scheduler('instance-b')];
    await Promise.all([a.tick(), b.tick()]);
    const runs = await expectNoOverlap();
    expect(runs.map((r) => r.accountId).sort()).toEqual(ids);
    expect(fake().requestsTo(TIMELINE)).toHaveLength(3);
  });

  it('never overlaps polls of one account within an instance; a due account waits for its interval', async () => {
    const ids = await seedAccounts(2);
    fake().injectFault({ kind: 'delay', ms: 500, endpoint: TIMELINE, times: 'always' });
    const s = scheduler('solo');
    const first = s.tick();
    const second = s.tick();
    await Promise.all([first, second]);
    expect((await expectNoOverlap()).map((r) => r.accountId)).toEqual(ids);
    await s.tick();
    expect(await db().prisma.pollRun.count()).toBe(2);
  });

  it("one account's failure does not stop the others", async () => {
    const [good] = await seedAccounts(1);
    const missing = await addAccount(db(), 'NoSuchHandle1');
    await scheduler('solo').tick();
    const runs = await db().prisma.pollRun.findMany({ orderBy: { accountId: 'asc' } });
    expect(runs.map((r) => [r.accountId, r.outcome, r.errorCode])).toEqual([
      [good, 'complete', null],
      [missing.id, 'failed', 'not_found'],
    ]);
  });

  it('stop() waits for in-flight polls, then aborts them after the grace period', async () => {
    const [id] = await seedAccounts(1);
    fake().injectFault({ kind: 'hang', endpoint: TIMELINE, times: 'always' });
    const s = scheduler('solo', { graceMs: 100 });
    const ticked = s.tick();
    await expect.poll(() => fake().requestsTo(TIMELINE).length).toBe(1);
    expect(s.inFlight()).toEqual([id]);
    await s.stop();
    await ticked;
    expect(s.inFlight()).toEqual([]);
    expect(await db().prisma.pollRun.findFirstOrThrow()).toMatchObject({ outcome: 'failed', errorCode: 'aborted' });
  });

  it('stop() waits for a tick still reading which accounts are due, and that tick starts no poll', async () => {
    await seedAccounts(1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reading = false;
    const s = scheduler('reader', {
      intervals: {
        refresh: async () => {
          reading = true;
          await held;
        },
        intervalOf: (account) => account.pollIntervalMs,
      },
    });
    const ticked = s.tick();
    await expect.poll(() => reading).toBe(true);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false); // the tick's read is still open
    release();
    await stopping;
    await ticked;
    expect(fake().requestsTo(TIMELINE)).toEqual([]);
    expect(await db().prisma.pollRun.count()).toBe(0);
  });
});
