// Bluesky's descriptor: handles and DIDs as users type them, AT URIs and
// bsky.app permalinks as post IDs, permalinks by DID, IDs that name their
// account by handle, sample IDs that are real TIDs, and the raw object of a
// version found in a feed page (the post view, not a reference to it).
import { describe, expect, it } from 'vitest';
import { bskyPlatform, tidAt } from '../../../src/core/bsky-platform.js';
import { InvalidInput } from '../../../src/core/errors.js';
import { parseAccountRef, parsePostRef, postUrl } from '../../../src/core/ids.js';
import { editsHaveOwnIds, findRawVersion, postIdHandle } from '../../../src/core/platforms.js';
import { tidAt as fakeTidAt } from '../../fake-bsky/fake-bsky-ids.js';
import { CID_A, CID_B, COASTGUARD, MINISTRY, postUri, postView, repostReason } from './bsky-views.js';

const URI = postUri(MINISTRY.did, '3mfxgngbz4222');

describe('Bluesky accounts as typed', () => {
  it.each([
    ['bsky:Ministry.Example.GOV', 'ministry.example.gov'],
    ['bsky:@ministry.example.gov', 'ministry.example.gov'],
    ['BSKY:agency.bsky.social', 'agency.bsky.social'],
    [`bsky:${MINISTRY.did}`, MINISTRY.did],
    ['bsky:did:web:press.example.org', 'did:web:press.example.org'],
  ])('%j is %j', (text, handle) => expect(parseAccountRef(text)).toEqual({ platform: 'bsky', handle }));

  it.each(['bsky:someone', 'bsky:under_score.example.gov', 'bsky:example.123', 'bsky:-lead.example.gov', 'bsky:'])(
    'refuses %j',
    (text) => {
      expect(() => parseAccountRef(text)).toThrow(InvalidInput);
      expect(() => parseAccountRef(text)).toThrow(/not a Bluesky handle \(a domain name\) or DID/);
    },
  );
});

describe('Bluesky posts as typed', () => {
  it.each([
    [URI, URI],
    [`https://bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222`, URI],
    [`https://bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222?ref_src=embed`, URI],
    [`https://www.bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222/`, URI],
    [
      'https://bsky.app/profile/Ministry.Example.gov/post/3mfxgngbz4222',
      'at://ministry.example.gov/app.bsky.feed.post/3mfxgngbz4222',
    ],
    [
      `at://${MINISTRY.did}/app.bsky.feed.repost/3mfxhb2kq5s2c`,
      `at://${MINISTRY.did}/app.bsky.feed.repost/3mfxhb2kq5s2c`,
    ],
  ])('%j is the post %j', (text, id) => expect(parsePostRef(`bsky:${text}`)).toEqual({ platform: 'bsky', id }));

  it.each([
    '3mfxgngbz4222',
    `https://bsky.app/profile/${MINISTRY.did}`,
    `at://${MINISTRY.did}/app.bsky.feed.like/3mfxgngbz4222`,
    `at://${MINISTRY.did}/app.bsky.feed.post/..`,
    'https://example.com/profile/ministry.example.gov/post/3mfxgngbz4222',
  ])('refuses %j', (text) => {
    expect(() => parsePostRef(`bsky:${text}`)).toThrow(InvalidInput);
    expect(() => parsePostRef(`bsky:${text}`)).toThrow(/not a Bluesky post/);
  });

  it('writes permalinks with the DID (a repost has no page: its account’s)', () => {
    expect(postUrl('bsky', MINISTRY.handle, URI)).toBe(`https://bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222`);
    expect(postUrl('bsky', null, `at://${COASTGUARD.did}/app.bsky.feed.repost/3mfxhb2kq5s2c`)).toBe(
      `https://bsky.app/profile/${COASTGUARD.did}`,
    );
  });

  it('names the handle of an ID that has one instead of a DID, and writes the ID with the DID', () => {
    const named = postIdHandle('bsky', 'at://ministry.example.gov/app.bsky.feed.post/3mfxgngbz4222');
    expect(named?.handle).toBe('ministry.example.gov');
    expect(named?.withUserId(MINISTRY.did)).toBe(URI);
    expect(postIdHandle('bsky', URI)).toBeUndefined();
    expect(postIdHandle('x', '1235243970720694456')).toBeUndefined();
  });

  it('keeps a version only when its content changed (posts are never edited in place)', () => {
    expect(editsHaveOwnIds('bsky')).toBe(false);
  });
});

describe('sample post IDs', () => {
  it('are post AT URIs whose record key is the TID of the time, as the protocol writes it', () => {
    const at = new Date('2026-03-04T15:20:11.417Z');
    const id = bskyPlatform.samplePostId(at);
    expect(parsePostRef(`bsky:${id}`).id).toBe(id);
    expect(id.endsWith(`/app.bsky.feed.post/${tidAt(at)}`)).toBe(true);
    expect(tidAt(at)).toBe(fakeTidAt(at.getTime()));
    expect(tidAt(at)).toMatch(/^[234567a-z]{13}$/);
    expect(tidAt(new Date(at.getTime() + 1)) > tidAt(at)).toBe(true);
  });
});

describe('the raw object of a version', () => {
  const parent = postView({ rkey: '3mfxaaaaaaaaa', cid: CID_B, record: { text: 'Road closed.' } });
  const reply = postView({
    author: COASTGUARD,
    rkey: '3mfxbbbbbbbbb',
    record: {
      text: 'Which road?',
      reply: { root: { uri: parent.uri, cid: CID_B }, parent: { uri: parent.uri, cid: CID_B } },
    },
  });
  // The reply's record refers to the parent before the parent's own view comes.
  const page = { feed: [{ post: reply, reply: { root: parent, parent } }, { post: parent }] };

  it('is the post view with the URI and CID, not a strong reference to it', () => {
    expect(findRawVersion('bsky', page, `${parent.uri as string}#${CID_B}`)).toBe(parent);
    expect(findRawVersion('bsky', page, `${reply.uri as string}#${CID_A}`)).toBe(reply);
  });

  it('is nothing for another CID of the same post', () => {
    expect(findRawVersion('bsky', page, `${parent.uri as string}#${CID_A}`)).toBeNull();
  });

  it('of a repost is its feed reason', () => {
    const reason = repostReason(MINISTRY);
    const feed = { feed: [{ post: postView({ author: COASTGUARD }), reason }] };
    expect(findRawVersion('bsky', feed, `${reason.uri as string}#${CID_B}`)).toBe(reason);
  });

  it('is found by id for X, as before', () => {
    const x = {
      data: [
        { id: '2', referenced_tweets: [{ type: 'quoted', id: '1' }] },
        { id: '1', text: 'one' },
      ],
    };
    expect(findRawVersion('x', x, '1')).toEqual({ id: '1', text: 'one' });
  });
});
