// The feed descriptor through the platform-neutral references: `feed:<url>`
// accounts (the URL normalized), 32-hex item IDs, and where a post without a
// stored link points.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/core/errors.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { parseAccountRef, parsePostRef, PLATFORMS, postUrl } from '../../../src/core/ids.js';
import { editsHaveOwnIds, platformDescriptor } from '../../../src/core/platforms.js';
import { toPostView, type PostRow } from '../../../src/core/post-view.js';

const FEED = 'https://coast.nordvale.example/press.rss';

describe('feed references', () => {
  it.each([
    ['feed:https://coast.nordvale.example/press.rss', FEED],
    ['feed:HTTPS://Coast.Nordvale.Example:443/press.rss#latest', FEED],
    ['FEED: https://coast.nordvale.example/news?format=rss ', 'https://coast.nordvale.example/news?format=rss'],
    ['feed:feed://coast.nordvale.example/press.rss', 'http://coast.nordvale.example/press.rss'],
  ])('%s is the account %s', (text, handle) => {
    expect(parseAccountRef(text)).toEqual({ platform: 'feed', handle });
  });

  it.each(['feed:coast.nordvale.example/press.rss', 'feed:ftp://coast.nordvale.example/press.rss', 'feed:'])(
    '%s is refused',
    (text) => {
      expect(() => parseAccountRef(text)).toThrow(InvalidInput);
    },
  );

  it('an item ID is the 32 hex digits of the normalizer, in any case', () => {
    const id = feedPostId(FEED, 'urn:nordvale:press:2');
    expect(parsePostRef(`feed:${id}`)).toEqual({ platform: 'feed', id });
    expect(parsePostRef(`feed:${id.toUpperCase()}`)).toEqual({ platform: 'feed', id });
    expect(() => parsePostRef('feed:12345')).toThrow('"12345" is not a feed item ID (32 hex digits)');
    expect(() => parsePostRef(`feed:${FEED}`)).toThrow(InvalidInput);
  });

  it('is a platform whose changes keep the item ID; a sample ID has the same shape', () => {
    expect(PLATFORMS).toContain('feed');
    expect(editsHaveOwnIds('feed')).toBe(false);
    const sample = platformDescriptor('feed')!.samplePostId(new Date('2026-03-01T00:00:00Z'));
    expect(parsePostRef(`feed:${sample}`).id).toBe(sample);
  });
});

describe("a feed post's URL", () => {
  const row = (permalink: string | null): PostRow => ({
    platform: 'feed',
    platformId: 'a'.repeat(32),
    text: 'Pier closed',
    createdAt: new Date('2026-03-01T00:00:00Z'),
    lang: null,
    status: 'available',
    editIds: ['a'.repeat(32)],
    versionCount: 1,
    urls: [],
    mentions: [],
    hashtags: [],
    media: [],
    referencedPosts: [],
    conversationId: null,
    inReplyToUserId: null,
    permalink,
    firstSeenAt: new Date('2026-03-01T00:00:00Z'),
    firstSeenBy: 'poll',
    statusChangedAt: null,
    account: { platform: 'feed', handle: FEED },
  });

  it("is the item's own link, else its feed, else no address", () => {
    expect(toPostView(row('https://coast.nordvale.example/news/pier')).url).toBe(
      'https://coast.nordvale.example/news/pier',
    );
    expect(toPostView(row(null)).url).toBe(FEED);
    expect(postUrl('feed', null, 'a'.repeat(32))).toBe(`feed:${'a'.repeat(32)}`);
  });
});
