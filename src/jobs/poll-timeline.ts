// Reads one account's timeline from its cursor to the newest post, page by
// page, storing each page as it arrives. Pages are idempotent, so a poll cut
// short (rate limit, crash, kill -9) only costs a re-read; the cursor moves in
// the transaction of the LAST page and only when every page is stored.
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository, type Account } from '../adapters/db/accounts-repository.js';
import { createPostsRepository } from '../adapters/db/posts-repository.js';
import type { Clock } from '../core/clock.js';
import { backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import { BadPayload, OnrecordError, SourceRateLimited, SourceUnavailable } from '../core/errors.js';
import { sleep } from '../core/lifecycle.js';
import type { NormalizedBody } from '../core/post-model.js';
import type { NormalizedPage, PostSource, RawCapture } from '../ports/post-source.js';
import { postErrors, statusChangeOf } from './archive-posts.js';

/** The cursor row of an account's timeline (`x:timeline` for X). */
export function timelineSource(platform: string): string {
  return `${platform}:timeline`;
}
/** 3,200 posts reachable at 100 a page, with room for short pages. */
export const MAX_PAGES = 40;

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 1000, maxMs: 30_000 };

export interface TimelineDeps {
  db: Prisma;
  source: PostSource;
  clock: Clock;
  retry: RetryPolicy;
  random: () => number;
  signal?: AbortSignal;
}

export interface TimelineProgress {
  requests: number;
  pages: number;
  /** Posts X returned (every version in a page, re-check lookups included): what X bills per post read. */
  postsRead: number;
  postsNew: number;
  versionsNew: number;
  problems: number;
  newestPostAt?: Date;
  /** A handle seen for the account's user in the pages (renames). */
  seenHandle?: string;
  cursor: string | null;
}

