import { describe, expect, it } from 'vitest';
import { contentSha256, normalizeXBody, type NormalizedPost } from '../../../src/core/x-normalize.js';

// A timeline page in the documented shape (X API v2 user timeline with
// note_tweet, attachments.media_keys, author_id and referenced_tweets.id expanded).
const page = {
  data: [
    {
      id: '2029215334573188017',
      text: 'Today we completed the handover… https://t.co/AbC123xyz9',
      note_tweet: {
        text: 'Today we completed the handover of the northern hub. Full release: https://example.mil/news/handover #Partnership',
        entities: {
          urls: [{ start: 67, end: 90, url: 'https://t.co/Rel456', expanded_url: 'https://example.mil/news/handover' }],
          hashtags: [{ start: 91, end: 103, tag: 'Partnership' }],
        },
      },
      created_at: '2026-03-04T15:20:11.000Z',
      author_id: '1593187340',
      conversation_id: '2029215334573188017',
      lang: 'en',
      edit_history_tweet_ids: ['2029215334573188017'],
      attachments: { media_keys: ['3_2029215278298038528'] },
      entities: {
        urls: [
          {
            start: 33,
            end: 56,
            url: 'https://t.co/AbC123xyz9',
            expanded_url: 'https://x.com/USFOR_A/status/2029215334573188017/photo/1',
            media_key: '3_2029215278298038528',
          },
        ],
      },
      public_metrics: { retweet_count: 41, reply_count: 7, like_count: 302, quote_count: 3 },
    },
    {
      id: '2028940980253624897',
      text: '2/ Update: the road to the east gate reopens at 0600 local. @DeptExample',
      created_at: '2026-03-03T21:10:00.000Z',
      author_id: '1593187340',
      conversation_id: '2028939771245511696',
      in_reply_to_user_id: '1593187340',
      referenced_tweets: [{ type: 'replied_to', id: '2028939771245511696' }],
      entities: { mentions: [{ start: 60, end: 72, username: 'DeptExample', id: '783214' }] },
      edit_history_tweet_ids: ['2028940980253624897'],
    },
  ],
  includes: {
    media: [
      {
        media_key: '3_2029215278298038528',
        type: 'photo',
        url: 'https://pbs.twimg.com/media/Gabc123XYZ.jpg',
        width: 2048,
        height: 1365,
        alt_text: 'Soldiers shaking hands.',
      },
    ],
    users: [{ id: '1593187340', name: 'U.S. Forces Example', username: 'USFOR_A' }],
  },
  meta: { result_count: 2, newest_id: '2029215334573188017', oldest_id: '2028940980253624897' },
};

function post(overrides: Partial<NormalizedPost>): Omit<NormalizedPost, 'contentSha256'> {
  return {
    platform: 'x',
    platformId: '0',
    versionId: '0',
    editIds: [],
    text: '',
    lang: null,
    versionCreatedAt: new Date(0),
    createdAt: new Date(0),
    authorId: null,
    authorHandle: null,
    conversationId: null,
    inReplyToUserId: null,
    referencedPosts: [],
    urls: [],
    mentions: [],
    hashtags: [],
    cashtags: [],
    media: [],
    mediaKeys: [],
    repostOf: null,
    withheld: null,
    poll: null,
    geo: null,
    authorName: null,
    via: 'data',
    ...overrides,
  };
}

function withoutSha(p: NormalizedPost) {
  const { contentSha256: sha, ...rest } = p;
  expect(sha).toMatch(/^[0-9a-f]{64}$/);
  return rest;
}

