// Jetstream messages as stream items: commits to posts, deletes, identity and
// account events, and every unreadable message kept raw as a problem; the
// resume cursor and the subscribe address.
import { describe, expect, it } from 'vitest';
import { messageToItem } from '../../../src/adapters/bsky/jetstream-items.js';
import { optionsUpdate, subscribeUrl, URL_DIDS_MAX } from '../../../src/adapters/bsky/jetstream-stream.js';
import { resumeCursor } from '../../../src/core/jetstream-payload.js';
import type { StreamItem } from '../../../src/ports/post-stream.js';

const DID = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
const CID = 'bafyreihm6gkbt5dpdt3xbchuq5ewyqk2vkc6cvgmtwj4h4ss6t4gq3ftny';
const BLOB = 'bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy';
const T = 1_772_000_000_123_456;
const URL_ = 'ws://jet.test/subscribe?wantedCollections=app.bsky.feed.post';
const handles: Record<string, string> = { [DID]: 'transport.example.gov' };

function item(message: unknown): StreamItem {
  const raw = typeof message === 'string' ? message : JSON.stringify(message);
  return messageToItem(raw, URL_, new Date('2026-03-01T00:00:00Z'), (did) => handles[did]);
}

const commit = (c: Record<string, unknown>, did = DID) => ({ did, time_us: T, kind: 'commit', commit: c });
const record = { $type: 'app.bsky.feed.post', text: 'Bridge closed tonight.', createdAt: '2026-02-25T06:13:20Z' };
const create = (r: unknown = record, extra: Record<string, unknown> = {}) =>
  commit({
    rev: '3lbx',
    operation: 'create',
    collection: 'app.bsky.feed.post',
    rkey: '3lbxaaa2c2k2a',
    record: r,
    cid: CID,
    ...extra,
  });

