// The feed normalizer over RSS 2.0, RSS 1.0, Atom and JSON Feed documents
// with the quirks real feeds have: CDATA, content:encoded, entities escaped
// twice, missing guids, isPermaLink="false", relative links and xml:base,
// RFC 822 dates with named zones, items without dates, duplicate guids,
// broken items. Documents are parsed as the adapter parses them (feedsmith).
import { describe, expect, it } from 'vitest';
import { parseFeedDocument } from '../../../src/adapters/feed/feed-parse.js';
import { feedPostId, feedTitle, normalizeFeed, type NormalizedFeed } from '../../../src/core/feed-normalize.js';
import type { NormalizedPost } from '../../../src/core/post-model.js';

const FEED = 'https://coast.nordvale.example/press/feed.xml';
const SEEN_AT = new Date('2026-03-21T12:00:00Z');

function normalize(body: string, feedUrl = FEED, documentUrl = feedUrl): NormalizedFeed {
  const parsed = parseFeedDocument({
    source: 'feed:items',
    requestUrl: documentUrl,
    httpStatus: 200,
    contentType: null,
    body,
  });
  return normalizeFeed(parsed, { feedUrl, documentUrl, seenAt: SEEN_AT });
}

const rss = (items: string, channel = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"` +
  ` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">` +
  `<channel><title>Coastal Affairs</title><link>https://coast.nordvale.example/</link><description>d</description>` +
  `${channel}${items}</channel></rss>`;
const atom = (entries: string, attrs = '') =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"${attrs}><id>urn:f</id>` +
  `<title>Coastal Affairs</title><updated>2026-03-01T00:00:00Z</updated>${entries}</feed>`;
const json = (items: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Coastal Affairs', ...extra, items });

type Pick = Partial<Record<keyof NormalizedPost, unknown>>;
const pick = (post: NormalizedPost | undefined, keys: (keyof NormalizedPost)[]): Pick =>
  Object.fromEntries(keys.map((k) => [k, post?.[k]]));

describe('items as their readers see them', () => {
  it.each<[string, string, Pick]>([
    [
      'RSS: CDATA title with markup, content:encoded over description, RFC 822 date with a named zone',
      rss(
        `<item><title><![CDATA[Harbour <em>dredging</em> & repairs]]></title>` +
          `<link>https://coast.nordvale.example/news/1</link><guid>urn:press:1</guid>` +
          `<description>Short summary.</description>` +
          `<content:encoded><![CDATA[<p>The work starts <b>Monday</b>.</p><p>Line one<br>line two</p>]]></content:encoded>` +
          `<pubDate>Tue, 03 Mar 2026 09:00:00 EST</pubDate><dc:creator>Press Office</dc:creator></item>`,
      ),
      {
        platformId: feedPostId(FEED, 'urn:press:1'),
        text: 'Harbour dredging & repairs\n\nThe work starts Monday.\n\nLine one\nline two',
        createdAt: new Date('2026-03-03T14:00:00Z'),
        urls: ['https://coast.nordvale.example/news/1'],
        permalink: 'https://coast.nordvale.example/news/1',
        authorName: 'Press Office',
      },
    ],
    [
      'RSS: entities escaped twice in title and description',
      rss(
        `<item><title>Fish &amp;amp; chips stall licences</title><guid>urn:press:2</guid>` +
          `<description>&lt;p&gt;Caf&amp;amp;eacute; owners &amp;amp;amp; stallholders&lt;/p&gt;</description></item>`,
      ),
      { text: 'Fish & chips stall licences\n\nCafé owners & stallholders' },
    ],
    [
      'RSS: no guid, so the link is the identity; relative link resolved against the feed',
      rss(
        `<item><title>Pier closed</title><link>/news/pier</link><pubDate>Mon, 02 Mar 2026 08:00:00 +0100</pubDate></item>`,
      ),
      {
        platformId: feedPostId(FEED, '/news/pier'),
        urls: ['https://coast.nordvale.example/news/pier'],
        permalink: 'https://coast.nordvale.example/news/pier',
        createdAt: new Date('2026-03-02T07:00:00Z'),
      },
    ],
    [
      'RSS: isPermaLink="false" guid is the identity but not a link',
      rss(
        `<item><title>Quota consultation</title><guid isPermaLink="false">https://cms.internal/42</guid>` +
          `<link>https://coast.nordvale.example/news/42</link></item>`,
      ),
      {
        platformId: feedPostId(FEED, 'https://cms.internal/42'),
        urls: ['https://coast.nordvale.example/news/42'],
        permalink: 'https://coast.nordvale.example/news/42',
      },
    ],
    [
      'RSS: a permalink guid without <link> is the link',
      rss(`<item><title>Grants awarded</title><guid>https://coast.nordvale.example/news/7</guid></item>`),
      { urls: ['https://coast.nordvale.example/news/7'], permalink: 'https://coast.nordvale.example/news/7' },
    ],
    [
      "RSS: an item without a date takes the time the feed was read; without an author, the channel's",
      rss(
        `<item><title>Undated notice</title><guid>urn:press:9</guid></item>`,
        '<dc:creator>Harbour Press Desk</dc:creator>',
      ),
      { createdAt: SEEN_AT, versionCreatedAt: SEEN_AT, authorName: 'Harbour Press Desk' },
    ],
    [
      'RSS: channel language; enclosure and media:content of one file are one media with both details',
      rss(
        `<item><title>Photo call</title><guid>urn:press:5</guid>` +
          `<enclosure url="/media/5.jpg" length="1200" type="image/jpeg"/>` +
          `<media:content url="https://coast.nordvale.example/media/5.jpg" width="800" height="600">` +
          `<media:description>The minister at the pier</media:description></media:content>` +
          `<enclosure url="/media/5.pdf" length="99" type="application/pdf"/></item>`,
        '<language>en-GB</language>',
      ),
      {
        lang: 'en-GB',
        mediaKeys: ['https://coast.nordvale.example/media/5.jpg', 'https://coast.nordvale.example/media/5.pdf'],
        media: [
          {
            key: 'https://coast.nordvale.example/media/5.jpg',
            type: 'photo',
            url: 'https://coast.nordvale.example/media/5.jpg',
            previewUrl: null,
            altText: 'The minister at the pier',
            width: 800,
            height: 600,
            durationMs: null,
            variants: [{ contentType: 'image/jpeg', url: 'https://coast.nordvale.example/media/5.jpg', bitRate: null }],
          },
          {
            key: 'https://coast.nordvale.example/media/5.pdf',
            type: 'file',
            url: 'https://coast.nordvale.example/media/5.pdf',
            previewUrl: null,
            altText: null,
            width: null,
            height: null,
            durationMs: null,
            variants: [
              { contentType: 'application/pdf', url: 'https://coast.nordvale.example/media/5.pdf', bitRate: null },
            ],
          },
        ],
      },
    ],
    [
      'RSS 1.0 (RDF): rdf:about is the identity, dc:date the date',
      `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"` +
        ` xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="${FEED}"><title>Coastal Affairs</title>` +
        `<link>https://coast.nordvale.example/</link><description>d</description></channel>` +
        `<item rdf:about="https://coast.nordvale.example/news/3"><title>Barrier test</title>` +
        `<link>https://coast.nordvale.example/news/3</link><description>Test &lt;b&gt;ok&lt;/b&gt;</description>` +
        `<dc:date>2026-03-04T10:00:00+01:00</dc:date></item></rdf:RDF>`,
      {
        platformId: feedPostId(FEED, 'https://coast.nordvale.example/news/3'),
        text: 'Barrier test\n\nTest ok',
        createdAt: new Date('2026-03-04T09:00:00Z'),
      },
    ],
    [
      'Atom: xml:base and xml:lang, html title, xhtml content, published and updated',
      atom(
        `<entry xml:base="https://coast.nordvale.example/news/"><id>tag:nordvale.example,2026:press-11</id>` +
          `<title type="html">Ferry &lt;em&gt;timetable&lt;/em&gt;</title>` +
          `<link rel="alternate" type="text/html" href="11-ferry"/>` +
          `<published>2026-03-05T09:00:00Z</published><updated>2026-03-06T10:30:00+01:00</updated>` +
          `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>See <a href="../timetables/winter">the timetable</a>.</p></div></content>` +
          `<author><name>Harbour Desk</name></author></entry>`,
        ' xml:lang="da"',
      ),
      {
        text: 'Ferry timetable\n\nSee the timetable.',
        urls: ['https://coast.nordvale.example/news/11-ferry', 'https://coast.nordvale.example/timetables/winter'],
        lang: 'da',
        createdAt: new Date('2026-03-05T09:00:00Z'),
        versionCreatedAt: new Date('2026-03-06T09:30:00Z'),
        authorName: 'Harbour Desk',
      },
    ],
    [
      'Atom: a text title keeps its angle brackets; content by reference is a link',
      atom(
        `<entry><id>urn:e:12</id><title type="text">Levels &lt; 2 m &amp; falling</title><updated>2026-03-07T00:00:00Z</updated>` +
          `<content type="application/pdf" src="/docs/12.pdf"/></entry>`,
      ),
      // Linked content is not the entry's own page: the entry has no permalink.
      { text: 'Levels < 2 m & falling', urls: ['https://coast.nordvale.example/docs/12.pdf'], permalink: null },
    ],
    [
      'JSON Feed: numeric id, content_text only, attachments, a 1.0 author',
      json(
        [
          {
            id: 17,
            url: 'https://coast.nordvale.example/news/17',
            title: 'Beach water results',
            content_text: 'All beaches passed.\n\n\n\nDetails follow.',
            date_published: '2026-03-08T07:00:00-05:00',
            attachments: [{ url: '/audio/17.mp3', mime_type: 'audio/mpeg', duration_in_seconds: 61.5 }],
          },
        ],
        { author: { name: 'Coastal Press' }, version: 'https://jsonfeed.org/version/1', language: 'en' },
      ),
      {
        platformId: feedPostId(FEED, '17'),
        text: 'Beach water results\n\nAll beaches passed.\n\nDetails follow.',
        createdAt: new Date('2026-03-08T12:00:00Z'),
        authorName: 'Coastal Press',
        lang: 'en',
        media: [
          {
            key: 'https://coast.nordvale.example/audio/17.mp3',
            type: 'audio',
            url: 'https://coast.nordvale.example/audio/17.mp3',
            previewUrl: null,
            altText: null,
            width: null,
            height: null,
            durationMs: 61_500,
            variants: [
              { contentType: 'audio/mpeg', url: 'https://coast.nordvale.example/audio/17.mp3', bitRate: null },
            ],
          },
        ],
      },
    ],
    [
      'JSON Feed: content that opens with the title says it once; inline images are media',
      json([
        {
          id: 'p-18',
          title: 'Storm update',
          content_html: '<h1>Storm update</h1><p>Roads reopen.</p><img src="/m/18.jpg" alt="Cleared road">',
        },
      ]),
      { text: 'Storm update\n\nRoads reopen.', mediaKeys: ['https://coast.nordvale.example/m/18.jpg'] },
    ],
  ])('%s', (_, body, expected) => {
    const out = normalize(body);
    expect(out.problems).toEqual([]);
    expect(out.posts).toHaveLength(1);
    expect(pick(out.posts[0], Object.keys(expected) as (keyof NormalizedPost)[])).toEqual(expected);
  });
});

describe('identity and versions', () => {
  const item = (title: string, extra = '') =>
    rss(
      `<item><title>${title}</title><guid>urn:press:1</guid>${extra}<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate></item>`,
    );

  it('the same content is the same version; a change is a new version of the same post', () => {
    const [a] = normalize(item('Original')).posts;
    const [again] = normalize(item('Original')).posts;
    const [changed] = normalize(item('Corrected')).posts;
    const [restamped] = normalize(item('Original', '<dc:date>2026-03-04T00:00:00Z</dc:date>')).posts;
    expect(again).toEqual(a);
    expect(changed!.platformId).toBe(a!.platformId);
    expect(changed!.versionId).not.toBe(a!.versionId);
    expect(a!.versionId).toBe(`${a!.platformId}#${a!.contentSha256.slice(0, 16)}`);
    expect(restamped!.versionId).toBe(a!.versionId); // dates are not content
  });

  it('one guid in two feeds is two posts', () => {
    const [a] = normalize(item('Same')).posts;
    const [b] = normalize(item('Same'), 'https://ports.nordvale.example/rss').posts;
    expect(a!.platformId).not.toBe(b!.platformId);
    expect(b!.authorId).toBe('https://ports.nordvale.example/rss');
  });

  it('an item with neither guid nor link is known by its title and date', () => {
    const doc = rss('<item><title>Notice</title><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate></item>');
    const [first] = normalize(doc).posts;
    expect(normalize(doc).posts[0]!.platformId).toBe(first!.platformId);
    expect(first!.platformId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('problems, never a crash', () => {
  it('reports what cannot be archived and keeps the rest', () => {
    const out = normalize(
      rss(
        `<item><title>Kept</title><guid>urn:a</guid><pubDate>not a date</pubDate></item>` +
          `<item><title>Duplicate</title><guid>urn:a</guid></item>` +
          `<item><description>Only a description</description></item>` +
          `<item><guid>urn:empty</guid></item>` +
          `<item><title>Far future</title><guid>urn:b</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>`,
      ),
    );
    const a = feedPostId(FEED, 'urn:a');
    const b = feedPostId(FEED, 'urn:b');
    expect(out.posts.map((p) => [p.text, p.createdAt])).toEqual([
      ['Kept', SEEN_AT],
      ['Far future', SEEN_AT],
    ]);
    expect(out.problems).toEqual([
      {
        platformId: a,
        code: 'bad_payload',
        message: `the date "not a date" of item ${a} is not a readable date: another one is used`,
      },
      {
        platformId: a,
        code: 'bad_payload',
        message: 'item 2 has the same identity as an earlier item of the feed: only the first is archived',
      },
      {
        code: 'bad_payload',
        message: 'item 3 has no guid, id, link, title or date: it cannot be told from the others',
      },
      {
        platformId: feedPostId(FEED, 'urn:empty'),
        code: 'bad_payload',
        message: 'item 4 has no title, content or link',
      },
      {
        platformId: b,
        code: 'bad_payload',
        message: `the date "Fri, 01 Jan 2100 00:00:00 GMT" of item ${b} is not a readable date: another one is used`,
      },
    ]);
  });

  it.each([
    ['not an object', 'nonsense'],
    ['an unknown format', { format: 'opml', feed: {} }],
    ['items that are not objects', { format: 'json', feed: { title: 't', items: ['x', 3, null] } }],
  ])('%s', (_, parsed) => {
    const out = normalizeFeed(parsed, { feedUrl: FEED, documentUrl: FEED, seenAt: SEEN_AT });
    expect(out.posts).toEqual([]);
    expect(out.problems.length).toBeGreaterThan(0);
    expect(out.problems.every((p) => p.code === 'bad_payload')).toBe(true);
  });

  it('takes the feed title as text', () => {
    const parsed = parseFeedDocument({
      source: 'feed:account',
      requestUrl: FEED,
      httpStatus: 200,
      contentType: null,
      body: rss('').replace('<title>Coastal Affairs</title>', '<title>Coast &amp;amp; Ports</title>'),
    });
    expect(feedTitle(parsed, FEED)).toBe('Coast & Ports');
  });
});
