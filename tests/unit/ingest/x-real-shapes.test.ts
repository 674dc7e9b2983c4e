// The normalizer on responses shaped like real X API v2 recordings (see
// tests/fixtures/x-real-shapes/README.md for the quirk each one carries):
// whole normalized rows, problems and partial errors, fixture by fixture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeXBody, type NormalizedMedia, type NormalizedPost } from '../../../src/core/x-normalize.js';

const load = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/x-real-shapes/${name}.json`, import.meta.url), 'utf8'));

type Row = Omit<NormalizedPost, 'contentSha256'>;

const MIN = { authorId: '1408877211', authorHandle: 'MinExample', authorName: 'Ministry of Example Affairs' };

function row(id: string, at: string, fields: Partial<Row>): Row {
  return {
    platform: 'x',
    platformId: id,
    versionId: id,
    editIds: [id],
    text: '',
    lang: 'en',
    versionCreatedAt: new Date(at),
    createdAt: new Date(at),
    ...MIN,
    conversationId: id,
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
    via: 'data',
    ...fields,
  };
}

function photo(key: string, url: string, altText: string, width: number, height: number): NormalizedMedia {
  return { key, type: 'photo', url, previewUrl: null, altText, width, height, durationMs: null, variants: [] };
}

const WATER_PLAN =
  'Tonight the council approved the 2026 water plan: new mains for the east district, lead pipe removal in 3,400 homes ' +
  '& a public dashboard for every project. Thanks to everyone who came to the hearings with @DeptExample. ' +
  'Details, maps & timelines: https://t.co/PlanLnk0001 #WaterPlan';
const PORT = 'Port inspections resume Monday & run until 18:00. https://t.co/PhotoLnk01';
const PORT_PHOTO = photo(
  '3_2021142010655670272',
  'https://pbs.twimg.com/media/PortInsp01.jpg',
  'Inspectors at a container gate.',
  1600,
  900,
);
const VISA_1 = photo(
  '3_2021886789022646272',
  'https://pbs.twimg.com/media/VisaCentre1.jpg',
  'The visa centre entrance.',
  1200,
  800,
);
const VISA_2 = photo(
  '3_2021890039608246272',
  'https://pbs.twimg.com/media/VisaCentre2.jpg',
  'The visa centre entrance, new sign.',
  1200,
  800,
);
const VISA_CHAIN = ['2021886998737850375', '2021890186408890375'];

function visa(version: 1 | 2, fields: Partial<Row>): Row {
  const id = VISA_CHAIN[version - 1]!;
  const at = version === 1 ? '2026-02-12T10:00:00.000Z' : '2026-02-12T10:12:40.000Z';
  return row(VISA_CHAIN[0]!, at, {
    versionId: id,
    editIds: VISA_CHAIN,
    createdAt: new Date('2026-02-12T10:00:00.000Z'),
    conversationId: VISA_CHAIN[0]!,
    text:
      version === 1
        ? 'The new visa centre opens on 2 March. https://t.co/Img2646272'
        : 'The new visa centre opens on 3 March. https://t.co/Img8246272',
    mediaKeys: [version === 1 ? VISA_1.key : VISA_2.key],
    ...fields,
  });
}

const mediaMissing = (id: string, key: string) => ({
  platformId: id,
  code: 'media_missing',
  message: `media ${key} of post ${id} not in includes.media (kept as keys; a lookup of the post fills them in)`,
});

const cases: { fixture: string; posts: Row[]; problems: unknown[]; errors: unknown[] }[] = [
  {
    fixture: 'timeline-escapes-reposts-long',
    posts: [
      row('2021586397164474375', '2026-02-11T14:05:31.000Z', {
        // note_tweet with its own entities; the "show more" link to itself is not a link; unwound_url wins.
        text:
          'Statement on the trade talks, in full. We met our partners for two days and agreed on a common approach to customs checks, ' +
          'data sharing and the review of tariffs on machine parts. Both delegations will report back by 1 April. ' +
          'Earlier notice: https://t.co/Quote00001 and the joint text: https://t.co/Joint00001',
        referencedPosts: [{ type: 'quoted', id: '2021178014561210375' }],
        urls: ['https://x.com/MinExample/status/2021178014561210375', 'https://example.gov/trade/joint-text-2026'],
      }),
      row('2021577459102650375', '2026-02-11T13:30:00.000Z', {
        // The original is gone from includes.tweets: X's shortened text is all there is (reported).
        text: 'RT @DeptExample: Correction to our notice of this morning: the deadline is 3 March, not 1 March. We apologise for the confusion caused by the…',
        referencedPosts: [{ type: 'retweeted', id: '2021574942520250375' }],
        mentions: ['DeptExample'],
        repostOf: '2021574942520250375',
      }),
      row('2021178014561210375', '2026-02-10T11:02:45.000Z', {
        // One decoding pass: what the author typed as "&amp;" stays "&amp;".
        text: 'Budget Q&A at 14:00 today: spending < 2% of GDP > target? Type &amp; to search the sign. #AskTheMinistry $EXMP',
        hashtags: ['AskTheMinistry'],
        cashtags: ['EXMP'],
      }),
      row('2021150906774458375', '2026-02-10T09:15:02.000Z', {
        // The repost shows the original's words; the photo link belongs to the original (not a link of either).
        text: PORT,
        referencedPosts: [{ type: 'retweeted', id: '2021142090347450375' }],
        media: [PORT_PHOTO],
        mediaKeys: [PORT_PHOTO.key],
        repostOf: '2021142090347450375',
      }),
      row('2021142090347450375', '2026-02-10T08:40:00.000Z', {
        authorId: '783214005',
        authorHandle: 'DeptExample',
        authorName: 'Dept. of Examples - Trade Office',
        text: PORT,
        media: [PORT_PHOTO],
        mediaKeys: [PORT_PHOTO.key],
        via: 'retweeted',
      }),
      row('2021116966466490375', '2026-02-10T07:00:10.000Z', {
        // A repost of a long post: the original's note_tweet, not the 140-character "RT" text.
        text: WATER_PLAN,
        referencedPosts: [{ type: 'retweeted', id: '2020983545656250375' }],
        urls: ['https://example.city/water-plan-2026'],
        mentions: ['DeptExample'],
        hashtags: ['WaterPlan'],
        repostOf: '2020983545656250375',
      }),
      row('2020983545656250375', '2026-02-09T22:10:00.000Z', {
        authorId: '2209115540',
        authorHandle: 'CityExample',
        authorName: 'City of Example 🏛️',
        text: WATER_PLAN,
        urls: ['https://example.city/water-plan-2026'],
        mentions: ['DeptExample'],
        hashtags: ['WaterPlan'],
        via: 'retweeted',
      }),
      row('2020950830085050375', '2026-02-09T20:00:00.000Z', {
        // An older capture: no edit_history_tweet_ids, no conversation_id; its media details are missing.
        text: 'Flags at half mast today. https://t.co/Flag000001',
        conversationId: null,
        mediaKeys: ['3_2020950704255926272'],
      }),
    ],
    problems: [
      {
        platformId: '2021577459102650375',
        code: 'repost_incomplete',
        message:
          'the reposted post 2021574942520250375 is not in includes.tweets: the repost keeps X\'s shortened "RT" text',
      },
      mediaMissing('2020950830085050375', '3_2020950704255926272'),
    ],
    errors: [
      {
        kind: 'not_found',
        resourceType: 'tweet',
        resourceId: '2021574942520250375',
        detail: 'Could not find tweet with referenced_tweets.id: [2021574942520250375].',
      },
    ],
  },
  {
    fixture: 'lookup-edited-media-not-expanded',
    posts: [visa(2, { media: [VISA_2] }), visa(1, { via: 'edit_history' })],
    problems: [mediaMissing(VISA_CHAIN[0]!, VISA_1.key)],
    errors: [],
  },
  {
    fixture: 'lookup-earlier-version',
    posts: [visa(1, { media: [VISA_1] }), visa(2, { via: 'edit_history' })],
    problems: [mediaMissing(VISA_CHAIN[1]!, VISA_2.key)],
    errors: [],
  },
  {
    fixture: 'search-withheld-poll-place',
    posts: [
      row('2022360116229050375', '2026-02-13T17:20:00.000Z', {
        text: 'On site at the flood barrier this afternoon >> works are on schedule.',
        geo: {
          placeId: '5c6e1f0a2b3d4e5f',
          coordinates: [4.4777, 51.9244],
          place: {
            fullName: 'Rotterdam, Nederland',
            name: 'Rotterdam',
            country: 'Nederland',
            countryCode: 'NL',
            placeType: 'city',
            bbox: [4.3793, 51.8423, 4.6018, 51.9945],
          },
        },
      }),
      row('2022355083064250375', '2026-02-13T17:00:00.000Z', {
        text: 'Which service should open on Saturdays first?',
        poll: {
          id: '2022355082070200321',
          options: [
            { position: 1, label: 'Tax office', votes: 127 },
            { position: 2, label: 'Passport desk', votes: 311 },
            { position: 3, label: 'Both at once', votes: 58 },
          ],
          votingStatus: 'open',
          durationMinutes: 1440,
          endsAt: '2026-02-14T17:00:00.000Z',
        },
      }),
      row('2022351308190650375', '2026-02-13T16:45:00.000Z', {
        text: 'Our statement on the court ruling.',
        withheld: { copyright: false, countryCodes: ['DE', 'FR'], scope: 'tweet' },
      }),
    ],
    problems: [],
    errors: [],
  },
];

describe('normalizeXBody on real response shapes', () => {
  for (const c of cases) {
    it(`${c.fixture}: whole rows, problems and partial errors`, () => {
      const result = normalizeXBody(load(c.fixture));
      const rows = result.posts.map(({ contentSha256, ...rest }) => {
        expect(contentSha256).toMatch(/^[0-9a-f]{64}$/);
        return rest;
      });
      expect(rows).toEqual(c.posts);
      expect(result.problems).toEqual(c.problems);
      expect(result.errors).toEqual(c.errors);
    });
  }

  it('a repost and its original have different content shas; vote counts do not change a sha', () => {
    const posts = normalizeXBody(load('timeline-escapes-reposts-long')).posts;
    const repost = posts.find((p) => p.versionId === '2021116966466490375')!;
    const original = posts.find((p) => p.versionId === '2020983545656250375')!;
    expect(repost.contentSha256).not.toBe(original.contentSha256);
    const body = load('search-withheld-poll-place') as { includes: { polls: { options: { votes: number }[] }[] } };
    const before = normalizeXBody(body).posts[1]!.contentSha256;
    body.includes.polls[0]!.options[0]!.votes += 500;
    const after = normalizeXBody(body).posts[1]!;
    expect(after.poll!.options.find((o) => o.position === 2)!.votes).toBe(811);
    expect(after.contentSha256).toBe(before);
  });

  it('leaves the parsed body untouched (captures keep X escaped text)', () => {
    const body = load('timeline-escapes-reposts-long');
    const copy = structuredClone(body);
    normalizeXBody(body);
    expect(body).toEqual(copy);
    expect(JSON.stringify(body)).toContain('Budget Q&amp;A at 14:00 today: spending &lt; 2% of GDP &gt; target?');
  });
});
