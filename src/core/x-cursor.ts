// X's cursor: the newest post ID an account's timeline has shown, sent back
// as since_id. IDs are snowflakes, compared as numbers. Pure.
import { compareIds } from './ids.js';
import type { NormalizedPost } from './post-model.js';

const X_ID = /^\d{1,19}$/;

/** The newer of two X cursors (either may be null). */
export function newerXCursor(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareIds(b, a) > 0 ? b : a;
}

/** The newest ID a page shows: its meta.newest_id and every version's own ID. */
export function newestXCursor(raw: unknown, posts: Pick<NormalizedPost, 'versionId'>[]): string | null {
  const meta = (raw as { meta?: { newest_id?: unknown } } | null)?.meta;
  const ids = posts.map((p) => p.versionId);
  if (typeof meta?.newest_id === 'string' && X_ID.test(meta.newest_id)) ids.push(meta.newest_id);
  return ids.reduce<string | null>(newerXCursor, null);
}
