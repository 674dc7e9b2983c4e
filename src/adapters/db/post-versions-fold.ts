// Versions of posts whose edits keep the post's ID (every platform whose
// descriptor says editsHaveOwnIds false): a version whose content repeats the
// version next to it is not stored, its IDs only join the post's edit chain
// (core/post-versions.ts decides; this file reads the stored versions it
// needs and writes the chains). Posts of a platform that gives each edit its
// own ID (X) pass through untouched, without a query. Used by the posts
// repository inside its transaction.
import type { NormalizedPost } from '../../core/post-model.js';
import { editsHaveOwnIds } from '../../core/platforms.js';
import {
  compareVersions,
  foldRepeatedContent,
  latestPerPost,
  mergeEditIds,
  postKey,
  type StoredVersion,
} from '../../core/post-versions.js';
import type { Tx } from './database.js';

export interface PageVersions {
  /** The versions to store, in page order. */
  kept: NormalizedPost[];
  /** Versions not stored: their IDs join their post's chain. */
  folded: NormalizedPost[];
  /** platformId → edit chain of a post created by this page when a folded version adds to it. */
  chains: Map<string, string[]>;
}

export async function foldVersions(tx: Tx, versions: NormalizedPost[]): Promise<PageVersions> {
  const keepingIds = versions.filter((v) => !editsHaveOwnIds(v.platform));
  if (keepingIds.length === 0) return { kept: versions, folded: [], chains: new Map() };
  const { folded } = foldRepeatedContent(keepingIds, await storedVersions(tx, keepingIds));
  const foldedSet = new Set(folded);
  const kept = versions.filter((v) => !foldedSet.has(v));
  return { kept, folded, chains: chainsOf(kept, folded) };
}

/** The chain of each post's newest kept version, grown by the IDs of its folded versions. */
function chainsOf(kept: NormalizedPost[], folded: NormalizedPost[]): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  for (const latest of latestPerPost(kept)) {
    const others = folded.filter((f) => postKey(f) === postKey(latest)).sort(compareVersions);
    if (others.length) chains.set(latest.platformId, mergeEditIds(latest.editIds, others));
  }
  return chains;
}

async function storedVersions(tx: Tx, versions: NormalizedPost[]): Promise<Map<string, StoredVersion[]>> {
  const platforms = [...new Set(versions.map((v) => v.platform))];
  const ids = [...new Set(versions.map((v) => v.platformId))];
  const rows = await tx.$queryRaw<
    { platform: string; platform_id: string; version_id: string; created_at: Date; content_sha256: string }[]
  >`
    SELECT p.platform, p.platform_id, v.version_id, v.created_at, v.content_sha256
    FROM posts p JOIN post_versions v ON v.post_id = p.id
    WHERE p.platform = ANY(${platforms}::text[]) AND p.platform_id = ANY(${ids}::text[])`;
  const stored = new Map<string, StoredVersion[]>();
  for (const r of rows) {
    const key = postKey({ platform: r.platform, platformId: r.platform_id });
    const version = { versionId: r.version_id, versionCreatedAt: r.created_at, contentSha256: r.content_sha256 };
    stored.set(key, [...(stored.get(key) ?? []), version]);
  }
  return stored;
}

/** Adds the IDs of folded versions to their posts' chains (posts that have them all are left alone). */
export async function joinEditIds(tx: Tx, folded: NormalizedPost[]): Promise<void> {
  if (folded.length === 0) return;
  const byPost = new Map<string, NormalizedPost[]>();
  for (const f of [...folded].sort(compareVersions)) byPost.set(postKey(f), [...(byPost.get(postKey(f)) ?? []), f]);
  const rows = await tx.post.findMany({
    where: { OR: folded.map((f) => ({ platform: f.platform, platformId: f.platformId })) },
    select: { id: true, platform: true, platformId: true, editIds: true },
  });
  for (const row of rows) {
    const chain = mergeEditIds(row.editIds, byPost.get(postKey(row)) ?? []);
    if (chain.length > row.editIds.length) await tx.post.update({ where: { id: row.id }, data: { editIds: chain } });
  }
}
