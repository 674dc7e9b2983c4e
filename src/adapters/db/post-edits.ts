// Changes to posts already archived: a new version (an X edit) and a change
// of status (deleted, unavailable, suspended). Used by the posts repository
// inside its transaction.
import { Prisma, type Account, type Post } from '../../generated/prisma/client.js';
import { compareIds } from '../../core/ids.js';
import type { NormalizedPost } from '../../core/post-model.js';
import { toPostView } from '../../core/post-view.js';
import type { Tx } from './database.js';
import { eventKeys, recordEvents } from './events-repository.js';
import { storableValue } from '../../core/storable-text.js';
import { recordObservations } from './log-repository.js';

export type PostWithAccount = Post & { account: Account | null };

export interface EditedPost {
  post: PostWithAccount;
  /** The newest version added. */
  versionId: string;
  previousText: string;
  /** False when the versions added are older than one already stored (found later by lookup). */
  isLatest: boolean;
}

function maxId(ids: string[]): string {
  return ids.reduce((a, b) => (compareIds(a, b) >= 0 ? a : b));
}

/** Folds newly stored versions into their post: the chain grows, the latest text wins. */
export async function applyEdit(tx: Tx, postId: number, added: NormalizedPost[], now: Date): Promise<EditedPost> {
  const row = await tx.post.findUniqueOrThrow({ where: { id: postId } });
  const stored = await tx.postVersion.findMany({ where: { postId }, select: { versionId: true } });
  const newest = added.reduce((a, b) => (compareIds(a.versionId, b.versionId) >= 0 ? a : b));
  const isLatest = newest.versionId === maxId(stored.map((v) => v.versionId));
  const editIds = [...new Set([...row.editIds, ...added.flatMap((a) => a.editIds)])].sort(compareIds);
  const latest = isLatest
    ? {
        text: newest.text,
        lang: newest.lang,
        urls: newest.urls,
        mentions: newest.mentions,
        hashtags: newest.hashtags,
        cashtags: newest.cashtags ?? [],
        media: JSON.parse(JSON.stringify(newest.media)),
        mediaKeys: newest.mediaKeys ?? [],
        repostOf: newest.repostOf ?? null,
        withheld: jsonOrNull(newest.withheld),
        poll: jsonOrNull(newest.poll),
        geo: jsonOrNull(newest.geo),
        referencedPosts: JSON.parse(JSON.stringify(newest.referencedPosts)),
        conversationId: newest.conversationId,
        inReplyToUserId: newest.inReplyToUserId,
      }
    : {};
  const post = await tx.post.update({
    where: { id: postId },
    data: { editIds, versionCount: stored.length, lastSeenAt: now, ...latest },
    include: { account: true },
  });
  return { post, versionId: newest.versionId, previousText: row.text, isLatest };
}

function jsonOrNull(value: unknown) {
  return value ? JSON.parse(JSON.stringify(value)) : Prisma.DbNull;
}

export const UNAVAILABLE_STATUSES = ['deleted', 'unavailable', 'suspended', 'withheld'] as const;
export type UnavailableStatus = (typeof UNAVAILABLE_STATUSES)[number];

export interface StatusChange {
  /** Any ID of the post's edit chain. */
  id: string;
  status: UnavailableStatus;
  detail: string;
}

/**
 * Marks archived posts as no longer available and raises a `deleted` event
 * for each post whose status changed. Unknown IDs are ignored. Returns the
 * post IDs (natural keys) that changed.
 */
export async function markUnavailable(tx: Tx, platform: string, changes: StatusChange[], now: Date) {
  const changed: string[] = [];
  for (const change of changes) {
    const post = await tx.post.findFirst({
      where: { platform, OR: [{ platformId: change.id }, { editIds: { has: change.id } }] },
    });
    if (!post || post.status === change.status) continue;
    const updated = await tx.post.update({
      where: { id: post.id },
      data: { status: change.status, statusDetail: storableValue(change.detail).value, statusChangedAt: now },
      include: { account: true },
    });
    changed.push(updated.platformId);
    const { status, detail } = change;
    await recordObservations(tx, [
      { postId: post.id, platform, platformId: post.platformId, status, detail, observedAt: now },
    ]);
    await recordEvents(tx, [
      {
        kind: 'deleted',
        dedupeKey: eventKeys.deleted(platform, updated.platformId),
        postId: updated.id,
        payload: { post: toPostView(updated) },
      },
    ]);
  }
  return changed;
}
