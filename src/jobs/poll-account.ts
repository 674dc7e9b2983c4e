// One poll of one account: resolve the handle once (then follow the user id),
// read the timeline from the cursor, record a poll_runs row and the account's
// bookkeeping. Failures are values here: one account's trouble never throws
// into the scheduler. An unchanged account costs one request and writes only
// its poll_runs row and its last_polled_at/last_success_at.
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository, isUnpolled, type Account } from '../adapters/db/accounts-repository.js';
import { createPollRunsRepository } from '../adapters/db/poll-runs-repository.js';
import { createPostsRepository } from '../adapters/db/posts-repository.js';
import type { Clock } from '../core/clock.js';
import { OnrecordError, publicErrorSummary, SourceRateLimited, SourceUsageCapped } from '../core/errors.js';
import { formatAccountRef } from '../core/ids.js';
import { rateLimitResumeAt } from '../core/account-hold.js';
import type { Logger } from '../logger.js';
import type { PostSource, UserLookup } from '../ports/post-source.js';
import { archivePostsById } from './archive-posts.js';
import { nextSweepBatch, sweepSource } from './deletion-sweep.js';
import type { RegisteredSource, SourceRegistry } from './source-registry.js';
import {
  AccountUnavailable,
  DEFAULT_RETRY,
  emptyProgress,
  withRetries,
  pollTimeline,
  type RetryPolicy,
  type TimelineProgress,
} from './poll-timeline.js';

/** The cursor row that holds the time of the last user refresh (`x:user` for X). */
export function userCheckSource(platform: string): string {
  return `${platform}:user`;
}
/** The cursor row that holds the time of the last re-check of recent posts (`x:recheck` for X). */
export function recheckSource(platform: string): string {
  return `${platform}:recheck`;
}
/** Versions whose media details are missing, looked up again by each re-check (their own ID brings them). */
export const MEDIA_FILL_PER_RECHECK = 20;
/** How often the account's user is looked up by id (renames, suspensions). */
export const USER_REFRESH_MS = 24 * 60 * 60_000;
/** How often recent posts are looked up again to notice deletions and edits. */
export const RECHECK_INTERVAL_MS = 60 * 60_000;
/** How far back that re-check looks (X allows edits for an hour; deletions any time). */
export const RECHECK_WINDOW_MS = 3 * 24 * 60 * 60_000;

export interface PollDeps {
  db: Prisma;
  /** The source and gate of each platform; an account is read by its platform's. */
  sources: SourceRegistry;
  clock: Clock;
  logger: Logger;
  retry?: RetryPolicy;
  random?: () => number;
  /** Older posts each re-check also looks up again (deletion sweep, see deletion-sweep.ts); default none. */
  sweepPerRecheck?: number;
}

export interface PollOptions {
  trigger?: string;
  signal?: AbortSignal;
  /** Look the user up by id now (renames), whatever the refresh interval says. */
  refreshUser?: boolean;
  /** Re-check recent posts by lookup now (deletions). */
  recheck?: boolean;
  /**
   * A connected stream pushes this account's deletions (X's Activity API):
   * the timed re-check skips the recent posts (the deletion sweep and the
   * media fill still run). A forced re-check (`recheck`) looks at them all.
   */
  deletionsPushed?: boolean;
}

export const POLL_SUMMARY_OUTCOMES = ['complete', 'partial', 'failed', 'skipped'] as const;

export interface PollSummary {
  account: string;
  accountId: number;
  runId: number | null;
  outcome: (typeof POLL_SUMMARY_OUTCOMES)[number];
  requests: number;
  pages: number;
  postsNew: number;
  versionsNew: number;
  problems: number;
  deleted: number;
  cursor: string | null;
  error: { code: string; message: string } | null;
  /** When polling this account may resume (rate limit, usage cap). */
  resumeAt: string | null;
}

export async function pollAccount(deps: PollDeps, accountId: number, options: PollOptions = {}): Promise<PollSummary> {
  const accounts = createAccountsRepository(deps.db);
  const account = await accounts.findById(accountId);
  if (!account) throw new Error(`account ${accountId} does not exist`);
  const summary = newSummary(account);
  const registered = deps.sources.get(account.platform);
  if (!registered) {
    const message = `no ${account.platform} source is configured`;
    return { ...summary, outcome: 'skipped', error: { code: 'no_source', message } };
  }
  return pollWith({ ...deps, ...registered }, account, summary, options);
}

/** What polling one account needs: the deps and its platform's source and gate. */
type AccountPollDeps = PollDeps & RegisteredSource;

