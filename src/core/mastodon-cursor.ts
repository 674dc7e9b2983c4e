// Mastodon's cursor: the local ID of the newest status an account's timeline
// has shown, sent back as min_id (the page of statuses immediately newer than
// it). Only the timeline's own entries count (a boost's ID, never the boosted
// status's, which the server numbered when the copy arrived). IDs of one
// server compare by Mastodon's documented rule. Pure.
import { compareLocalIds, isLocalId } from './mastodon-ids.js';

/** The newer of two Mastodon cursors of one account (either may be null). */
export function newerMastodonCursor(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareLocalIds(b, a) > 0 ? b : a;
}

/** The newest local ID among a timeline page's entries (null for an empty page). */
export function newestMastodonCursor(localIds: readonly string[]): string | null {
  return localIds.filter(isLocalId).reduce<string | null>(newerMastodonCursor, null);
}
