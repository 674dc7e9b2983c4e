// The cursor the archive keeps for a Bluesky account. An author feed
// (app.bsky.feed.getAuthorFeed) pages only backward, newest first, with an
// opaque cursor of its own, and has nothing like X's since_id: a poll reads
// from the top until it meets items it has already seen. The AppView sorts a
// feed item by the earlier of its record's createdAt and the time it indexed
// it, so an item indexed late (network lag) lands below items that were read
// before it arrived. The archive's cursor therefore remembers every item seen
// in the last OVERLAP_MS below the newest one (its sort time and key: the
// post's or the repost's AT URI): an item above the newest is new, an item in
// that window is new unless remembered, and the first item below the window
// ends the read. Written `<ISO time> <key>` pairs, newest first. Pure.

export interface FeedPosition {
  /** The item's sort time, in ms since the epoch. */
  at: number;
  /** The AT URI of the post, or of the repost for a repost. */
  key: string;
}

export interface BskyCursor {
  /** The items remembered, newest first (the first is the newest item seen). */
  seen: FeedPosition[];
}

/** How far below the newest item a late-indexed item is still looked for. */
export const OVERLAP_MS = 10 * 60_000;
/** The most items a cursor remembers (the newest ones). */
export const MAX_REMEMBERED = 100;

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
  return cursor.seen.map((p) => `${new Date(p.at).toISOString()} ${p.key}`).join(' ');
}

/** A cursor as written by formatBskyCursor, or undefined for anything else. */
export function parseBskyCursor(text: string): BskyCursor | undefined {
  const tokens = text.split(' ');
  if (tokens.length < 2 || tokens.length % 2 !== 0) return undefined;
  const seen: FeedPosition[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const at = parseDatetime(tokens[i]);
    const key = tokens[i + 1]!;
    if (at === undefined || !key.startsWith('at://')) return undefined;
    seen.push({ at, key });
  }
  return { seen: ordered(seen) };
}

/** Newest first, each key once (at its newest place), within the window below the newest, capped. */
function ordered(positions: FeedPosition[]): FeedPosition[] {
  const sorted = [...positions].sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const floor = (sorted[0]?.at ?? 0) - OVERLAP_MS;
  const keys = new Set<string>();
  return sorted.filter((p) => p.at >= floor && !keys.has(p.key) && keys.add(p.key)).slice(0, MAX_REMEMBERED);
}

/** The cursor that remembers these positions (null for none). */
export function cursorOf(positions: FeedPosition[]): BskyCursor | null {
  return positions.length ? { seen: ordered(positions) } : null;
}

const newestAt = (cursor: BskyCursor) => cursor.seen[0]!.at;

/** Whether a feed item is new above the cursor: newer than its newest item, or in its window and not remembered. */
export function isAfter(position: FeedPosition, cursor: BskyCursor): boolean {
  if (position.at > newestAt(cursor)) return true;
  if (position.at < newestAt(cursor) - OVERLAP_MS) return false;
  return !cursor.seen.some((p) => p.key === position.key);
}

/** Whether a feed item is below the cursor's window: it and every item after it are old. */
export function isBelow(position: FeedPosition, cursor: BskyCursor): boolean {
  return position.at < newestAt(cursor) - OVERLAP_MS;
}

/**
 * The cursor after both (either may be null): every item either remembers,
 * kept while it is within the window below the newest of them. A value that
 * is not a Bluesky cursor loses to one that is.
 */
export function newerBskyCursor(a: string | null, b: string | null): string | null {
  const left = a === null ? undefined : parseBskyCursor(a);
  const right = b === null ? undefined : parseBskyCursor(b);
  if (!left) return right ? b : a;
  if (!right) return a;
  return formatBskyCursor({ seen: ordered([...left.seen, ...right.seen]) });
}