async function pollWith(
  deps: AccountPollDeps,
  account: Account,
  summary: PollSummary,
  options: PollOptions,
): Promise<PollSummary> {
  const gate = deps.gate.check(account.id);
  if (!gate.open || isUnpolled(account.status)) {
    const error = gate.open ? unpolledError(account.status) : gate;
    const resumeAt = gate.open ? null : gate.until.toISOString();
    return { ...summary, outcome: 'skipped', error: { code: errorCodeOf(error), message: error.message }, resumeAt };
  }
  const log = deps.logger.child({ component: 'poller', account: summary.account });
  const runs = createPollRunsRepository(deps.db);
  const runId = await runs.start(account.id, options.trigger ?? 'schedule', deps.clock.now());
  const progress = emptyProgress();
  const result = await runPoll(deps, account, options, progress).then(
    (deleted) => ({ ...summary, outcome: 'complete' as const, deleted }),
    (err: unknown) => failure(deps, account, summary, progress, err),
  );
  Object.assign(result, pick(progress), { runId, cursor: progress.cursor });
  const outcome = result.outcome === 'skipped' ? 'failed' : result.outcome;
  const error = { errorCode: result.error?.code, errorMessage: result.error?.message };
  await runs.finish(runId, { ...pick(progress), postsRead: progress.postsRead, outcome, ...error }, deps.clock.now());
  await recordBookkeeping(deps, account, result, progress);
  const level = result.outcome === 'complete' ? 'info' : 'warn';
  log[level]({ pollId: runId, ...pick(progress), outcome, error: result.error ?? undefined }, 'poll finished');
  return result;
}

function errorCodeOf(error: { code: string } | { reason: string }): string {
  return 'code' in error ? error.code : error.reason;
}

function newSummary(account: Account): PollSummary {
  return {
    account: formatAccountRef(account.platform, account.handle),
    accountId: account.id,
    runId: null,
    outcome: 'complete',
    ...pick(emptyProgress()),
    deleted: 0,
    cursor: null,
    error: null,
    resumeAt: null,
  };
}

function pick(p: TimelineProgress) {
  const { requests, pages, postsNew, versionsNew, problems } = p;
  return { requests, pages, postsNew, versionsNew, problems };
}

/** The poll proper; returns how many posts the re-check found deleted. */
async function runPoll(deps: AccountPollDeps, account: Account, options: PollOptions, progress: TimelineProgress) {
  const timelineDeps = {
    db: deps.db,
    source: deps.source,
    clock: deps.clock,
    retry: deps.retry ?? DEFAULT_RETRY,
    random: deps.random ?? Math.random,
    signal: options.signal,
  };
  const resolved = await ensureUser(deps, account, options, progress, timelineDeps);
  await pollTimeline(timelineDeps, resolved, progress);
  deps.gate.recordSuccess(account.id);
  // The timeline is stored and the cursor moved: a failed re-check only waits for the next poll.
  return recheckIfDue(deps, resolved, options, progress).catch((err: unknown) => {
    if (!(err instanceof OnrecordError)) throw err;
    deps.logger.warn({ component: 'poller', accountId: account.id, err }, 're-check of recent posts failed');
    return 0;
  });
}

async function ensureUser(
  deps: AccountPollDeps,
  account: Account,
  options: PollOptions,
  progress: TimelineProgress,
  retry: Parameters<typeof withRetries>[0],
): Promise<Account> {
  const accounts = createAccountsRepository(deps.db);
  const posts = createPostsRepository(deps.db);
  const now = deps.clock.now();
  const lastCheck = await posts.getCursor(account.id, userCheckSource(account.platform));
  const due = !lastCheck || now.getTime() - Date.parse(lastCheck) >= USER_REFRESH_MS;
  if (account.platformUserId && !due && !options.refreshUser) return account;
  const lookup = await lookupUser(deps.source, account, progress, retry, options.signal);
  if (lookup.kind !== 'found') throw new AccountUnavailable(lookup.kind, lookup.detail);
  if (!account.platformUserId) await accounts.setResolved(account.id, lookup.user);
  await accounts.recordHandle(account.id, lookup.user.handle, now);
  await posts.setCursor(account.id, userCheckSource(account.platform), now.toISOString());
  return (await accounts.findById(account.id))!;
}

async function lookupUser(
  source: PostSource,
  account: Account,
  progress: TimelineProgress,
  retry: Parameters<typeof withRetries>[0],
  signal?: AbortSignal,
): Promise<UserLookup> {
  return withRetries(retry, progress, () =>
    account.platformUserId
      ? source.lookupAccount(account.platformUserId, signal)
      : source.resolveAccount(account.handle, signal),
  );
}

