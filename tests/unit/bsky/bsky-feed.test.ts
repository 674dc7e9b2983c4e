// Author feed pages and getPosts answers: reposts (the repost as the
// account's own post referring to the original, the original as its
// author's), malformed items among good ones, the archive's cursor (which
// items are new, where a read stops, pins, items of the same millisecond),
// and requested posts the AppView no longer serves.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/core/errors.js';
import { formatBskyCursor, newerBskyCursor, parseBskyCursor } from '../../../src/core/bsky-cursor.js';
import { normalizeBskyFeed, normalizeBskyPosts } from '../../../src/core/bsky-feed.js';
import { CID_B, COASTGUARD, MINISTRY, postUri, postView, repostReason } from './bsky-views.js';

/** An item of the ministry's feed posted at `at` (indexed 40 ms later). */
function item(rkey: string, at: string, extra: Record<string, unknown> = {}) {
  const indexedAt = new Date(Date.parse(at) + 40).toISOString();
  return { post: postView({ rkey, record: { createdAt: at, text: `Post ${rkey}` }, indexedAt }), ...extra };
}

const uri = (rkey: string) => postUri(MINISTRY.did, rkey);
/** A cursor remembering items (each `[time, rkey]`). */
const cursorOf = (...items: [string, string][]) =>
  formatBskyCursor({ seen: items.map(([at, rkey]) => ({ at: Date.parse(at), key: uri(rkey) })) });
const cursorAt = (at: string, rkey: string) => cursorOf([at, rkey]);

const FEED = {
  feed: [
    item('3mfxc', '2026-03-04T12:00:00.000Z'),
    item('3mfxb', '2026-03-04T11:00:00.000Z'),
    item('3mfxa', '2026-03-04T10:00:00.000Z'),
  ],
  cursor: '1772618400000__bafyreiexample',
};

describe('a repost in the feed', () => {
  const original = postView({ author: COASTGUARD, rkey: '3mfwq', record: { text: 'Beach closed until Friday.' } });
  const reason = repostReason(MINISTRY);

  it('is the account’s own post referring to the original, and the original is its author’s', () => {
    const page = normalizeBskyFeed({ feed: [{ post: original, reason }] }, null);
    expect(page.problems).toEqual([]);
    const [repost, orig] = page.posts;
    const repostUri = reason.uri as string;
    expect(repost).toMatchObject({
      platformId: repostUri,
      versionId: `${repostUri}#${CID_B}`,
      editIds: [repostUri],
      authorId: MINISTRY.did,
      authorHandle: MINISTRY.handle,
      text: 'Beach closed until Friday.',
      createdAt: new Date('2026-03-05T08:00:00.120Z'),
      repostOf: postUri(COASTGUARD.did, '3mfwq'),
      referencedPosts: [{ type: 'retweeted', id: postUri(COASTGUARD.did, '3mfwq') }],
      via: 'data',
      bsky: expect.objectContaining({ uri: repostUri, cid: CID_B, recordCreatedAt: null }),
    });
    expect(orig).toMatchObject({
      platformId: postUri(COASTGUARD.did, '3mfwq'),
      authorId: COASTGUARD.did,
      authorName: null,
      repostOf: null,
      via: 'retweeted',
    });
    expect(repost!.contentSha256).not.toBe(orig!.contentSha256);
    expect(page.newestCursor).toBe(`2026-03-05T08:00:00.120Z ${repostUri}`);
  });

  it('without its own URI (older AppViews) keeps the original and reports the repost', () => {
    const { uri: _uri, cid: _cid, ...bare } = reason;
    const page = normalizeBskyFeed({ feed: [{ post: original, reason: bare }] }, null);
    expect(page.posts.map((p) => p.platformId)).toEqual([postUri(COASTGUARD.did, '3mfwq')]);
    expect(page.problems).toEqual([
      { platformId: postUri(COASTGUARD.did, '3mfwq'), code: 'repost_incomplete', message: expect.any(String) },
    ]);
  });
});

