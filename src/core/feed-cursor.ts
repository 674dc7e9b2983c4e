// A feed's cursor: what the last read learnt, so that the next one costs as
// little as the server allows and writes only what changed.
//   - the validators (ETag, Last-Modified) sent back as If-None-Match and
//     If-Modified-Since: an unchanged feed answers 304 and nothing is read;
//   - the versionIds of the items seen (each `<platformId>#<content hash>`),
//     so that a server without validators, or one that answers 200 to every
//     request, still yields nothing when nothing changed, and a changed item
//     yields its new version only;
//   - fingerprints of the problems reported, so a broken item is reported once;
//   - a count of the reads that changed the cursor: of two, the higher is newer.
// An unchanged read returns the very same cursor, so the job has nothing to
// store. An item that leaves the feed stays known for a while (up to
// MAX_KNOWN_ITEMS beyond the current feed), so its coming back is no news. Pure.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { NormalizeProblem } from './post-model.js';

/** How many items the cursor remembers beyond those the feed shows now. */
export const MAX_KNOWN_ITEMS = 500;

export interface FeedCursor {
  n: number;
  etag: string | null;
  lastModified: string | null;
  /** versionIds of the items seen, those of the last read first. */
  versions: string[];
  problems: string[];
}

export interface FeedRead {
  etag: string | null;
  lastModified: string | null;
  /** The versionIds the feed shows now, in its order. */
  versions: string[];
  problems: string[];
}

const cursorSchema = z.object({
  v: z.literal(1),
  n: z.number().int().nonnegative(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
  versions: z.array(z.string()),
  problems: z.array(z.string()),
});

export function encodeFeedCursor(cursor: FeedCursor): string {
  const { n, etag, lastModified, versions, problems } = cursor;
  return JSON.stringify({ v: 1, n, etag, lastModified, versions, problems });
}

/** The cursor a string holds, or null when it holds none (not JSON, another shape). */
export function decodeFeedCursor(text: string | null): FeedCursor | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) return null;
  const { n, etag, lastModified, versions, problems } = parsed.data;
  return { n, etag, lastModified, versions, problems };
}

/** The newer of two feed cursors (either may be null or unreadable): the one more reads changed. */
export function newerFeedCursor(a: string | null, b: string | null): string | null {
  const ca = decodeFeedCursor(a);
  const cb = decodeFeedCursor(b);
  if (!cb) return ca ? a : (b ?? a);
  if (!ca) return b;
  return cb.n > ca.n ? b : a;
}

/** The cursor after a read: `previous` itself when the read taught nothing new. */
export function nextFeedCursor(previous: FeedCursor | null, read: FeedRead): FeedCursor {
  if (previous && isSameRead(previous, read)) return previous;
  const current = new Set(read.versions.map(postIdOf));
  const kept = (previous?.versions ?? []).filter((v) => !current.has(postIdOf(v)));
  const limit = Math.max(MAX_KNOWN_ITEMS, read.versions.length);
  return {
    n: (previous?.n ?? 0) + 1,
    etag: read.etag,
    lastModified: read.lastModified,
    versions: [...new Set(read.versions)].concat(kept).slice(0, limit),
    problems: [...new Set(read.problems)],
  };
}

function isSameRead(previous: FeedCursor, read: FeedRead): boolean {
  const known = new Set(previous.versions);
  const reported = new Set(previous.problems);
  return (
    previous.etag === read.etag &&
    previous.lastModified === read.lastModified &&
    read.versions.every((v) => known.has(v)) &&
    read.problems.length === reported.size &&
    read.problems.every((p) => reported.has(p))
  );
}

/** The posts whose version the cursor does not know yet (all of them without a cursor). */
export function unseenVersions<T extends { versionId: string }>(cursor: FeedCursor | null, posts: T[]): T[] {
  if (!cursor) return posts;
  const known = new Set(cursor.versions);
  return posts.filter((p) => !known.has(p.versionId));
}

/** A problem's fingerprint: the same problem of the same item reads the same. */
export function problemFingerprint(problem: NormalizeProblem): string {
  const text = `${problem.platformId ?? ''}\n${problem.code}\n${problem.message}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The problems the cursor has not seen reported yet. */
export function unreportedProblems(cursor: FeedCursor | null, problems: NormalizeProblem[]): NormalizeProblem[] {
  if (!cursor) return problems;
  const reported = new Set(cursor.problems);
  return problems.filter((p) => !reported.has(problemFingerprint(p)));
}

function postIdOf(versionId: string): string {
  const hash = versionId.lastIndexOf('#');
  return hash < 0 ? versionId : versionId.slice(0, hash);
}
