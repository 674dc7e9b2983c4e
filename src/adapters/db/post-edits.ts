// Changes to posts already archived: a new version (an edit) and a change
// of status (deleted, unavailable, suspended). Used by the posts repository
// inside its transaction.
import { Prisma, type Account, type Post } from '../../generated/prisma/client.js';
import { compareVersions, mergeEditIds, newestVersion } from '../../core/post-versions.js';
import type { NormalizedPost } from '../../core/post-model.js';
import { toPostView } from '../../core/post-view.js';
import type { Tx } from './database.js';
import { eventKeys, recordEvents } from './events-repository.js';
import { storableValue } from '../../core/storable-text.js';
import { recordObservations } from './log-append.js';

export type PostWithAccount = Post & { account: Account | null };

export interface EditedPost {
  post: PostWithAccount;
  /** The newest version added. */
  versionId: string;
  previousText: string;
  /** False when the versions added are older than one already stored (found later by lookup). */
  isLatest: boolean;
}

/**
 * Folds newly stored versions into their post: the chain grows, and the text
 * of the latest version (the newest by the time posted, then captured) wins.
 */
export async function applyEdit(tx: Tx, postId: number, added: NormalizedPost[], now: Date): Promise<EditedPost> {
  const row = await tx.post.findUniqueOrThrow({ where: { id: postId } });
  const stored = await tx.postVersion.findMany({
    where: { postId },
    select: { versionId: true, createdAt: true, capturedAt: true },
  });
  const newest = newestVersion(added);
  const newestStored = newestVersion(
    stored.map((v) => ({ versionId: v.versionId, versionCreatedAt: v.createdAt, capturedAt: v.capturedAt })),
  );
  const isLatest = newest.versionId === newestStored.versionId;
  const editIds = mergeEditIds(row.editIds, [...added].sort(compareVersions));
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
        permalink: newest.permalink ?? null,
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