describe('a malformed body or item', () => {
  it('one bad item among good ones is a problem; the others are kept', () => {
    const bad = item('3mfxb', '2026-03-04T11:00:00.000Z');
    delete (bad.post.record as Record<string, unknown>).text;
    const feed = { feed: [FEED.feed[0], bad, 'not an item', { post: { uri: 7 } }, FEED.feed[2]] };
    const page = normalizeBskyFeed(feed, null);
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxc'), uri('3mfxa')]);
    expect(page.problems.map((p) => [p.platformId, p.code])).toEqual([
      [uri('3mfxb'), 'bad_payload'],
      [undefined, 'bad_payload'],
      [undefined, 'bad_payload'],
    ]);
  });

  it.each([null, [], 'feed', { feed: 'none' }, { cursor: 'x' }])('%j has no feed: one problem, no posts', (body) => {
    const page = normalizeBskyFeed(body, null);
    expect(page).toMatchObject({ posts: [], newestCursor: null, reachedCursor: false });
    expect(page.problems).toEqual([{ code: 'bad_payload', message: 'the body has no "feed" array' }]);
  });
});

describe('the archive cursor', () => {
  const newest = cursorAt('2026-03-04T12:00:00.000Z', '3mfxc');

  it('a first read (no cursor) takes every item and notes the newest', () => {
    const page = normalizeBskyFeed(FEED, null);
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxc'), uri('3mfxb'), uri('3mfxa')]);
    expect(page).toMatchObject({ newestCursor: newest, reachedCursor: false });
  });

  it('an unchanged account: nothing new, the read stops at its first item', () => {
    expect(normalizeBskyFeed(FEED, newest)).toMatchObject({
      posts: [],
      newestCursor: null,
      reachedCursor: true,
      metCursor: true,
    });
    // An account whose every item is within the window: the page meets the cursor without going below it.
    const recent = { feed: [FEED.feed[0]] };
    expect(normalizeBskyFeed(recent, newest)).toMatchObject({ posts: [], reachedCursor: false, metCursor: true });
  });

  it('takes only the items above the cursor', () => {
    const page = normalizeBskyFeed(FEED, cursorAt('2026-03-04T11:00:00.000Z', '3mfxb'));
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxc')]);
    expect(page).toMatchObject({ newestCursor: newest, reachedCursor: true });
  });

  it('a post dated in the future sorts (and counts) at the time it was indexed', () => {
    const future = { post: postView({ rkey: '3mfxd', record: { createdAt: '2099-01-01T00:00:00Z' } }) };
    (future.post as Record<string, unknown>).indexedAt = '2026-03-04T13:00:00.000Z';
    const page = normalizeBskyFeed({ feed: [future, ...FEED.feed] }, newest);
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxd')]);
    expect(page.newestCursor).toBe(cursorAt('2026-03-04T13:00:00.000Z', '3mfxd'));
  });

  it('an old pinned post on top never ends the read; a new pinned post is kept', () => {
    const pin = { $type: 'app.bsky.feed.defs#reasonPin' };
    const oldPin = item('3mfxa', '2026-03-04T10:00:00.000Z', { reason: pin });
    const fresh = [item('3mfxe', '2026-03-04T14:00:00.000Z'), ...FEED.feed];
    expect(normalizeBskyFeed({ feed: [oldPin, ...fresh] }, newest).posts.map((p) => p.platformId)).toEqual([
      uri('3mfxe'),
    ]);
    const newPin = item('3mfxe', '2026-03-04T14:00:00.000Z', { reason: pin });
    expect(normalizeBskyFeed({ feed: [newPin, ...FEED.feed] }, newest).posts.map((p) => p.platformId)).toEqual([
      uri('3mfxe'),
    ]);
  });

  it('an item of the same millisecond as the cursor but not remembered is new; the cursor then holds both', () => {
    const twin = item('3mfxt', '2026-03-04T12:00:00.000Z');
    const page = normalizeBskyFeed({ feed: [twin, ...FEED.feed] }, newest);
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxt')]);
    expect(newerBskyCursor(newest, page.newestCursor)).toBe(
      cursorOf(['2026-03-04T12:00:00.000Z', '3mfxc'], ['2026-03-04T12:00:00.000Z', '3mfxt']),
    );
  });

  it('finds an item indexed late, below the newest one but within the window, and remembers it', () => {
    const late = item('3mfxl', '2026-03-04T11:55:00.000Z');
    const page = normalizeBskyFeed({ feed: [FEED.feed[0], late, ...FEED.feed.slice(1)] }, newest);
    expect(page.posts.map((p) => p.platformId)).toEqual([uri('3mfxl')]);
    expect(page.reachedCursor).toBe(true);
    const merged = newerBskyCursor(newest, page.newestCursor);
    expect(merged).toBe(cursorOf(['2026-03-04T12:00:00.000Z', '3mfxc'], ['2026-03-04T11:55:00.000Z', '3mfxl']));
    // Read again with that cursor: nothing is new.
    expect(normalizeBskyFeed({ feed: [FEED.feed[0], late, ...FEED.feed.slice(1)] }, merged).posts).toEqual([]);
  });

  it('a value that is not a Bluesky cursor is refused', () => {
    expect(() => normalizeBskyFeed(FEED, '1235243970720694456')).toThrow(InvalidInput);
  });

  const a = cursorAt('2026-03-04T11:00:00.000Z', '3mfxb');
  const b = cursorAt('2026-03-04T12:00:00.000Z', '3mfxc');
  const near = cursorAt('2026-03-04T11:58:00.000Z', '3mfxn');
  const both = cursorOf(['2026-03-04T12:00:00.000Z', '3mfxc'], ['2026-03-04T11:58:00.000Z', '3mfxn']);
  it.each([
    [null, null, null],
    [a, null, a],
    [null, b, b],
    [a, b, b],
    [b, a, b],
    [b, near, both],
    [near, b, both],
    [both, b, both],
    ['garbage', a, a],
    [a, 'garbage', a],
  ])('newerBskyCursor(%s, %s) = %s', (left, right, expected) => {
    expect(newerBskyCursor(left, right)).toBe(expected);
  });

  it('remembers at most the 100 newest items of its window', () => {
    const start = Date.parse('2026-03-04T12:00:00.000Z');
    const many = Array.from({ length: 150 }, (_, i) => [new Date(start - i * 1000).toISOString(), `3mf${i}`]);
    const cursor = parseBskyCursor(cursorOf(...(many as [string, string][])))!;
    expect(cursor.seen).toHaveLength(100);
    expect(cursor.seen[0]).toEqual({ at: start, key: uri('3mf0') });
    expect(cursor.seen.at(-1)).toEqual({ at: start - 99_000, key: uri('3mf99') });
  });

  it('round-trips through its text form', () => {
    expect(parseBskyCursor(b)).toEqual({ seen: [{ at: Date.parse('2026-03-04T12:00:00.000Z'), key: uri('3mfxc') }] });
    for (const bad of ['2026-03-04T12:00:00.000Z', '2026-03-04T12:00:00.000Z https://example.gov', `${b} ${b} x`]) {
      expect(parseBskyCursor(bad)).toBeUndefined();
    }
  });
});

describe('a getPosts answer', () => {
  it('reports each requested post it leaves out as not found, once', () => {
    const served = postView({ rkey: '3mfxa' });
    const gone = uri('3mfxz');
    const body = normalizeBskyPosts({ posts: [served] }, [uri('3mfxa'), gone, gone]);
    expect(body.posts.map((p) => p.platformId)).toEqual([uri('3mfxa')]);
    expect(body.errors).toEqual([
      { kind: 'not_found', resourceType: 'post', resourceId: gone, detail: expect.stringMatching(/not served/) },
    ]);
  });

  it('a malformed post it does return is a problem, not a deletion', () => {
    const broken = postView({ rkey: '3mfxa' });
    delete (broken.record as Record<string, unknown>).text;
    const body = normalizeBskyPosts({ posts: [broken] }, [uri('3mfxa')]);
    expect(body).toMatchObject({ posts: [], errors: [] });
    expect(body.problems).toEqual([{ platformId: uri('3mfxa'), code: 'bad_payload', message: expect.any(String) }]);
  });
});
