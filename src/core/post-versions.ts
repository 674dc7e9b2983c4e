// What a version is: one distinct content of a post, whether the platform
// gives an edit its own ID (X) or keeps the post's ID (Mastodon, feeds). A
// version's key (versionId) is opaque, chosen by the platform's normalizer
// (X: the edit's own ID; a platform that keeps the ID: e.g.
// `<id>@<edited_at>`), never read as a post ID. Versions are ordered by the
// time they were posted; the newest is the post's latest. Where an edit
// keeps the post's ID, a version whose content equals the version before it
// (an edit that changed nothing archived) is not a version: its IDs only
// join the post's edit chain. Pure.
import { compareIds } from './ids.js';
import type { NormalizedPost } from './post-model.js';

export interface VersionOrder {
  versionId: string;
  versionCreatedAt: Date;
}

/** A version already stored, as the fold needs it. */
export interface StoredVersion extends VersionOrder {
  contentSha256: string;
}

/** Oldest first: by the time posted, then by key (numeric order for decimal IDs, e.g. two X edits in one second). */
export function compareVersions(a: VersionOrder, b: VersionOrder): number {
  return a.versionCreatedAt.getTime() - b.versionCreatedAt.getTime() || compareIds(a.versionId, b.versionId);
}

export function newestVersion<T extends VersionOrder>(versions: readonly T[]): T {
  return versions.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
}

/** The newest version of each post among these (by platformId). */
export function latestPerPost(versions: readonly NormalizedPost[]): NormalizedPost[] {
  const latest = new Map<string, NormalizedPost>();
  for (const v of versions) {
    const seen = latest.get(v.platformId);
    if (!seen || compareVersions(v, seen) > 0) latest.set(v.platformId, v);
  }
  return [...latest.values()];
}

/** A post's edit chain grown by the chains of these versions (in their order), each ID once. */
export function mergeEditIds(chain: readonly string[], versions: readonly Pick<NormalizedPost, 'editIds'>[]): string[] {
  return [...new Set([...chain, ...versions.flatMap((v) => v.editIds)])];
}

export interface FoldedVersions {
  /** The versions to store (and those already stored, whose rows are refreshed). */
  kept: NormalizedPost[];
  /** New keys whose content equals the version before or after them: only their IDs join the post. */
  folded: NormalizedPost[];
}

/** The natural key of a post across platforms. */
export function postKey(v: { platform: string; platformId: string }): string {
  return `${v.platform}:${v.platformId}`;
}

/**
 * Splits a page's versions of posts whose edits keep their ID into those to
 * store and those that repeat a neighbouring version's content, against the
 * versions already stored (by postKey). Kept versions stay in page order.
 */
export function foldRepeatedContent(
  versions: readonly NormalizedPost[],
  stored: ReadonlyMap<string, readonly StoredVersion[]>,
): FoldedVersions {
  const byPost = new Map<string, NormalizedPost[]>();
  for (const v of versions) byPost.set(postKey(v), [...(byPost.get(postKey(v)) ?? []), v]);
  const folded = new Set<NormalizedPost>();
  for (const [key, incoming] of byPost) foldPost(incoming, stored.get(key) ?? []).forEach((v) => folded.add(v));
  return { kept: versions.filter((v) => !folded.has(v)), folded: versions.filter((v) => folded.has(v)) };
}

type Entry = { version: StoredVersion; incoming?: NormalizedPost };

/** The incoming versions that repeat the content of the version before them, or of a stored one after them. */
function foldPost(incoming: NormalizedPost[], stored: readonly StoredVersion[]): NormalizedPost[] {
  const storedIds = new Set(stored.map((s) => s.versionId));
  const entries: Entry[] = [
    ...stored.map((version) => ({ version })),
    ...incoming.filter((v) => !storedIds.has(v.versionId)).map((v) => ({ version: v, incoming: v })),
  ].sort((a, b) => compareVersions(a.version, b.version));
  const folded: NormalizedPost[] = [];
  let previous: string | undefined;
  entries.forEach((entry, i) => {
    const sha = entry.version.contentSha256;
    const next = entries[i + 1];
    const repeatsNext = next !== undefined && !next.incoming && next.version.contentSha256 === sha;
    if (entry.incoming && (sha === previous || repeatsNext)) folded.push(entry.incoming);
    else previous = sha;
  });
  return folded;
}
