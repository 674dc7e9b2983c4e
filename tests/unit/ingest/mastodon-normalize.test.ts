// The Mastodon normalizer over statuses in the documented shape (written by
// hand, with invented officials and text): HTML content with entities,
// shortened links, mentions, hashtags, custom emoji, content warnings, media,
// polls, boosts, edit histories, and malformed items.
import { describe, expect, it } from 'vitest';
import {
  editedVersionId,
  normalizeHistory,
  normalizeStatus,
  readStatuses,
} from '../../../src/core/mastodon-normalize.js';
import { statusSchema, type MastodonStatus } from '../../../src/core/mastodon-payload.js';

const SERVER = 'gov.example';

const minister = {
  id: '109000000000000001',
  username: 'minister',
  acct: 'minister',
  display_name: 'Minister of Works',
  url: 'https://gov.example/@minister',
};

function raw(overrides: Record<string, unknown> = {}) {
  return {
    id: '111000000000000100',
    created_at: '2026-03-04T15:20:11.000Z',
    edited_at: null,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: 'https://gov.example/users/minister/statuses/111000000000000100',
    url: 'https://gov.example/@minister/111000000000000100',
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 3,
    content: '<p>Hello</p>',
    reblog: null,
    application: { name: 'Web', website: null },
    account: minister,
    media_attachments: [],
    mentions: [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
    ...overrides,
  };
}

const parse = (value: unknown): MastodonStatus => statusSchema.parse(value);
const one = (overrides: Record<string, unknown>) => normalizeStatus(parse(raw(overrides)), SERVER)[0]!;

describe('content', () => {
  it.each([
    [
      'entities decoded',
      '<p>Roads &amp; bridges: &quot;open&quot; &lt;today&gt; &#39;8am&#39;</p>',
      `Roads & bridges: "open" <today> '8am'`,
    ],
    [
      '<br> a line break, paragraphs a blank line',
      '<p>Line one<br />Line two</p><p>Second paragraph</p>',
      'Line one\nLine two\n\nSecond paragraph',
    ],
    [
      'a shortened link written as its full address',
      '<p>See <a href="https://www.gov.example/news/2026/03/harbour-works-update" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://www.</span><span class="ellipsis">gov.example/news/2026/03/harbo</span><span class="invisible">ur-works-update</span></a></p>',
      'See https://www.gov.example/news/2026/03/harbour-works-update',
    ],
    [
      'a link with its own words kept as written',
      '<p><a href="https://gov.example/budget">the budget</a></p>',
      'the budget',
    ],
    [
      'mentions and hashtags as shown',
      '<p><span class="h-card" translate="no"><a href="https://city.example/@mayor" class="u-url mention">@<span>mayor</span></a></span> <a href="https://gov.example/tags/roadworks" class="mention hashtag" rel="tag">#<span>RoadWorks</span></a></p>',
      '@mayor #RoadWorks',
    ],
    ['custom emoji kept as their shortcode, others as they are', '<p>Done :flag_gov: 🚧</p>', 'Done :flag_gov: 🚧'],
  ])('%s', (_name, content, text) => {
    expect(one({ content }).text).toBe(text);
  });

  it('keeps links, full mentions and hashtags, and the content warning before the content', () => {
    const post = one({
      spoiler_text: 'Road closure',
      content:
        '<p>Thanks <span class="h-card"><a href="https://city.example/@mayor" class="u-url mention">@<span>mayor</span></a></span> and ' +
        '<span class="h-card"><a href="https://gov.example/@transport" class="u-url mention">@<span>transport</span></a></span>. ' +
        '<a href="https://gov.example/tags/roadworks" class="mention hashtag" rel="tag">#<span>RoadWorks</span></a> ' +
        '<a href="https://example.org/map" rel="nofollow noopener"><span class="invisible">https://</span><span class="">example.org/map</span><span class="invisible"></span></a></p>',
      mentions: [
        { id: '5', username: 'mayor', url: 'https://city.example/@mayor', acct: 'mayor@city.example' },
        { id: '6', username: 'transport', url: 'https://gov.example/@transport', acct: 'transport' },
      ],
      tags: [{ name: 'roadworks', url: 'https://gov.example/tags/roadworks' }],
    });
    expect(post).toMatchObject({
      text: 'Road closure\n\nThanks @mayor and @transport. #RoadWorks https://example.org/map',
      urls: ['https://example.org/map'],
      mentions: ['mayor@city.example', 'transport@gov.example'],
      hashtags: ['RoadWorks'],
    });
  });

  it('keeps media with their descriptions and sizes, and polls with their options', () => {
    const post = one({
      media_attachments: [
        {
          id: '112000000000000001',
          type: 'video',
          url: 'https://files.gov.example/v.mp4',
          preview_url: 'https://files.gov.example/v.jpg',
          remote_url: null,
          description: 'The minister at the dock',
          meta: { original: { width: 1280, height: 720, duration: 12.345 } },
        },
        {
          id: '112000000000000002',
          type: 'unknown',
          url: null,
          preview_url: null,
          remote_url: 'https://city.example/m.bin',
          description: null,
          meta: null,
        },
      ],
      poll: {
        id: '34',
        expires_at: '2026-03-05T15:20:11.000Z',
        expired: false,
        options: [
          { title: 'Yes', votes_count: 4 },
          { title: 'No', votes_count: 1 },
        ],
      },
    });
    expect(post.media).toEqual([
      {
        key: 'gov.example:112000000000000001',
        type: 'video',
        url: 'https://files.gov.example/v.mp4',
        previewUrl: 'https://files.gov.example/v.jpg',
        altText: 'The minister at the dock',
        width: 1280,
        height: 720,
        durationMs: 12345,
        variants: [],
      },
      {
        key: 'gov.example:112000000000000002',
        type: 'unknown',
        url: 'https://city.example/m.bin',
        previewUrl: null,
        altText: null,
        width: null,
        height: null,
        durationMs: null,
        variants: [],
      },
    ]);
    expect(post.poll).toEqual({
      id: 'gov.example:34',
      options: [
        { position: 1, label: 'Yes', votes: 4 },
        { position: 2, label: 'No', votes: 1 },
      ],
      votingStatus: 'open',
      durationMinutes: null,
      endsAt: '2026-03-05T15:20:11.000Z',
    });
  });

  it('names a status by its server and changes its content sha only when its content changes', () => {
    const a = one({ favourites_count: 3 });
    const b = one({ favourites_count: 900, replies_count: 12 });
    expect(a).toMatchObject({
      platform: 'mastodon',
      platformId: 'gov.example:111000000000000100',
      versionId: 'gov.example:111000000000000100',
      editIds: ['gov.example:111000000000000100'],
      authorId: 'gov.example:109000000000000001',
      authorHandle: 'minister@gov.example',
      authorName: 'Minister of Works',
      lang: 'en',
      via: 'data',
    });
    expect(b.contentSha256).toBe(a.contentSha256);
    expect(one({ content: '<p>Hello!</p>' }).contentSha256).not.toBe(a.contentSha256);
    expect(one({ spoiler_text: 'CW' }).contentSha256).not.toBe(a.contentSha256);
  });
});

describe('boosts and replies', () => {
  it('makes a boost a reference, with the boosted words, and the boosted status its author’s post', () => {
    const boosted = raw({
      id: '111000000000000050',
      account: { id: '77', username: 'mayor', acct: 'mayor@city.example', display_name: 'City Mayor' },
      content: '<p>Bridge reopens Monday.</p>',
      in_reply_to_id: '111000000000000040',
      in_reply_to_account_id: '77',
      application: null,
    });
    const [boost, original] = normalizeStatus(parse(raw({ content: '', language: null, reblog: boosted })), SERVER);
    expect(boost).toMatchObject({
      platformId: 'gov.example:111000000000000100',
      authorHandle: 'minister@gov.example',
      text: 'Bridge reopens Monday.',
      repostOf: 'gov.example:111000000000000050',
      referencedPosts: [
        { type: 'reblogged', id: 'gov.example:111000000000000050' },
        { type: 'replied_to', id: 'gov.example:111000000000000040' },
      ],
      via: 'data',
    });
    expect(original).toMatchObject({
      platformId: 'gov.example:111000000000000050',
      authorId: 'gov.example:77',
      authorHandle: 'mayor@city.example',
      inReplyToUserId: 'gov.example:77',
      repostOf: null,
      via: 'retweeted',
    });
  });
});

describe('edits', () => {
  const edited = raw({ content: '<p>Curfew at 23:00 in the old town.</p>', edited_at: '2026-03-04T16:00:05.5Z' });
  const history = [
    {
      content: '<p>Curfew at 22:00.</p>',
      spoiler_text: '',
      sensitive: false,
      created_at: '2026-03-04T15:20:11.000Z',
      account: minister,
      media_attachments: [],
      emojis: [],
    },
    {
      content: '<p>Curfew at 23:00.</p>',
      spoiler_text: '',
      sensitive: false,
      created_at: '2026-03-04T15:40:00.000Z',
      account: minister,
      media_attachments: [],
      emojis: [],
    },
    {
      content: '<p>Curfew at 23:00 in the old town.</p>',
      spoiler_text: '',
      sensitive: false,
      created_at: '2026-03-04T16:00:05.500Z',
      account: minister,
      media_attachments: [],
      emojis: [],
    },
  ];
  const id = 'gov.example:111000000000000100';
  const chain = [id, `${id}@2026-03-04T15:40:00.000Z`, `${id}@2026-03-04T16:00:05.500Z`];

  it('names a status as it stands by its latest edit', () => {
    expect(editedVersionId(parse(edited), SERVER)).toBe(chain[2]);
    expect(editedVersionId(parse(raw()), SERVER)).toBeNull();
    expect(normalizeStatus(parse(edited), SERVER)[0]).toMatchObject({ versionId: chain[2], editIds: [id, chain[2]] });
  });

  it('makes each revision of the history a version, oldest first, with its own time', () => {
    const body = normalizeHistory(history, parse(edited), SERVER);
    expect(body.problems).toEqual([]);
    expect(body.posts.map((p) => [p.versionId, p.text, p.versionCreatedAt.toISOString(), p.via])).toEqual([
      [chain[0], 'Curfew at 22:00.', '2026-03-04T15:20:11.000Z', 'edit_history'],
      [chain[1], 'Curfew at 23:00.', '2026-03-04T15:40:00.000Z', 'edit_history'],
      [chain[2], 'Curfew at 23:00 in the old town.', '2026-03-04T16:00:05.500Z', 'data'],
    ]);
    expect(body.posts.every((p) => p.platformId === id && p.editIds.join() === chain.join() && p.lang === 'en')).toBe(
      true,
    );
  });

  it('keeps the status as it stands when its history is malformed, and reports it', () => {
    const body = normalizeHistory({ error: 'oops' }, parse(edited), SERVER);
    expect(body.posts.map((p) => p.versionId)).toEqual([chain[2]]);
    expect(body.problems).toEqual([
      { platformId: id, code: 'bad_payload', message: 'history body is object, not an array' },
    ]);
    const partly = normalizeHistory([history[0], { content: 5 }, history[2]], parse(edited), SERVER);
    expect(partly.posts.map((p) => p.versionId)).toEqual([chain[0], chain[2]]);
    expect(partly.problems[0]!.message).toMatch(/^malformed revision 2: /);
  });
});

describe('malformed items', () => {
  it('reports each malformed status and keeps the others', () => {
    const read = readStatuses(
      [
        raw(),
        { ...raw({ id: '111000000000000101' }), created_at: 'yesterday' },
        { content: '<p>no id</p>' },
        'text',
        raw({ id: '111000000000000102' }),
      ],
      SERVER,
    );
    expect(read.statuses.map((s) => s.id)).toEqual(['111000000000000100', '111000000000000102']);
    expect(read.problems.map((p) => [p.platformId, p.code])).toEqual([
      ['gov.example:111000000000000101', 'bad_payload'],
      [undefined, 'bad_payload'],
      [undefined, 'bad_payload'],
    ]);
    expect(read.problems[0]!.message).toMatch(/^malformed status: created_at/);
  });

  it('reports a body that is not an array, never throws', () => {
    expect(readStatuses({ error: 'Record not found' }, SERVER)).toEqual({
      statuses: [],
      problems: [{ code: 'bad_payload', message: 'statuses body is object, not an array' }],
    });
    expect(readStatuses(null, SERVER).problems).toHaveLength(1);
  });
});
