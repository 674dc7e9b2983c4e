// Press-release feeds (RSS, Atom, JSON Feed) as the platform-neutral code sees
// them: an account is a feed, its handle the feed's normalized URL
// (`feed:https://coast.example/press.rss`); a post is an item, its ID the
// 32 hex digits core/feed-normalize.ts derives from the feed's URL and the
// item's guid (an item has no ID of its own that is unique beyond its feed).
// A change of an item keeps its ID. An ID cannot rebuild the item's own
// address: the post keeps it as its permalink (the item's link), and an item
// without one is shown at its feed. Pure.
import { createHash } from 'node:crypto';
import { InvalidInput } from './errors.js';
import { normalizeFeedUrl } from './feed-url.js';
import type { PlatformDescriptor } from './platform-descriptor.js';

const FEED_POST_ID = /^[0-9a-f]{32}$/i;

export const feedPlatform = {
  name: 'feed',
  label: 'Press releases',
  exampleHandle: 'https://coast.nordvale.example/press.rss',
  examplePostId: '5f0c9e2b7a41d3e86b2f90c1d4a7e358',
  parseHandle: normalizeFeedUrl,
  parsePostId(text: string): string {
    if (!FEED_POST_ID.test(text)) throw new InvalidInput(`"${text}" is not a feed item ID (32 hex digits)`);
    return text.toLowerCase();
  },
  /** Where an item without a stored link is read: its feed (no URL at all when the feed is unknown). */
  postUrl(handle: string | null | undefined, id: string): string {
    return handle ?? `feed:${id}`;
  },
  editsHaveOwnIds: false,
  importFormats: [],
  samplePostId(time: Date): string {
    return createHash('sha256').update(`sample ${time.toISOString()}`).digest('hex').slice(0, 32);
  },
} as const satisfies PlatformDescriptor<'feed'>;
