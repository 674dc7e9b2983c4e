// Triggers polls; it never polls itself. A node-cron task ticks (every 5
// seconds by default); each tick polls the accounts that are due by their own
// interval, every account at once on start (at most maxConcurrentPolls in
// flight: the others wait their turn, in order). A poll runs holding the
// account's lock (one that dies with its holder) so that two instances never
// poll one account at the same time, and never overlaps itself within one
// instance. One account's failure is
// recorded by the poll job and never stops the others.
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import type { AccountLocks } from '../adapters/db/account-locks.js';
import { once, type Handle } from '../core/lifecycle.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
import { withAccountLease } from './account-lease.js';
import { pollAccount, type PollDeps, type PollSummary } from './poll-account.js';

export const STOP_GRACE_MS = 10_000;
/** Every 5 seconds: how late a due poll may start (intervals are minutes). */
export const DEFAULT_TICK = '*/5 * * * * *';

/** How long an account waits between polls (streamed accounts wait longer: see stream-coverage.ts). */
export interface PollIntervals {
  /** Called at the start of each tick. */
  refresh(): Promise<void>;
  intervalOf(account: { id: number; pollIntervalMs: number }): number;
  /** Whether a connected stream pushes this account's deletions (its timed re-check can skip recent posts). */
  deletionsPushed?(accountId: number): boolean;
}

export interface SchedulerOptions extends PollDeps {
  /** Intervals other than each account's own (default: its own). */
  intervals?: PollIntervals;
  /** This instance's account locks (Database.accountLocks). */
  locks: AccountLocks;
  /** node-cron pattern of the tick (default every 5 seconds). */
  tickPattern?: string;
  /** How long stop() waits for in-flight polls before aborting them. */
  graceMs?: number;
  /** Poll every due account right away (default true). */
  pollOnStart?: boolean;
  /** Called after each poll (tests, metrics). */
  onPoll?: (summary: PollSummary) => void;
  /**
   * Polls in flight at once (default unlimited). Due accounts beyond it wait in
   * order and start as polls end: hundreds of polls started together would
   * queue for the database pool past Prisma's transaction wait and fail.
   */
  maxConcurrentPolls?: number;
}

export interface SchedulerHandle extends Handle {
  /** Runs one tick now; resolves when the polls it started have finished. */
  tick(): Promise<void>;
  /** Accounts being polled by this instance now. */
  inFlight(): number[];
  /**
   * Polls these accounts as soon as possible, whatever their interval (a
   * catch-up after a stream reconnects): an account being polled now is
   * polled again once that poll ends, since it may have read too early.
   */
  requestPolls(accountIds: number[], trigger: string, options?: { recheck?: boolean }): void;
}

