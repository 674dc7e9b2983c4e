// The pure parts of `import`: telling a file's format, undoing twarc2's
// flattening, reading an X archive's v1.1 posts and onrecord's own export.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, stripBom, twarcLineToBody } from '../../../src/core/import-formats.js';
import { parseOnrecordRecord } from '../../../src/core/onrecord-record.js';
import { unflattenTwarcTweet } from '../../../src/core/twarc-flatten.js';
import {
  archiveTweetToV2Body,
  isTweetsEntry,
  normalizeArchiveItem,
  parseV1Time,
  readArchiveAccount,
} from '../../../src/core/x-archive.js';
import { normalizeXBody } from '../../../src/core/x-normalize.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url));

describe('detectFormat', () => {
  it.each([
    ['collection.jsonl', fixture('twarc2-responses.jsonl'), 'twarc2'],
    ['flat.jsonl', fixture('twarc2-flat.jsonl'), 'twarc2'],
    ['page.json', fixture('x-response.json'), 'x-response'],
    ['archive.zip', fixture('x-archive.zip'), 'x-archive'],
    ['download', fixture('x-archive.zip'), 'x-archive'],
    ['tweets.js', fixture('archive/data/tweets.js'), 'x-archive'],
    ['export.jsonl', Buffer.from('{"id":"1","versions":[],"firstSeenBy":"poll"}\n'), 'onrecord'],
    ['empty.jsonl', Buffer.from(''), 'x-response'],
  ])('%s is %s', (name, head, format) => {
    expect(detectFormat(name, head)).toBe(format);
  });

  it('reads past a byte order mark', () => {
    expect(stripBom('\uFEFF{}')).toBe('{}');
    expect(detectFormat('x.js', Buffer.from('\uFEFFwindow.YTD.tweets.part0 = []'))).toBe('x-archive');
  });
});

describe('twarc2 lines', () => {
  const [responseLine, flatLine] = [
    JSON.parse(stripBom(fixture('twarc2-responses.jsonl').toString('utf8')).split('\r\n')[0]!) as object,
    JSON.parse(fixture('twarc2-flat.jsonl').toString('utf8').split('\n')[0]!) as Record<string, unknown>,
  ];

  it('keeps a response line as the v2 body it is', () => {
    expect(twarcLineToBody(responseLine)).toEqual({ ok: true, body: responseLine });
  });

  it('moves a flattened post’s author, media and referenced posts back to includes', () => {
    const body = unflattenTwarcTweet(flatLine) as {
      data: Record<string, unknown>[];
      includes: Record<string, { id?: string; media_key?: string }[]>;
    };
    const data = body.data[0]!;
    expect(data).not.toHaveProperty('author');
    expect(data).not.toHaveProperty('__twarc');
    expect(data.attachments).toEqual({ media_keys: ['3_1766000000000000099'] });
    expect(data.referenced_tweets).toEqual([{ type: 'replied_to', id: '1765000000000000040' }]);
    expect(body.includes.users!.map((u) => u.id).sort()).toEqual(['900000000000000001', '900000000000000002']);
    expect(body.includes.media!.map((m) => m.media_key)).toEqual(['3_1766000000000000099']);
    expect(body.includes.tweets!.map((t) => t.id)).toEqual(['1765000000000000040']);
    const [post] = normalizeXBody(body).posts;
    expect(post).toMatchObject({ platformId: '1766000000000000010', authorHandle: 'example_min', urls: [] });
    expect(post!.media.map((m) => m.url)).toEqual(['https://pbs.twimg.com/media/sample02.jpg']);
  });

  it('reads a referenced post under .tweet (older twarc) and ignores the {} of a missing expansion', () => {
    const body = unflattenTwarcTweet({
      id: '5',
      text: 'quote',
      author: {},
      referenced_tweets: [{ type: 'quoted', id: '4', tweet: { id: '4', text: 'original', author_id: '9' } }],
    }) as { includes: { users: unknown[]; tweets: { id: string; text: string }[] } };
    expect(body.includes.users).toEqual([]);
    expect(body.includes.tweets).toEqual([{ id: '4', text: 'original', author_id: '9' }]);
  });

  it('refuses what is neither a response nor a post', () => {
    expect(twarcLineToBody({ id: '1', text: 5 })).toMatchObject({ ok: false });
    expect(twarcLineToBody([1, 2])).toMatchObject({ ok: false });
    expect(twarcLineToBody({ errors: [] })).toMatchObject({ ok: true });
  });
});

