// The Bluesky normalizer over hand-written post views: the whole normalized
// row, facets read by UTF-8 byte offsets (emoji, CJK, flags), a link whose
// shown text is cut, credible and bogus createdAt values, replies, and
// malformed records reported as problems. Embeds: bsky-embeds.test.ts.
import { describe, expect, it } from 'vitest';
import { normalizePostView, postTime } from '../../../src/core/bsky-normalize.js';
import type { NormalizeProblem } from '../../../src/core/post-model.js';
import { CID_A, COASTGUARD, MINISTRY, postUri, postView } from './bsky-views.js';

function normalize(view: unknown) {
  const problems: NormalizeProblem[] = [];
  const post = normalizePostView(view, 'data', problems);
  return { post, problems };
}

const URI = postUri(MINISTRY.did, '3mfxgngbz4222');

describe('a post view', () => {
  it('becomes one whole version: AT URI as ID, URI#CID as version, record text, facets, card, CID kept', () => {
    // "Update 🌊 " is 12 bytes (the emoji is 4); "@coastguard.example.org" is 23.
    const text = 'Update 🌊 @coastguard.example.org: read example.gov/news/2026/03/flo… #Flooding';
    const view = postView({
      record: {
        text,
        langs: ['en', 'fr'],
        facets: [
          {
            index: { byteStart: 12, byteEnd: 35 },
            features: [{ $type: 'app.bsky.richtext.facet#mention', did: COASTGUARD.did }],
          },
          {
            index: { byteStart: 42, byteEnd: 73 },
            features: [
              { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.gov/news/2026/03/flood-warning-coast' },
            ],
          },
          {
            index: { byteStart: 74, byteEnd: 83 },
            features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Flooding' }],
          },
        ],
        embed: {
          $type: 'app.bsky.embed.external',
          external: {
            uri: 'https://example.gov/news/2026/03/flood-warning-coast',
            title: 'Flood warning',
            description: '',
          },
        },
      },
      embed: {
        $type: 'app.bsky.embed.external#view',
        external: {
          uri: 'https://example.gov/news/2026/03/flood-warning-coast',
          title: 'Flood warning',
          description: '',
        },
      },
    });
    const { post, problems } = normalize(view);
    expect(problems).toEqual([]);
    expect(post).toEqual({
      platform: 'bsky',
      platformId: URI,
      versionId: `${URI}#${CID_A}`,
      editIds: [URI],
      text,
      lang: 'en',
      versionCreatedAt: new Date('2026-03-04T15:20:11.417Z'),
      createdAt: new Date('2026-03-04T15:20:11.417Z'),
      authorId: MINISTRY.did,
      authorHandle: MINISTRY.handle,
      authorName: MINISTRY.displayName,
      conversationId: URI,
      inReplyToUserId: null,
      referencedPosts: [],
      urls: ['https://example.gov/news/2026/03/flood-warning-coast'],
      mentions: ['coastguard.example.org'],
      hashtags: ['Flooding'],
      cashtags: [],
      media: [],
      mediaKeys: [],
      repostOf: null,
      withheld: null,
      poll: null,
      geo: null,
      via: 'data',
      contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bsky: {
        uri: URI,
        cid: CID_A,
        indexedAt: '2026-03-04T15:20:12.004Z',
        recordCreatedAt: '2026-03-04T15:20:11.417Z',
        langs: ['en', 'fr'],
        mentionDids: [COASTGUARD.did],
      },
    });
  });

  it('gives the same version and content hash when read again, and another hash when the words differ', () => {
    const first = normalize(postView()).post!;
    const again = normalize(postView()).post!;
    const other = normalize(postView({ record: { text: 'Press briefing at one.' } })).post!;
    expect(again.versionId).toBe(first.versionId);
    expect(again.contentSha256).toBe(first.contentSha256);
    expect(other.contentSha256).not.toBe(first.contentSha256);
  });
});

const mention = (start: number, end: number) => ({
  index: { byteStart: start, byteEnd: end },
  features: [{ $type: 'app.bsky.richtext.facet#mention', did: COASTGUARD.did }],
});
const tag = (start: number, end: number, name: string) => ({
  index: { byteStart: start, byteEnd: end },
  features: [{ $type: 'app.bsky.richtext.facet#tag', tag: name }],
});
const link = (start: number, end: number, uri: string) => ({
  index: { byteStart: start, byteEnd: end },
  features: [{ $type: 'app.bsky.richtext.facet#link', uri }],
});

describe('facets, counted in UTF-8 bytes', () => {
  const cases: {
    name: string;
    text: string;
    facets: unknown[];
    expected: Partial<Record<'urls' | 'mentions' | 'hashtags' | 'cashtags', string[]>>;
    problems?: RegExp[];
  }[] = [
    {
      // UTF-16 would put the mention at 10; in bytes it starts at 12.
      name: 'a mention after an emoji',
      text: '🌊🌊 Thanks @coastguard.example.org',
      facets: [mention(16, 39)],
      expected: { mentions: ['coastguard.example.org'] },
    },
    {
      // 東京 is 6 bytes, the flag 🇯🇵 is 8 (two regional indicators).
      name: 'a hashtag after CJK text and a flag',
      text: '東京 🇯🇵 #防災 drill today',
      facets: [tag(16, 23, '防災')],
      expected: { hashtags: ['防災'] },
    },
    {
      name: 'a link whose shown text is cut keeps the full URL of its facet',
      text: 'Full statement: example.gov/statements/2026/m…',
      facets: [link(16, 48, 'https://example.gov/statements/2026/march/coastal-flooding-response')],
      expected: { urls: ['https://example.gov/statements/2026/march/coastal-flooding-response'] },
    },
    {
      name: 'a cashtag',
      text: 'Shares of $ACME halted',
      facets: [tag(10, 15, '$ACME')],
      expected: { cashtags: ['ACME'], hashtags: [] },
    },
    {
      name: 'facets out of text order, read in text order, duplicates once',
      text: '#One #Two #One',
      facets: [tag(10, 14, 'One'), tag(5, 9, 'Two'), tag(0, 4, 'One')],
      expected: { hashtags: ['One', 'Two'] },
    },
    {
      name: 'a range past the end of the text: reported, the link kept',
      text: 'See example.gov',
      facets: [link(4, 40, 'https://example.gov/')],
      expected: { urls: ['https://example.gov/'] },
      problems: [/facet 0: byte range 4\.\.40 does not fit the text's 15 UTF-8 bytes/],
    },
    {
      name: 'a range that splits an emoji: reported, the mention kept by its DID',
      text: '🌊@coastguard.example.org',
      facets: [mention(2, 27)],
      expected: { mentions: [COASTGUARD.did] },
      problems: [/facet 0: byte range 2\.\.27/],
    },
    {
      name: 'a facet without an index: reported, the others kept',
      text: '#Kept',
      facets: [{ features: [] }, tag(0, 5, 'Kept')],
      expected: { hashtags: ['Kept'] },
      problems: [/facet 0: index/],
    },
    {
      name: 'an unknown feature type is passed over',
      text: 'Bold claim',
      facets: [{ index: { byteStart: 0, byteEnd: 4 }, features: [{ $type: 'app.example.facet#bold' }] }],
      expected: { urls: [], mentions: [], hashtags: [] },
    },
  ];

  it.each(cases)('$name', ({ text, facets, expected, problems: wanted = [] }) => {
    const { post, problems } = normalize(postView({ record: { text, facets } }));
    expect(post).toMatchObject(expected);
    expect(problems.map((p) => p.message)).toEqual(wanted.map((re) => expect.stringMatching(re)));
    expect(problems.every((p) => p.platformId === URI && p.code === 'bad_payload')).toBe(true);
  });

  it('adds the record tags (hashtags not in the text) after the facets', () => {
    const view = postView({
      record: { text: '#Flooding', facets: [tag(0, 9, 'Flooding')], tags: ['Coast', 'Flooding'] },
    });
    expect(normalize(view).post!.hashtags).toEqual(['Flooding', 'Coast']);
  });
});

describe('when a post was posted', () => {
  const indexedAt = '2026-03-04T15:20:12.004Z';
  const cases: [string, string, string][] = [
    ['as the client said', '2026-03-04T15:20:11.417Z', '2026-03-04T15:20:11.417Z'],
    ['with microseconds', '2026-03-04T15:20:11.417123Z', '2026-03-04T15:20:11.417Z'],
    ['with an offset', '2026-03-04T16:20:11+01:00', '2026-03-04T15:20:11.000Z'],
    ['a few minutes ahead (a skewed clock)', '2026-03-04T15:25:00.000Z', '2026-03-04T15:25:00.000Z'],
    ['backdated (an imported archive)', '2015-06-01T12:00:00.000Z', '2015-06-01T12:00:00.000Z'],
    ['in the far future: indexedAt', '2099-01-01T00:00:00.000Z', indexedAt],
    ['local time without a zone: indexedAt', '2026-03-05T00:20:11', indexedAt],
    ['year 0001: indexedAt', '0001-01-01T00:00:00.000Z', indexedAt],
    ['the Unix epoch: indexedAt', '1970-01-01T00:00:00.000Z', indexedAt],
    ['not a date: indexedAt', 'yesterday', indexedAt],
  ];

  it.each(cases)('%s', (_name, createdAt, expected) => {
    const { post, problems } = normalize(postView({ record: { createdAt }, indexedAt }));
    expect(problems).toEqual([]);
    expect(post!.createdAt.toISOString()).toBe(expected);
    expect(post!.versionCreatedAt.toISOString()).toBe(expected);
    expect(post!.bsky.recordCreatedAt).toBe(createdAt);
  });

  it('has no time when neither createdAt nor indexedAt is a datetime', () => {
    expect(postTime('soon', 'later')).toBeUndefined();
    const { post, problems } = normalize(postView({ record: { createdAt: 'soon' }, indexedAt: 'later' }));
    expect(post).toBeUndefined();
    expect(problems).toEqual([{ platformId: URI, code: 'bad_payload', message: expect.stringMatching(/createdAt/) }]);
  });
});

describe('a malformed post', () => {
  const cases: [string, (v: Record<string, unknown>) => void, RegExp][] = [
    ['a record without text', (v) => delete (v.record as Record<string, unknown>).text, /record\.text/],
    ['a record of another type', (v) => ((v.record as Record<string, unknown>).$type = 'app.bsky.feed.like'), /\$type/],
    ['a numeric text', (v) => ((v.record as Record<string, unknown>).text = 42), /record\.text/],
    ['a URI that is not a post', (v) => (v.uri = 'https://bsky.app/profile/x/post/1'), /uri/],
    ['no author DID', (v) => delete (v.author as Record<string, unknown>).did, /author\.did/],
  ];

  it.each(cases)('%s is a problem, not a crash', (_name, spoil, where) => {
    const view = postView();
    spoil(view);
    const { post, problems } = normalize(view);
    expect(post).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'bad_payload', message: expect.stringMatching(where) });
  });

  it('that is not even an object is a problem too', () => {
    for (const value of [null, 'post', 7, []]) expect(normalize(value).problems).toHaveLength(1);
  });
});

describe('an author whose handle the AppView cannot verify', () => {
  it('has no handle (handle.invalid is not a name), only its DID', () => {
    const view = postView({ author: { ...MINISTRY, handle: 'handle.invalid' } });
    expect(normalize(view).post).toMatchObject({ authorId: MINISTRY.did, authorHandle: null });
  });
});

describe('a reply', () => {
  it('refers to its parent, belongs to its root thread, and names the parent author', () => {
    const root = postUri(MINISTRY.did, '3mfwaaaaaaa2a');
    const parent = postUri(COASTGUARD.did, '3mfwbbbbbbb2b');
    const view = postView({
      record: { reply: { root: { uri: root, cid: CID_A }, parent: { uri: parent, cid: CID_A } } },
    });
    expect(normalize(view).post).toMatchObject({
      referencedPosts: [{ type: 'replied_to', id: parent }],
      conversationId: root,
      inReplyToUserId: COASTGUARD.did,
    });
  });
});
