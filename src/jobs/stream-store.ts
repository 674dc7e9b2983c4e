// A pushed item stored through the same idempotent path as polls: a post goes
// through storeBatch (so a post seen by the stream and by a poll is stored
// once and raises one `new` event, whichever came first), a deletion becomes
// the post's `deleted` status and event as a re-check's would, a new handle
// or display name updates the account. Every line is kept as a capture with
// its sha256, and the resources read are counted per UTC day. A pushed post
// never moves the timeline cursor: only a poll proves that nothing before it
// was missed.
import type { Prisma, Tx } from '../adapters/db/database.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
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

/**
 * Stores items in arrival order, in one transaction (a burst costs one commit,
 * not one per post); when that fails, the caller stores them one by one.
 */
export async function storeStreamItems(deps: StreamStoreDeps, items: StreamItem[]): Promise<StoredItem[]> {
  return deps.db.$transaction(async (tx) => {
    const stored: StoredItem[] = [];
    for (const item of items) stored.push(await storeIn(tx, deps, item));
    return stored;
  });
}

export function storeStreamItem(deps: StreamStoreDeps, item: StreamItem): Promise<StoredItem> {
  return storeStreamItems(deps, [item]).then(([stored]) => stored!);
}

async function storeIn(tx: Tx, deps: StreamStoreDeps, item: StreamItem): Promise<StoredItem> {
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
    const change = { id: item.postId, status: 'deleted' as const, detail: 'deleted (pushed by the X Activity API)' };
    const events = (await createPostsRepository(deps.db).markUnavailable(deps.platform, [change], now, tx)).length;
    return { accountId, postsNew: 0, events };
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