/** The account's user is gone (partial error under HTTP 200). */
export class AccountUnavailable extends OnrecordError {
  readonly isRetryable = false;
  constructor(
    readonly code: 'suspended' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

export class PollAborted extends OnrecordError {
  readonly code = 'aborted';
  readonly isRetryable = true;
}

export function emptyProgress(): TimelineProgress {
  return { requests: 0, pages: 0, postsRead: 0, postsNew: 0, versionsNew: 0, problems: 0, cursor: null };
}

export async function pollTimeline(deps: TimelineDeps, account: Account, progress: TimelineProgress): Promise<void> {
  const target = { platformUserId: account.platformUserId! };
  const cursor = await createPostsRepository(deps.db).getCursor(account.id, timelineSource(account.platform));
  const isBackfill = account.backfilledAt === null;
  const since = isBackfill ? null : cursor;
  progress.cursor = cursor;
  let newest = cursor;
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await keepBadPayload(deps, account, progress, () =>
      withRetries(deps, progress, () => deps.source.fetchPage(target, since, token, deps.signal)),
    );
    const readAt = deps.clock.now();
    throwIfUserGone(page);
    newest = deps.source.newerCursor(newest, page.newestCursor);
    const isLast = !page.nextPageToken;
    await storePage(deps, account, page.capture, page, { isBackfill, isLast, cursor, newest, readAt }, progress);
    if (isLast) return;
    stopIfWindowUsedUp(deps.source, page);
    token = page.nextPageToken;
  }
  throw new BadPayload(`the timeline did not end after ${MAX_PAGES} pages`);
}

/**
 * No requests left in the rate-limit window with pages still to read (X:
 * x-rate-limit-remaining 0): the next request would only earn a 429, so the
 * poll stops here as rate limited (partial) and resumes after the reset.
 */
function stopIfWindowUsedUp(source: PostSource, page: NormalizedPage) {
  const limit = page.rateLimit;
  if (limit && limit.remaining <= 0) {
    throw new SourceRateLimited(`the ${source.platform.toUpperCase()} rate limit window is used up`, limit.resetAt);
  }
}

/** A payload that could not be read at all is kept raw with a problem, then the poll stops there. */
async function keepBadPayload<T>(
  deps: TimelineDeps,
  account: Account,
  progress: TimelineProgress,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (err) {
    const capture = err instanceof BadPayload ? (err as { capture?: RawCapture }).capture : undefined;
    if (capture) {
      const now = deps.clock.now();
      await createPostsRepository(deps.db).storeBatch({
        accountId: account.id,
        capture: { ...capture, capturedAt: now },
        posts: [],
        problems: [{ code: 'bad_payload', message: (err as Error).message }],
        firstSeenBy: 'poll',
        raiseNew: false,
        now,
      });
      progress.problems += 1;
    }
    throw err;
  }
}

interface PageContext {
  isBackfill: boolean;
  isLast: boolean;
  cursor: string | null;
  newest: string | null;
  /** When the page was read: its capture's time. */
  readAt: Date;
}

async function storePage(
  deps: TimelineDeps,
  account: Account,
  capture: RawCapture,
  body: NormalizedBody,
  page: PageContext,
  progress: TimelineProgress,
) {
  const now = deps.clock.now();
  const hasContent = body.posts.length > 0 || body.problems.length > 0 || body.errors.length > 0;
  const moves = page.isLast && page.newest !== null && page.newest !== page.cursor;
  const backfills = page.isLast && page.isBackfill;
  progress.pages += 1;
  progress.postsRead += body.posts.length;
  // An unchanged account answers an empty page: nothing to write, no capture kept.
  if (!hasContent && !moves && !backfills) return;
  const posts = createPostsRepository(deps.db);
  await deps.db.$transaction(async (tx) => {
    if (hasContent) {
      const stored = await posts.storeBatch(
        {
          accountId: account.id,
          capture: { ...capture, capturedAt: page.readAt },
          posts: body.posts,
          problems: body.problems,
          firstSeenBy: page.isBackfill ? 'backfill' : 'poll',
          raiseNew: !page.isBackfill,
          now,
        },
        tx,
      );
      progress.postsNew += stored.postsNew;
      progress.versionsNew += stored.versionsNew;
      progress.problems += stored.problems;
      // A deleted or hidden post named in the page's errors (e.g. a quoted post) becomes its status.
      await posts.markUnavailable(account.platform, postErrors(body.errors).map(statusChangeOf), now, tx);
    }
    if (moves) await posts.setCursor(account.id, timelineSource(account.platform), page.newest!, tx);
    if (backfills) await createAccountsRepository(deps.db).markBackfilled(account.id, now, tx);
  });
  if (moves) progress.cursor = page.newest;
  noteAccountDetails(account, body, progress);
}

function noteAccountDetails(account: Account, body: NormalizedBody, progress: TimelineProgress) {
  for (const post of body.posts) {
    if (!progress.newestPostAt || post.versionCreatedAt > progress.newestPostAt) {
      progress.newestPostAt = post.versionCreatedAt;
    }
    if (post.authorId === account.platformUserId && post.authorHandle) progress.seenHandle ??= post.authorHandle;
  }
}

function throwIfUserGone(body: NormalizedBody) {
  if (body.posts.length > 0) return;
  const gone = body.errors.find((e) => e.resourceType === 'user' && (e.kind === 'suspended' || e.kind === 'not_found'));
  if (gone) throw new AccountUnavailable(gone.kind === 'suspended' ? 'suspended' : 'not_found', gone.detail);
}

/**
 * One request with retries: 5xx, timeouts and network errors back off
 * exponentially with jitter (abortable), up to the policy's attempts.
 */
export async function withRetries<T>(
  deps: Pick<TimelineDeps, 'retry' | 'random' | 'signal'>,
  progress: { requests: number },
  request: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (deps.signal?.aborted) throw new PollAborted('the poll was stopped');
    progress.requests += 1;
    try {
      return await request();
    } catch (err) {
      if (deps.signal?.aborted) throw new PollAborted('the poll was stopped', { cause: err });
      if (!(err instanceof SourceUnavailable) || attempt + 1 >= deps.retry.attempts) throw err;
      await sleep(backoffDelay(attempt, deps.retry, deps.random), deps.signal);
    }
  }
}
