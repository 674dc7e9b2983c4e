// The documents a press office's feed server sends, rendered from the fake's
// state in each format as the specifications (and the usual CMS output) write
// them: RSS 2.0 with content:encoded, dc:creator, enclosures and Media RSS;
// RSS 1.0 (RDF) with dc:date; Atom 1.0 with xml:lang, html content and
// enclosure links; JSON Feed 1.1 with content_html, attachments and authors.

export const FEED_FORMATS = ['rss', 'rdf', 'atom', 'json'] as const;
export type FakeFeedFormat = (typeof FEED_FORMATS)[number];

export interface FakeEnclosure {
  url: string;
  type: string;
  length?: number;
  /** Media RSS description / JSON Feed attachment title / Atom link title. */
  title?: string;
}

export interface FakeFeedItem {
  /** The guid (RSS), id (Atom, JSON Feed) or rdf:about (RDF). */
  id: string;
  title: string;
  /** The item's content, as HTML. */
  html: string;
  /** A short plain-text summary (RSS description, Atom summary, JSON Feed summary). */
  summary?: string;
  /** The item's page; may be relative (resolved against the feed URL by readers). */
  link?: string;
  publishedAt?: string;
  updatedAt?: string;
  author?: string;
  /** RSS only: isPermaLink="false" on the guid. */
  guidIsPermaLink?: boolean;
  /** RSS and Atom: leave the guid/id out (readers fall back to the link). */
  omitId?: boolean;
  enclosures?: FakeEnclosure[];
}

export interface FakeFeedDocument {
  format: FakeFeedFormat;
  title: string;
  /** The site the feed belongs to. */
  homeUrl: string;
  /** The feed's own URL (atom:link rel=self, feed_url). */
  selfUrl: string;
  lang: string;
  /** Newest first, as feeds list them. */
  items: FakeFeedItem[];
}

export const CONTENT_TYPES: Record<FakeFeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  rdf: 'application/rdf+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export function renderFeed(doc: FakeFeedDocument): string {
  if (doc.format === 'json') return renderJson(doc);
  if (doc.format === 'atom') return renderAtom(doc);
  return doc.format === 'rdf' ? renderRdf(doc) : renderRss(doc);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** CDATA, with `]]>` split across two sections as writers must. */
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const rfc822 = (iso: string) => new Date(iso).toUTCString();

function renderRss(doc: FakeFeedDocument): string {
  const items = doc.items.map((item) => {
    const guid = item.omitId
      ? ''
      : `<guid${item.guidIsPermaLink === false ? ' isPermaLink="false"' : ''}>${esc(item.id)}</guid>`;
    const media = (item.enclosures ?? []).map(
      (e) =>
        `<enclosure url="${esc(e.url)}" length="${e.length ?? 0}" type="${esc(e.type)}"/>` +
        (e.title
          ? `<media:content url="${esc(e.url)}" type="${esc(e.type)}"><media:description>${esc(e.title)}</media:description></media:content>`
          : ''),
    );
    return [
      '<item>',
      `<title>${esc(item.title)}</title>`,
      item.link ? `<link>${esc(item.link)}</link>` : '',
      `<description>${esc(item.summary ?? item.html)}</description>`,
      `<content:encoded>${cdata(item.html)}</content:encoded>`,
      guid,
      item.publishedAt ? `<pubDate>${rfc822(item.publishedAt)}</pubDate>` : '',
      item.author ? `<dc:creator>${esc(item.author)}</dc:creator>` : '',
      ...media,
      '</item>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"',
    ' xmlns:atom="http://www.w3.org/2005/Atom">',
    `<channel><title>${esc(doc.title)}</title><link>${esc(doc.homeUrl)}</link>`,
    `<description>Press releases of ${esc(doc.title)}</description><language>${esc(doc.lang)}</language>`,
    `<atom:link href="${esc(doc.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    ...items.map((i) => `\n${i}`),
    '\n</channel></rss>\n',
  ].join('');
}

function renderRdf(doc: FakeFeedDocument): string {
  const seq = doc.items.map((i) => `<rdf:li rdf:resource="${esc(i.link ?? i.id)}"/>`).join('');
  const items = doc.items.map((item) =>
    [
      `<item rdf:about="${esc(item.link ?? item.id)}">`,
      `<title>${esc(item.title)}</title><link>${esc(item.link ?? item.id)}</link>`,
      `<description>${esc(item.html)}</description>`,
      item.publishedAt ? `<dc:date>${item.publishedAt}</dc:date>` : '',
      item.author ? `<dc:creator>${esc(item.author)}</dc:creator>` : '',
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
    `<channel rdf:about="${esc(doc.selfUrl)}"><title>${esc(doc.title)}</title><link>${esc(doc.homeUrl)}</link>`,
    `<description>Press releases</description><dc:language>${esc(doc.lang)}</dc:language>`,
    `<items><rdf:Seq>${seq}</rdf:Seq></items></channel>`,
    ...items.map((i) => `\n${i}`),
    '\n</rdf:RDF>\n',
  ].join('');
}

function renderAtom(doc: FakeFeedDocument): string {
  const newest =
    doc.items
      .map((i) => i.updatedAt ?? i.publishedAt ?? '')
      .sort()
      .at(-1) || '2026-01-01T00:00:00Z';
  const entries = doc.items.map((item) =>
    [
      '<entry>',
      item.omitId ? '' : `<id>${esc(item.id)}</id>`,
      `<title type="text">${esc(item.title)}</title>`,
      item.link ? `<link rel="alternate" type="text/html" href="${esc(item.link)}"/>` : '',
      item.publishedAt ? `<published>${item.publishedAt}</published>` : '',
      `<updated>${item.updatedAt ?? item.publishedAt ?? newest}</updated>`,
      item.author ? `<author><name>${esc(item.author)}</name></author>` : '',
      item.summary ? `<summary type="text">${esc(item.summary)}</summary>` : '',
      `<content type="html">${esc(item.html)}</content>`,
      ...(item.enclosures ?? []).map(
        (e) =>
          `<link rel="enclosure" href="${esc(e.url)}" type="${esc(e.type)}"` +
          `${e.length ? ` length="${e.length}"` : ''}${e.title ? ` title="${esc(e.title)}"` : ''}/>`,
      ),
      '</entry>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${esc(doc.lang)}">`,
    `<id>${esc(doc.selfUrl)}</id><title>${esc(doc.title)}</title><updated>${newest}</updated>`,
    `<link rel="self" href="${esc(doc.selfUrl)}"/><link rel="alternate" href="${esc(doc.homeUrl)}"/>`,
    ...entries.map((e) => `\n${e}`),
    '\n</feed>\n',
  ].join('');
}

function renderJson(doc: FakeFeedDocument): string {
  const items = doc.items.map((item) => ({
    id: item.id,
    ...(item.link ? { url: item.link } : {}),
    title: item.title,
    content_html: item.html,
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item.publishedAt ? { date_published: item.publishedAt } : {}),
    ...(item.updatedAt ? { date_modified: item.updatedAt } : {}),
    ...(item.author ? { authors: [{ name: item.author }] } : {}),
    ...(item.enclosures?.length
      ? {
          attachments: item.enclosures.map((e) => ({
            url: e.url,
            mime_type: e.type,
            ...(e.title ? { title: e.title } : {}),
            ...(e.length ? { size_in_bytes: e.length } : {}),
          })),
        }
      : {}),
  }));
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: doc.homeUrl,
    feed_url: doc.selfUrl,
    language: doc.lang,
    items,
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
