// A pushed item stored through the same idempotent path as polls: a post goes
// through storeBatch (so a post seen by the stream and by a poll is stored
// once and raises one `new` event, whichever came first), a deletion becomes
// the post's `deleted` status and event as a re-check's would, a new handle
// or display name updates the account, an account event (Jetstream: active
// false, deactivated or taken down) its status. Every message is kept as a
// capture with its sha256, and the resources read are counted per UTC day. A
// pushed post never moves the timeline cursor: only a poll proves that
// nothing before it was missed. A stream that replays (Jetstream) has its own
// event cursor, advanced in the transaction that stores the items it carried.
import type { Prisma, Tx } from '../adapters/db/database.js';
import { createAccountsRepository, type AccountStatus } from '../adapters/db/accounts-repository.js';
import { createPostsRepository, type StoreBatchInput } from '../adapters/db/posts-repository.js';
import { createStreamsRepository } from '../adapters/db/streams-repository.js';
import type { Clock } from '../core/clock.js';
import { snowflakeTime } from '../core/x-snowflake.js';
import type { StreamItem } from '../ports/post-stream.js';
import { postErrors, statusChangeOf } from './archive-posts.js';

export interface StreamStoreDeps {
  db: Prisma;
  clock: Clock;
  platform: string;
  /** The channel (counted in stream_reads), e.g. `x:filtered`. */
  channel: string;
  /** The stream's state row (e.g. `bsky`), whose event cursor advances with the items. */
  stream?: string;
  /** The watched account of a platform user, if any. */
  accountOf(platformUserId: string): number | undefined;
}

export interface StoredItem {
  /** The account the item was about (undefined: no watched account, nothing stored but a problem). */
  accountId?: number;
  postsNew: number;
  events: number;
  /** Publication time of the newest post in the item. */
  newestPostAt?: Date;
  ignored?: string;
}

/** How long one batch's transaction may take. */
const BATCH_TIMEOUT_MS = 30_000;

/**
 * Stores items in arrival order, in one transaction (a burst costs one commit,
 * not one per post); when that fails, the caller stores them one by one.
 */
export async function storeStreamItems(deps: StreamStoreDeps, items: StreamItem[]): Promise<StoredItem[]> {
  return deps.db.$transaction(
    async (tx) => {
      const stored: StoredItem[] = [];
      for (const item of items) stored.push(await storeIn(tx, deps, item));
      const cursor = newestCursor(items);
      if (deps.stream && cursor) await createStreamsRepository(deps.db).advanceCursor(deps.stream, cursor, tx);
      return stored;
    },
    // A burst's batch on a busy database may take longer than Prisma's default 5 s.
    { timeout: BATCH_TIMEOUT_MS },
  );
}

export function storeStreamItem(deps: StreamStoreDeps, item: StreamItem): Promise<StoredItem> {
  return storeStreamItems(deps, [item]).then(([stored]) => stored!);
}

/** The largest event cursor among the items (cursors are decimal integers). */
function newestCursor(items: StreamItem[]): bigint | undefined {
  let newest: bigint | undefined;
  for (const item of items) {
    if (!item.cursor || !/^\d{1,19}$/.test(item.cursor)) continue;
    const value = BigInt(item.cursor);
    if (newest === undefined || value > newest) newest = value;
  }
  return newest;
}