export function startScheduler(options: SchedulerOptions): SchedulerHandle {
  const log = options.logger.child({ component: 'scheduler' });
  /** Not before then: a rate limit's reset, a closed gate. */
  const nextDue = new Map<number, number>();
  const lastStart = new Map<number, number>();
  /** Polls asked for out of turn, with their trigger. */
  const forced = new Map<number, { trigger: string; recheck: boolean }>();
  const running = new Map<number, Promise<void>>();
  /** Due polls waiting for a free slot (maxConcurrentPolls), in order. */
  const waiting = new Map<number, { trigger: string; recheck: boolean }>();
  const maxConcurrent = options.maxConcurrentPolls ?? Infinity;
  const abort = new AbortController();
  // One signal for every poll in flight: as many listeners as accounts polled at once.
  setMaxListeners(0, abort.signal);
  let stopping = false;

  async function runLeased(accountId: number, trigger: string, recheck: boolean): Promise<void> {
    const deletionsPushed = options.intervals?.deletionsPushed?.(accountId) ?? false;
    const result = await withAccountLease(options, accountId, () =>
      pollAccount(options, accountId, { trigger, recheck, deletionsPushed, signal: abort.signal }),
    );
    if (!result.leased) return log.debug({ accountId, holder: result.holder }, 'account held by another instance');
    const summary = result.value;
    if (summary.resumeAt) nextDue.set(accountId, Math.max(nextDue.get(accountId) ?? 0, Date.parse(summary.resumeAt)));
    options.onPoll?.(summary);
  }

  function launch(accountId: number, trigger: string, recheck = false): Promise<void> {
    const run = runLeased(accountId, trigger, recheck)
      .catch((err: unknown) => log.error({ err, accountId }, 'poll could not run'))
      .finally(() => {
        running.delete(accountId);
        startWaiting();
        // A catch-up asked for while this poll ran: poll again now.
        if (forced.has(accountId) && !stopping) void tick();
      });
    running.set(accountId, run);
    return run;
  }

  /** Starts a poll now; its interval counts from now. */
  function start(accountId: number, poll: { trigger: string; recheck: boolean }): Promise<void> {
    lastStart.set(accountId, options.clock.now().getTime());
    return launch(accountId, poll.trigger, poll.recheck);
  }

  function startWaiting(): void {
    for (const [accountId, poll] of waiting) {
      if (stopping || running.size >= maxConcurrent) return;
      waiting.delete(accountId);
      void start(accountId, poll);
    }
  }

  /** Ticks still reading which accounts are due: stop() waits for them before the database closes. */
  const reading = new Set<Promise<unknown>>();
  async function dueAccounts() {
    const read = (async () => {
      await options.intervals?.refresh();
      return createAccountsRepository(options.db).pollable(options.sources.platforms());
    })();
    reading.add(read);
    try {
      return await read;
    } finally {
      reading.delete(read);
    }
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    const started: Promise<void>[] = [];
    try {
      const accounts = await dueAccounts();
      if (stopping) return;
      const now = options.clock.now().getTime();
      for (const account of accounts) {
        // No overlap: an account still being polled (or waiting for a slot) waits for its next tick.
        if (running.has(account.id) || waiting.has(account.id) || now < (nextDue.get(account.id) ?? 0)) continue;
        const asked = forced.get(account.id);
        const interval = options.intervals?.intervalOf(account) ?? account.pollIntervalMs;
        if (asked === undefined && now < (lastStart.get(account.id) ?? -Infinity) + interval) continue;
        // Each platform's own gate: one platform's limits never hold up another's accounts.
        const gate = options.sources.get(account.platform)!.gate.check(account.id);
        if (!gate.open) {
          nextDue.set(account.id, gate.until.getTime());
          continue;
        }
        forced.delete(account.id);
        const poll = { trigger: asked?.trigger ?? 'schedule', recheck: asked?.recheck ?? false };
        if (running.size >= maxConcurrent) waiting.set(account.id, poll);
        else started.push(start(account.id, poll));
      }
    } catch (err) {
      log.error({ err }, 'scheduler tick failed');
    }
    await Promise.all(started);
  }

  const task: ScheduledTask = cron.schedule(options.tickPattern ?? DEFAULT_TICK, () => void tick(), {
    name: 'onrecord-poller',
    noOverlap: true,
  });
  // Every account is polled at once when the scheduler starts.
  if (options.pollOnStart !== false) void tick();

  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stop = once(async () => {
    stopping = true;
    await task.destroy();
    await Promise.allSettled([...reading]);
    const inFlight = Promise.all(running.values());
    const graceMs = options.graceMs ?? STOP_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      inFlight.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      log.warn({ accounts: [...running.keys()] }, 'polls still running after the grace period: aborting them');
      abort.abort();
      await inFlight;
    }
    finish();
  });
  function requestPolls(accountIds: number[], trigger: string, asked: { recheck?: boolean } = {}): void {
    if (!accountIds.length || stopping) return;
    for (const id of accountIds) forced.set(id, { trigger, recheck: asked.recheck ?? false });
    log.debug({ accounts: accountIds.length, trigger }, 'polls asked for');
    void tick();
  }

  return { stop, done, tick, inFlight: () => [...running.keys()], requestPolls };
}