/** Looks recent posts up again, at most once an interval, to notice deletions. */
async function recheckIfDue(deps: AccountPollDeps, account: Account, options: PollOptions, progress: TimelineProgress) {
  const posts = createPostsRepository(deps.db);
  const now = deps.clock.now();
  const last = await posts.getCursor(account.id, recheckSource(account.platform));
  if (!options.recheck) {
    // The first poll starts the interval: what it just read needs no re-check.
    if (!last) await posts.setCursor(account.id, recheckSource(account.platform), now.toISOString());
    if (!last || now.getTime() - Date.parse(last) < RECHECK_INTERVAL_MS) return 0;
  }
  const since = new Date(now.getTime() - RECHECK_WINDOW_MS);
  const skipsRecent = options.deletionsPushed && !options.recheck;
  const recent = skipsRecent ? [] : await posts.recentVersionIds(account.id, since);
  const sweep = await nextSweepBatch(deps.db, account.id, {
    before: since,
    after: await posts.getCursor(account.id, sweepSource(account.platform)),
    size: deps.sweepPerRecheck ?? 0,
  });
  const incomplete = await posts.versionsMissingMedia(account.id, MEDIA_FILL_PER_RECHECK);
  const result = await archivePostsById(deps, [...recent, ...sweep.ids, ...incomplete], { signal: options.signal });
  progress.requests += result.requests;
  progress.postsRead += result.found.length;
  progress.versionsNew += result.versionsNew;
  await posts.setCursor(account.id, recheckSource(account.platform), now.toISOString());
  if (sweep.ids.length) await posts.setCursor(account.id, sweepSource(account.platform), sweep.next);
  return result.statusChanged.length;
}

async function failure(
  deps: AccountPollDeps,
  account: Account,
  summary: PollSummary,
  progress: TimelineProgress,
  err: unknown,
): Promise<PollSummary> {
  const error = publicErrorSummary(err, 'unexpected error (see the log)');
  let resumeAt: Date | null = null;
  if (err instanceof SourceRateLimited) {
    resumeAt = await pauseForRateLimit(deps, account, err);
  } else if (err instanceof SourceUsageCapped) {
    deps.gate.recordUsageCap(err.message);
    resumeAt = deps.gate.usageCap()?.until ?? null;
  } else if (err instanceof AccountUnavailable) {
    await createAccountsRepository(deps.db).setStatus(account.id, err.code, err.message);
  } else if (!(err instanceof OnrecordError)) {
    deps.logger.error({ component: 'poller', account: summary.account, err }, 'poll failed unexpectedly');
  }
  // Pages stored before a rate limit or an unreadable page are kept: a partial poll.
  const partial = progress.pages > 0 && (err instanceof SourceRateLimited || error.code === 'bad_payload');
  return { ...summary, outcome: partial ? 'partial' : 'failed', error, resumeAt: resumeAt?.toISOString() ?? null };
}

/** A rate limit holds the account back until its reset, capped, and remembered across restarts. */
async function pauseForRateLimit(deps: AccountPollDeps, account: Account, err: SourceRateLimited): Promise<Date> {
  const until = rateLimitResumeAt(err.resetAt, deps.clock.now());
  const reason = `rate limited by ${account.platform}: ${err.message}`;
  deps.gate.recordRateLimit(account.id, until, reason);
  await createAccountsRepository(deps.db).pause(account.id, { until, code: err.code, reason });
  return until;
}

async function recordBookkeeping(
  deps: AccountPollDeps,
  account: Account,
  result: PollSummary,
  progress: TimelineProgress,
) {
  const accounts = createAccountsRepository(deps.db);
  const now = deps.clock.now();
  const ok = result.outcome === 'complete';
  await accounts.recordPoll(account.id, {
    polledAt: now,
    succeededAt: ok ? now : undefined,
    lastPostAt: progress.newestPostAt,
    error: ok ? null : result.error && { ...result.error, at: now },
  });
  if (ok && account.status !== 'active') await accounts.setStatus(account.id, 'active', null);
  if (ok && account.pausedUntil) await accounts.clearPause(account.id);
  if (progress.seenHandle) await accounts.recordHandle(account.id, progress.seenHandle, now);
}

function unpolledError(status: string) {
  if (status === 'archived') {
    return { code: 'paused', message: 'the account is archived from an import: watch it with accounts add' };
  }
  return { code: 'paused', message: 'the account is paused' };
}