describe('Jetstream messages as stream items', () => {
  it('a created post becomes the post, named by its AT URI and CID, with the known handle and the cursor', () => {
    const it_ = item(create());
    expect(it_).toMatchObject({ kind: 'posts', cursor: String(T), authorIds: [DID] });
    if (it_.kind !== 'posts') throw new Error('not posts');
    const [post] = it_.body.posts;
    const uri = `at://${DID}/app.bsky.feed.post/3lbxaaa2c2k2a`;
    expect(post).toMatchObject({
      platform: 'bsky',
      platformId: uri,
      versionId: `${uri}#${CID}`,
      authorId: DID,
      authorHandle: 'transport.example.gov',
      text: 'Bridge closed tonight.',
      createdAt: new Date('2026-02-25T06:13:20Z'),
      via: 'data',
    });
    expect(it_.body.problems).toEqual([]);
    expect(it_.capture).toMatchObject({ source: 'bsky:jetstream', requestUrl: URL_, body: JSON.stringify(create()) });
  });

  it('an update is a version like a create; an unknown handle leaves the author unnamed', () => {
    const updated = item(create(record, { operation: 'update' }));
    expect(updated.kind).toBe('posts');
    const stranger = item(create(record, {}));
    const other = item({ ...create(), did: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(stranger.kind === 'posts' && stranger.body.posts[0]!.authorHandle).toBe('transport.example.gov');
    expect(other.kind === 'posts' && other.body.posts[0]!.authorHandle).toBeNull();
  });

  it('images get the addresses the AppView shows, so no media is reported missing', () => {
    const image = { $type: 'blob', ref: { $link: BLOB }, mimeType: 'image/jpeg', size: 1000 };
    const embed = {
      $type: 'app.bsky.embed.images',
      images: [{ image, alt: 'Detour map', aspectRatio: { width: 4, height: 3 } }],
    };
    const it_ = item(create({ ...record, embed }));
    if (it_.kind !== 'posts') throw new Error('not posts');
    expect(it_.body.problems).toEqual([]);
    expect(it_.body.posts[0]!.media).toEqual([
      expect.objectContaining({
        key: BLOB,
        type: 'photo',
        url: `https://cdn.bsky.app/img/feed_fullsize/plain/${DID}/${BLOB}@jpeg`,
        altText: 'Detour map',
        width: 4,
      }),
    ]);
  });

  it('a delete is a deletion of the AT URI; identity and account events reach the account', () => {
    expect(
      item(commit({ rev: '3lc', operation: 'delete', collection: 'app.bsky.feed.post', rkey: '3lbxaaa2c2k2a' })),
    ).toMatchObject({
      kind: 'deleted',
      authorId: DID,
      postId: `at://${DID}/app.bsky.feed.post/3lbxaaa2c2k2a`,
      cursor: String(T),
    });
    const identity = {
      did: DID,
      time_us: T,
      kind: 'identity',
      identity: { did: DID, handle: 'Roads.Example.gov', seq: 1, time: '' },
    };
    expect(item(identity)).toMatchObject({ kind: 'profile', field: 'handle', after: 'roads.example.gov' });
    const account = {
      did: DID,
      time_us: T,
      kind: 'account',
      account: { active: false, did: DID, seq: 2, status: 'deactivated' },
    };
    expect(item(account)).toMatchObject({ kind: 'account', authorId: DID, isActive: false, status: 'deactivated' });
  });

  it('another collection or kind only moves the cursor', () => {
    expect(item(create(record, { collection: 'app.bsky.feed.like' }))).toMatchObject({
      kind: 'skipped',
      cursor: String(T),
    });
    expect(item({ did: DID, time_us: T, kind: 'sync' })).toMatchObject({ kind: 'skipped' });
  });

  it.each([
    ['not JSON', '{"did":', /not JSON/, false],
    ['an array', '[1]', /not a JSON object/, false],
    ['no time_us', JSON.stringify({ did: DID, kind: 'commit' }), /time_us/, false],
    ['a bad did', JSON.stringify({ did: 'alice', time_us: T, kind: 'commit' }), /did/, true],
    ['no commit object', JSON.stringify({ did: DID, time_us: T, kind: 'commit' }), /commit object/, true],
    ['no rkey', JSON.stringify(commit({ operation: 'create', collection: 'app.bsky.feed.post' })), /rkey/, true],
    ['an unknown operation', JSON.stringify(create(record, { operation: 'upsert' })), /operation/, true],
    [
      'an account event without active',
      JSON.stringify({ did: DID, time_us: T, kind: 'account', account: {} }),
      /active/,
      true,
    ],
  ])('%s is a problem, kept raw', (_what, raw, message, hasCursor) => {
    const it_ = item(raw);
    expect(it_.kind).toBe('problem');
    expect(it_.kind === 'problem' && it_.message).toMatch(message);
    expect(it_.capture.body).toBe(raw);
    expect(it_.cursor !== undefined).toBe(hasCursor);
  });

  it('a record that is not a post record is a problem of the post, kept raw', () => {
    const it_ = item(create({ createdAt: '2026-02-25T06:13:20Z' }));
    expect(it_.kind).toBe('posts');
    if (it_.kind !== 'posts') throw new Error('not posts');
    expect(it_.body.posts).toEqual([]);
    expect(it_.body.problems).toEqual([
      expect.objectContaining({ code: 'bad_payload', message: expect.stringMatching(/text/) }),
    ]);
  });
});

describe('resuming and subscribing', () => {
  it('resumes 5 s before the stored cursor, live before the first item', () => {
    expect(resumeCursor(String(T))).toBe(String(T - 5_000_000));
    expect(resumeCursor(null)).toBeNull();
    expect(resumeCursor('garbage')).toBeNull();
    expect(resumeCursor('1000')).toBe('0');
  });

  it('puts a short DID list in the address and a long one in an options_update', () => {
    const short = subscribeUrl('wss://jet.test/', [DID], '42');
    expect(short.isHello).toBe(false);
    const url = new URL(short.url);
    expect(url.pathname).toBe('/subscribe');
    expect(url.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post']);
    expect(url.searchParams.getAll('wantedDids')).toEqual([DID]);
    expect(url.searchParams.get('cursor')).toBe('42');
    const many = Array.from({ length: URL_DIDS_MAX + 1 }, (_, i) => `did:plc:${String(i).padStart(24, 'a')}`);
    const long = subscribeUrl('wss://jet.test', many, null);
    expect(long.isHello).toBe(true);
    expect(new URL(long.url).searchParams.get('requireHello')).toBe('true');
    expect(new URL(long.url).searchParams.has('wantedDids')).toBe(false);
    expect(JSON.parse(optionsUpdate(many))).toMatchObject({ type: 'options_update', payload: { wantedDids: many } });
  });
});