describe('normalizeXBody on a documented timeline page', () => {
  const result = normalizeXBody(page);

  it('normalizes a long post with a photo: full text, note entities, media, no self media link', () => {
    expect(withoutSha(result.posts[0]!)).toEqual(
      post({
        platformId: '2029215334573188017',
        versionId: '2029215334573188017',
        editIds: ['2029215334573188017'],
        text: page.data[0]!.note_tweet!.text,
        lang: 'en',
        versionCreatedAt: new Date('2026-03-04T15:20:11.000Z'),
        createdAt: new Date('2026-03-04T15:20:11.000Z'),
        authorId: '1593187340',
        authorHandle: 'USFOR_A',
        authorName: 'U.S. Forces Example',
        conversationId: '2029215334573188017',
        mediaKeys: ['3_2029215278298038528'],
        urls: ['https://example.mil/news/handover'],
        hashtags: ['Partnership'],
        media: [
          {
            key: '3_2029215278298038528',
            type: 'photo',
            url: 'https://pbs.twimg.com/media/Gabc123XYZ.jpg',
            previewUrl: null,
            altText: 'Soldiers shaking hands.',
            width: 2048,
            height: 1365,
            durationMs: null,
            variants: [],
          },
        ],
      }),
    );
  });

  it('normalizes a self-reply: references, mentions, conversation', () => {
    expect(withoutSha(result.posts[1]!)).toEqual(
      post({
        platformId: '2028940980253624897',
        versionId: '2028940980253624897',
        editIds: ['2028940980253624897'],
        text: page.data[1]!.text,
        versionCreatedAt: new Date('2026-03-03T21:10:00.000Z'),
        createdAt: new Date('2026-03-03T21:10:00.000Z'),
        authorId: '1593187340',
        authorHandle: 'USFOR_A',
        authorName: 'U.S. Forces Example',
        conversationId: '2028939771245511696',
        inReplyToUserId: '1593187340',
        referencedPosts: [{ type: 'replied_to', id: '2028939771245511696' }],
        mentions: ['DeptExample'],
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.errors).toEqual([]);
  });
});

describe('normalizeXBody edge cases', () => {
  const cases: { name: string; body: unknown; expect: (r: ReturnType<typeof normalizeXBody>) => void }[] = [
    {
      name: 'an empty timeline has no data key',
      body: { meta: { result_count: 0 } },
      expect: (r) => expect(r).toEqual({ posts: [], problems: [], errors: [] }),
    },
    {
      name: 'default fields only: created_at falls back to the snowflake (cut to the second)',
      body: { data: [{ id: '1346889436626259968', text: 'hi', edit_history_tweet_ids: ['1346889436626259968'] }] },
      expect: (r) => {
        expect(r.posts[0]!.versionCreatedAt).toEqual(new Date('2021-01-06T18:40:40.000Z'));
        expect(r.posts[0]!.createdAt).toEqual(new Date('2021-01-06T18:40:40.000Z'));
      },
    },
    {
      name: 'an edited post: natural key is the first ID, the version is its own ID',
      body: {
        data: [
          {
            id: '1346889436626260000',
            text: 'fixed typo',
            created_at: '2021-01-06T18:45:00.000Z',
            edit_history_tweet_ids: ['1346889436626259968', '1346889436626260000'],
          },
        ],
      },
      expect: (r) => {
        const p = r.posts[0]!;
        expect([p.platformId, p.versionId, p.editIds]).toEqual([
          '1346889436626259968',
          '1346889436626260000',
          ['1346889436626259968', '1346889436626260000'],
        ]);
        expect(p.createdAt).toEqual(new Date('2021-01-06T18:40:40.000Z'));
        expect(p.versionCreatedAt).toEqual(new Date('2021-01-06T18:45:00.000Z'));
      },
    },
    {
      name: 'earlier versions of an edited post come from includes.tweets; quoted posts there are not versions',
      body: {
        data: [
          {
            id: '1346889436626260000',
            text: 'fixed typo',
            created_at: '2021-01-06T18:45:00.000Z',
            edit_history_tweet_ids: ['1346889436626259968', '1346889436626260000'],
            referenced_tweets: [{ type: 'quoted', id: '463440424141459456' }],
          },
        ],
        includes: {
          tweets: [
            {
              id: '1346889436626259968',
              text: 'fixed tpyo',
              created_at: '2021-01-06T18:40:40.000Z',
              edit_history_tweet_ids: ['1346889436626259968'],
            },
            { id: '463440424141459456', text: 'someone else', edit_history_tweet_ids: ['463440424141459456'] },
          ],
        },
      },
      expect: (r) => {
        expect(r.problems).toEqual([]);
        expect(r.posts.map((p) => [p.platformId, p.versionId, p.text, p.versionCreatedAt.toISOString()])).toEqual([
          ['1346889436626259968', '1346889436626260000', 'fixed typo', '2021-01-06T18:45:00.000Z'],
          ['1346889436626259968', '1346889436626259968', 'fixed tpyo', '2021-01-06T18:40:40.000Z'],
        ]);
      },
    },
    {
      name: 'the 2026 post-names (note_post, edit_history_post_ids, referenced_posts) are read too',
      body: {
        data: [
          {
            id: '1346889436626260000',
            text: 'short',
            note_post: { text: 'the long one' },
            edit_history_post_ids: ['1346889436626259968', '1346889436626260000'],
            referenced_posts: [{ type: 'quoted', id: '20' }],
          },
        ],
      },
      expect: (r) => {
        expect(r.posts[0]!.text).toBe('the long one');
        expect(r.posts[0]!.platformId).toBe('1346889436626259968');
        expect(r.posts[0]!.referencedPosts).toEqual([{ type: 'quoted', id: '20' }]);
      },
    },
    {
      name: 'a malformed post is a problem and the others are kept',
      body: {
        data: [
          { id: '1346889436626259968', text: 'good', edit_history_tweet_ids: ['1346889436626259968'] },
          { id: '1346889436626259999', text: 42 },
          { text: 'no id' },
          { id: 1346889436626260000, text: 'numeric id' },
        ],
      },
      expect: (r) => {
        expect(r.posts.map((p) => p.versionId)).toEqual(['1346889436626259968']);
        expect(r.problems.map((p) => [p.platformId, p.code])).toEqual([
          ['1346889436626259999', 'bad_payload'],
          [undefined, 'bad_payload'],
          ['1346889436626260000', 'bad_payload'],
        ]);
        expect(r.problems[0]!.message).toContain('text');
      },
    },
    {
      name: 'a body that is not an object is one problem',
      body: 'Service Unavailable',
      expect: (r) =>
        expect(r).toEqual({
          posts: [],
          errors: [],
          problems: [{ code: 'bad_payload', message: 'body is not a JSON object (string)' }],
        }),
    },
    {
      name: 'partial errors under HTTP 200: deleted, not authorized, suspended user',
      body: {
        data: [{ id: '1346889436626259968', text: 'still here', edit_history_tweet_ids: ['1346889436626259968'] }],
        errors: [
          {
            value: '2028940980253624897',
            detail: 'Could not find tweet with ids: [2028940980253624897].',
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'ids',
            resource_id: '2028940980253624897',
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          },
          {
            value: '1000082502030065665',
            detail: 'Sorry, you are not authorized to see the Tweet with ids: [1000082502030065665].',
            title: 'Authorization Error',
            resource_type: 'tweet',
            parameter: 'ids',
            section: 'data',
            type: 'https://api.x.com/2/problems/not-authorized-for-resource',
          },
          {
            detail: 'User has been suspended: [2881117795].',
            parameter: 'id',
            resource_id: '2881117795',
            resource_type: 'user',
            title: 'Forbidden',
            type: 'https://api.twitter.com/2/problems/resource-not-found',
            value: '2881117795',
          },
        ],
      },
      expect: (r) => {
        expect(r.posts).toHaveLength(1);
        expect(r.errors).toEqual([
          {
            kind: 'not_found',
            resourceType: 'tweet',
            resourceId: '2028940980253624897',
            detail: 'Could not find tweet with ids: [2028940980253624897].',
          },
          {
            kind: 'not_authorized',
            resourceType: 'tweet',
            resourceId: '1000082502030065665',
            detail: 'Sorry, you are not authorized to see the Tweet with ids: [1000082502030065665].',
          },
          {
            kind: 'suspended',
            resourceType: 'user',
            resourceId: '2881117795',
            detail: 'User has been suspended: [2881117795].',
          },
        ]);
      },
    },
    {
      name: 'a video: preview and variants; a media key without details is kept as a key and reported',
      body: {
        data: [
          {
            id: '2028965431498502162',
            text: 'Flight line https://t.co/Vid0000001',
            attachments: { media_keys: ['7_2028965264225206784', '3_404'] },
            entities: {
              urls: [
                {
                  url: 'https://t.co/Vid0000001',
                  expanded_url: 'https://x.com/USFOR_A/status/2028965431498502162/video/1',
                },
              ],
            },
          },
        ],
        includes: {
          media: [
            {
              media_key: '7_2028965264225206784',
              type: 'video',
              duration_ms: 31233,
              preview_image_url: 'https://pbs.twimg.com/thumb.jpg',
              variants: [
                { content_type: 'application/x-mpegURL', url: 'https://video.twimg.com/a.m3u8' },
                { bit_rate: 832000, content_type: 'video/mp4', url: 'https://video.twimg.com/a.mp4' },
              ],
            },
          ],
        },
      },
      expect: (r) => {
        expect(r.posts[0]!.urls).toEqual([]);
        expect(r.posts[0]!.media).toEqual([
          {
            key: '7_2028965264225206784',
            type: 'video',
            url: null,
            previewUrl: 'https://pbs.twimg.com/thumb.jpg',
            altText: null,
            width: null,
            height: null,
            durationMs: 31233,
            variants: [
              { contentType: 'application/x-mpegURL', url: 'https://video.twimg.com/a.m3u8', bitRate: null },
              { contentType: 'video/mp4', url: 'https://video.twimg.com/a.mp4', bitRate: 832000 },
            ],
          },
        ]);
        expect(r.posts[0]!.mediaKeys).toEqual(['7_2028965264225206784', '3_404']);
        expect(r.problems).toEqual([
          {
            platformId: '2028965431498502162',
            code: 'media_missing',
            message:
              'media 3_404 of post 2028965431498502162 not in includes.media (kept as keys; a lookup of the post fills them in)',
          },
        ]);
      },
    },
    {
      name: 'a single-post lookup body (data is an object)',
      body: { data: { id: '1346889436626259968', text: 'one', edit_history_tweet_ids: ['1346889436626259968'] } },
      expect: (r) => expect(r.posts.map((p) => p.text)).toEqual(['one']),
    },
  ];

  for (const c of cases) it(c.name, () => c.expect(normalizeXBody(c.body)));
});

describe('contentSha256', () => {
  it('is stable across key order and changes with the text', () => {
    expect(contentSha256({ a: 1, b: ['x'] })).toBe(contentSha256({ b: ['x'], a: 1 }));
    expect(contentSha256({ text: 'a' })).not.toBe(contentSha256({ text: 'b' }));
  });

  it('ignores metrics: the same post with other counters has the same sha', () => {
    const one = normalizeXBody(page).posts[0]!;
    const other = structuredClone(page);
    other.data[0]!.public_metrics!.like_count = 9999;
    expect(normalizeXBody(other).posts[0]!.contentSha256).toBe(one.contentSha256);
  });
});