async function storeIn(tx: Tx, deps: StreamStoreDeps, item: StreamItem): Promise<StoredItem> {
  if (item.kind === 'skipped') return { postsNew: 0, events: 0, ignored: 'nothing to keep' };
  const now = deps.clock.now();
  const capture = { ...item.capture, capturedAt: now };
  const keep = (accountId: number | null, problems: { code: 'bad_payload'; message: string }[] = []) =>
    createPostsRepository(deps.db).storeBatch(
      { accountId, capture, posts: [], problems, firstSeenBy: 'stream', raiseNew: false, now },
      tx,
    );
  if (item.kind === 'posts') return storePosts(tx, deps, item, capture, now);
  if (item.kind === 'problem') {
    await keep(null, [{ code: 'bad_payload', message: item.message }]);
    return { postsNew: 0, events: 0 };
  }
  const accountId = deps.accountOf(item.authorId);
  if (accountId === undefined) return { postsNew: 0, events: 0, ignored: 'not a watched account' };
  await keep(accountId);
  if (item.kind === 'deleted') {
    const change = { id: item.postId, status: 'deleted' as const, detail: `deleted (pushed by ${deps.channel})` };
    const events = (await createPostsRepository(deps.db).markUnavailable(deps.platform, [change], now, tx)).length;
    return { accountId, postsNew: 0, events };
  }
  if (item.kind === 'account') {
    await storeAccountStatus(tx, deps.db, accountId, item);
    return { accountId, postsNew: 0, events: 0 };
  }
  await createStreamsRepository(deps.db).addReads(deps.channel, now, 1, tx);
  const accounts = createAccountsRepository(deps.db);
  if (item.field === 'handle' && item.after) await accounts.recordHandle(accountId, item.after, now, tx);
  if (item.field === 'name' && item.after) await accounts.recordDisplayName(accountId, item.after, tx);
  return { accountId, postsNew: 0, events: 0 };
}

async function storePosts(
  tx: Tx,
  deps: StreamStoreDeps,
  item: Extract<StreamItem, { kind: 'posts' }>,
  capture: StoreBatchInput['capture'],
  now: Date,
): Promise<StoredItem> {
  const accountId = item.authorIds.map((id) => deps.accountOf(id)).find((id) => id !== undefined);
  // A post matched only by another tool's rule: not onrecord's to archive.
  if (accountId === undefined) return { postsNew: 0, events: 0, ignored: 'not a watched account' };
  const posts = createPostsRepository(deps.db);
  const stored = await posts.storeBatch(
    {
      accountId,
      capture,
      posts: item.body.posts,
      problems: item.body.problems,
      firstSeenBy: 'stream',
      // Pushed as it is published: news, whether or not the account's history is archived yet.
      raiseNew: true,
      now,
    },
    tx,
  );
  await posts.markUnavailable(deps.platform, postErrors(item.body.errors).map(statusChangeOf), now, tx);
  const reads = new Set(item.body.posts.map((p) => p.versionId)).size;
  await createStreamsRepository(deps.db).addReads(deps.channel, now, reads, tx);
  const own = item.body.posts.filter((p) => p.via === 'data');
  // The ID's time is to the millisecond where created_at is to the second.
  const times = own.map((p) => snowflakeTime(p.versionId) ?? p.versionCreatedAt);
  const newestPostAt = times.reduce<Date | undefined>((max, t) => (!max || t > max ? t : max), undefined);
  if (newestPostAt) await createAccountsRepository(deps.db).recordLastPost(accountId, newestPostAt, tx);
  return { accountId, postsNew: stored.postsNew, events: stored.events, ...(newestPostAt ? { newestPostAt } : {}) };
}

/**
 * Statuses a pushed account event may replace: never a pause or an archive
 * set by hand, and "active again" only lifts what an account event or a
 * poll said of the account (not a poll's own error).
 */
const PUSHED_STATUSES: readonly string[] = ['active', 'suspended', 'not_found', 'error'];
const GONE_STATUSES: readonly string[] = ['suspended', 'not_found'];

/** An account deactivated, taken down or deleted, or active again, as the platform pushed it. */
async function storeAccountStatus(
  tx: Tx,
  db: Prisma,
  accountId: number,
  item: Extract<StreamItem, { kind: 'account' }>,
) {
  const accounts = createAccountsRepository(db);
  const account = await accounts.statusOf(accountId, tx);
  if (!PUSHED_STATUSES.includes(account.status)) return;
  if (item.isActive && !GONE_STATUSES.includes(account.status)) return;
  const status: AccountStatus = item.isActive
    ? 'active'
    : item.status === 'takendown' || item.status === 'suspended'
      ? 'suspended'
      : 'not_found';
  if (status === account.status) return;
  const detail = item.isActive ? null : `${item.status ?? 'inactive'} (pushed by the stream)`;
  await accounts.setStatus(accountId, status, detail, tx);
}
