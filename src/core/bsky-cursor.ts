// The cursor the archive keeps for a Bluesky account. An author feed
// (app.bsky.feed.getAuthorFeed) pages only backward, newest first, with an
// opaque cursor of its own, and has nothing like X's since_id: a poll reads
// from the top until it meets an item it has already seen. So the archive's
// cursor is the newest item it has seen: that item's place in the feed (its
// sort time) and its key (the post's or the repost's AT URI), plus any other
// items that share the same millisecond. The AppView sorts a feed item by the
// earlier of its record's createdAt and its indexedAt (a post dated in the
// future sorts at the time it was indexed); the position is computed the same
// way from what the view shows. Written `<ISO time> <key> [<key>…]`. Pure.

export interface FeedPosition {
  /** The item's sort time, in ms since the epoch. */
  at: number;
  /** The AT URI of the post, or of the repost for a repost. */
  key: string;
}

export interface BskyCursor {
  at: number;
  keys: string[];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * A lexicon `datetime` (RFC 3339 with a zone) as ms, or undefined. A time
 * without a zone is refused rather than read in the machine's own zone.
 */
export function parseDatetime(text: unknown): number | undefined {
  if (typeof text !== 'string' || !RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatBskyCursor(cursor: BskyCursor): string {
  return [new Date(cursor.at).toISOString(), ...cursor.keys].join(' ');
}

/** A cursor as written by formatBskyCursor, or undefined for anything else. */
export function parseBskyCursor(text: string): BskyCursor | undefined {
  const [time, ...keys] = text.split(' ');
  const at = parseDatetime(time);
  if (at === undefined || keys.length === 0 || !keys.every((k) => k.startsWith('at://'))) return undefined;
  return { at, keys };
}

/** Whether a feed item comes after (above) the cursor: newer, or as new and not seen yet. */
export function isAfter(position: FeedPosition, cursor: BskyCursor): boolean {
  return position.at > cursor.at || (position.at === cursor.at && !cursor.keys.includes(position.key));
}

/** The cursor of the newest of these positions (null for none). */
export function cursorOf(positions: FeedPosition[]): BskyCursor | null {
  if (positions.length === 0) return null;
  const at = Math.max(...positions.map((p) => p.at));
  const keys = [...new Set(positions.filter((p) => p.at === at).map((p) => p.key))].sort();
  return { at, keys };
}

/**
 * The newer of two cursors (either may be null). Two cursors of the same
 * millisecond are merged, so that every item of that millisecond stays seen.
 * A value that is not a Bluesky cursor loses to one that is.
 */
export function newerBskyCursor(a: string | null, b: string | null): string | null {
  const left = a === null ? undefined : parseBskyCursor(a);
  const right = b === null ? undefined : parseBskyCursor(b);
  if (!left) return right ? b : a;
  if (!right) return a;
  if (left.at !== right.at) return left.at > right.at ? a : b;
  const keys = [...new Set([...left.keys, ...right.keys])].sort();
  return formatBskyCursor({ at: left.at, keys });
}
