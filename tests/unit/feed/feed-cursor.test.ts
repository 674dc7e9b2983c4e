// The feed cursor: validators and versions seen, unchanged reads return the
// very same cursor, the newer of two, bounded memory, problems reported once.
import { describe, expect, it } from 'vitest';
import {
  decodeFeedCursor,
  encodeFeedCursor,
  MAX_KNOWN_ITEMS,
  newerFeedCursor,
  nextFeedCursor,
  problemFingerprint,
  unreportedProblems,
  unseenVersions,
  type FeedRead,
} from '../../../src/core/feed-cursor.js';

const read = (over: Partial<FeedRead> = {}): FeedRead => ({
  etag: '"abc"',
  lastModified: 'Sat, 21 Mar 2026 12:00:00 GMT',
  versions: ['p1#aaaa', 'p2#bbbb'],
  problems: [],
  ...over,
});

describe('nextFeedCursor', () => {
  it('starts counting at 1 and keeps what the read showed', () => {
    expect(nextFeedCursor(null, read())).toEqual({
      n: 1,
      etag: '"abc"',
      lastModified: 'Sat, 21 Mar 2026 12:00:00 GMT',
      versions: ['p1#aaaa', 'p2#bbbb'],
      problems: [],
    });
  });

  it('returns the same cursor when the read taught nothing new, even if items left the feed', () => {
    const first = nextFeedCursor(null, read());
    expect(nextFeedCursor(first, read())).toBe(first);
    expect(nextFeedCursor(first, read({ versions: ['p2#bbbb'] }))).toBe(first);
  });

  it.each([
    ['a new ETag', read({ etag: '"def"' })],
    ['a new Last-Modified', read({ lastModified: 'Sun, 22 Mar 2026 00:00:00 GMT' })],
    ['a new item', read({ versions: ['p3#cccc', 'p1#aaaa', 'p2#bbbb'] })],
    ['a changed item', read({ versions: ['p1#aaaa', 'p2#dddd'] })],
    ['a new problem', read({ problems: ['f1'] })],
  ])('moves on %s', (_, next) => {
    const first = nextFeedCursor(null, read());
    const moved = nextFeedCursor(first, next);
    expect(moved).not.toBe(first);
    expect(moved.n).toBe(2);
  });

  it('keeps one version per item, the latest first, and items that left the feed up to the limit', () => {
    const first = nextFeedCursor(null, read({ versions: ['p1#aaaa', 'p2#bbbb', 'p3#cccc'] }));
    const next = nextFeedCursor(first, read({ versions: ['p2#dddd', 'p1#aaaa'] }));
    expect(next.versions).toEqual(['p2#dddd', 'p1#aaaa', 'p3#cccc']);
    const many = Array.from({ length: MAX_KNOWN_ITEMS + 50 }, (_, i) => `old${i}#0000`);
    const big = nextFeedCursor(null, read({ versions: many }));
    expect(big.versions).toHaveLength(MAX_KNOWN_ITEMS + 50);
    const after = nextFeedCursor(big, read({ versions: ['new#1111'] }));
    expect(after.versions).toHaveLength(MAX_KNOWN_ITEMS);
    expect(after.versions[0]).toBe('new#1111');
  });
});

describe('encoding and order', () => {
  it('round-trips and refuses what is not a feed cursor', () => {
    const cursor = nextFeedCursor(null, read());
    expect(decodeFeedCursor(encodeFeedCursor(cursor))).toEqual(cursor);
    for (const bad of [
      '1234567890',
      '{"v":2}',
      '{"v":1,"n":-1,"etag":null,"lastModified":null,"versions":[],"problems":[]}',
      'x',
    ]) {
      expect(decodeFeedCursor(bad)).toBeNull();
    }
    expect(decodeFeedCursor(null)).toBeNull();
  });

  it('the newer of two is the one more reads changed; an unreadable one loses', () => {
    const one = encodeFeedCursor(nextFeedCursor(null, read()));
    const two = encodeFeedCursor(nextFeedCursor(decodeFeedCursor(one), read({ etag: '"new"' })));
    expect(newerFeedCursor(one, two)).toBe(two);
    expect(newerFeedCursor(two, one)).toBe(two);
    expect(newerFeedCursor(null, one)).toBe(one);
    expect(newerFeedCursor(one, null)).toBe(one);
    expect(newerFeedCursor('garbage', one)).toBe(one);
    expect(newerFeedCursor(one, 'garbage')).toBe(one);
    expect(newerFeedCursor(null, null)).toBeNull();
  });
});

describe('what is news', () => {
  it('versions and problems the cursor does not know', () => {
    const problem = { platformId: 'p9', code: 'bad_payload' as const, message: 'broken' };
    const cursor = nextFeedCursor(null, read({ problems: [problemFingerprint(problem)] }));
    const posts = [{ versionId: 'p1#aaaa' }, { versionId: 'p2#eeee' }, { versionId: 'p3#ffff' }];
    expect(unseenVersions(cursor, posts)).toEqual([{ versionId: 'p2#eeee' }, { versionId: 'p3#ffff' }]);
    expect(unseenVersions(null, posts)).toEqual(posts);
    const other = { ...problem, message: 'broken differently' };
    expect(unreportedProblems(cursor, [problem, other])).toEqual([other]);
  });
});