describe('X archive', () => {
  const account = { accountId: '900000000000000001', username: 'example_min', displayName: 'Ministry of Examples' };

  it.each([
    ['Wed Mar 04 16:41:27 +0000 2020', '2020-03-04T16:41:27.000Z'],
    ['Fri Mar 06 12:30:00 -0500 2020', '2020-03-06T17:30:00.000Z'],
    ['Sun Jan 01 00:10:00 +0130 2023', '2022-12-31T22:40:00.000Z'],
    ['2020-03-04T16:41:27Z', undefined],
    ['Wed Foo 04 16:41:27 +0000 2020', undefined],
  ])('reads the v1.1 time %s', (text, iso) => {
    expect(parseV1Time(text)).toBe(iso);
  });

  it('names the entries that hold posts and reads account.js', () => {
    expect(['data/tweets.js', 'data/tweets-part1.js', 'x/data/tweets-part12.js'].every(isTweetsEntry)).toBe(true);
    expect(['data/like.js', 'data/tweetdeck.js', 'data/tweets-media/a.jpg'].some(isTweetsEntry)).toBe(false);
    expect(readArchiveAccount([{ account: { accountId: '1', username: 'a', accountDisplayName: 'A' } }])).toEqual({
      accountId: '1',
      username: 'a',
      displayName: 'A',
    });
    expect(readArchiveAccount([{ account: {} }])).toBeNull();
  });

  it('turns a v1.1 post into the normalized shape: text, time, author, tags, media, edits, reply', () => {
    const script = fixture('archive/data/tweets.js').toString('utf8');
    const items = JSON.parse(script.slice(script.indexOf('['))) as unknown[];
    const [first] = normalizeArchiveItem(items[0], account).posts;
    expect(first).toMatchObject({
      platformId: '1700000000000000010',
      versionId: '1700000000000000010',
      createdAt: new Date('2020-03-04T16:41:27.000Z'),
      authorId: account.accountId,
      authorHandle: 'example_min',
      hashtags: ['roads'],
      mentions: ['dept_of_samples'],
      urls: [],
    });
    expect(first!.media).toEqual([
      expect.objectContaining({ key: '3_1700000000000000099', type: 'photo', width: 2048, height: 1152 }),
    ]);
    const [edited] = normalizeArchiveItem(items[1], account).posts;
    expect(edited).toMatchObject({
      platformId: '1700000000000000015',
      versionId: '1700000000000000020',
      editIds: ['1700000000000000015', '1700000000000000020'],
      inReplyToUserId: '900000000000000002',
      referencedPosts: [{ type: 'replied_to', id: '1699999999999999990' }],
    });
  });

  it('keeps a video’s variants with their bit rates and its duration', () => {
    const script = fixture('archive/data/tweets-part1.js').toString('utf8');
    const items = JSON.parse(script.slice(script.indexOf('['))) as unknown[];
    const body = archiveTweetToV2Body((items[0] as { tweet: unknown }).tweet, null) as {
      includes: { media: Record<string, unknown>[] };
    };
    expect(body.includes.media[0]).toMatchObject({
      media_key: '7_1700000000000000098',
      type: 'video',
      duration_ms: 15000,
    });
    const [post] = normalizeArchiveItem(items[0], null).posts;
    expect(post!.authorId).toBeNull();
    expect(post!.media[0]!.variants.map((v) => v.bitRate)).toEqual([2176000, null]);
    expect(normalizeArchiveItem(items[1], account).problems).toHaveLength(1);
  });
});

describe('onrecord export records', () => {
  const version = {
    versionId: '11',
    capturedAt: '2026-03-01T00:00:00.000Z',
    data: {
      platform: 'x',
      platformId: '11',
      versionId: '11',
      editIds: ['11'],
      text: 'hello',
      createdAt: '2026-02-28T00:00:00.000Z',
      versionCreatedAt: '2026-02-28T00:00:00.000Z',
      contentSha256: 'ab',
      extra: { kept: true },
    },
  };
  const record = {
    id: '11',
    platform: 'x',
    account: 'x:example_min',
    status: 'deleted',
    statusChangedAt: '2026-03-02T00:00:00.000Z',
    firstSeenAt: '2026-03-01T00:00:00.000Z',
    firstSeenBy: 'poll',
    versions: [version],
  };

  it('reads the record back, every field of the stored version kept', () => {
    const read = parseOnrecordRecord(record);
    if (!read.ok) throw new Error(read.message);
    expect(read.record.account).toEqual({ platform: 'x', handle: 'example_min' });
    expect(read.record.versions[0]!.post).toMatchObject({ text: 'hello', extra: { kept: true } });
    expect(read.record.versions[0]!.post.createdAt).toEqual(new Date('2026-02-28T00:00:00.000Z'));
  });

  it.each([
    ['no versions', { ...record, versions: [] }],
    ['a bad account', { ...record, account: 'x:not a handle' }],
    ['a bad time', { ...record, firstSeenAt: 'yesterday' }],
  ])('refuses a record with %s', (_name, bad) => {
    expect(parseOnrecordRecord(bad)).toMatchObject({ ok: false });
  });
});
