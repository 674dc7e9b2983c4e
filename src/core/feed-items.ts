// What a parsed feed says, read the same way for every format: the parsed
// document (plain data in the shape feedsmith gives for RSS 2.0/0.9x, RSS 1.0
// (RDF), Atom 1.0 and JSON Feed 1.0/1.1) becomes one FeedItemFields per item:
// its identity, links, title, content, dates, authors, language and media.
// Which field wins where a format has several (content:encoded over
// description, published over dc:date, ...) is decided here; nothing is
// trusted to have the documented type. Pure.
import { arr, mediaOf, noMedia, obj, str, text, type FeedMediaRef, type FeedText } from './feed-fields.js';

export type { FeedMediaRef, FeedText } from './feed-fields.js';

export const FEED_FORMATS = ['rss', 'rdf', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface FeedMeta {
  format: FeedFormat;
  title: FeedText | null;
  /** The site the feed belongs to, as written. */
  link: string | null;
  lang: string | null;
  /** xml:base of the document, as written. */
  base: string | null;
  authors: string[];
}

export interface FeedItemFields {
  /** RSS guid, Atom id, JSON Feed id (RSS 1.0: rdf:about). */
  guid: string | null;
  link: string | null;
  /** Other pages the item points to (Atom related/via links, JSON Feed external_url). */
  related: string[];
  title: FeedText | null;
  content: FeedText | null;
  /** Atom content given by reference (content src): a link, no text. */
  contentSrc: string | null;
  summary: FeedText | null;
  published: string | null;
  updated: string | null;
  authors: string[];
  lang: string | null;
  base: string | null;
  media: FeedMediaRef[];
}

export interface ReadFeed {
  meta: FeedMeta;
  /** Each item's fields, or why it could not be read (the item's position in the feed). */
  items: ({ ok: true; fields: FeedItemFields } | { ok: false; index: number; reason: string })[];
}

/** The parsed document `{ format, feed }` read into one shape; null when it is not one of the formats. */
export function readFeed(parsed: unknown): ReadFeed | null {
  const doc = obj(parsed);
  const format = FEED_FORMATS.find((f) => f === doc?.format);
  const feed = obj(doc?.feed);
  if (!format || !feed) return null;
  const meta = (format === 'json' ? jsonMeta : format === 'atom' ? atomMeta : rssMeta)(feed, format);
  const read = format === 'json' ? jsonItem : format === 'atom' ? atomItem : rssItem;
  const raw = arr(format === 'atom' ? feed.entries : feed.items);
  return {
    meta,
    items: raw.map((item, index) => {
      const fields = obj(item) ? read(obj(item)!, meta) : null;
      return fields ? { ok: true, fields } : { ok: false, index, reason: `item ${index + 1} is not an object` };
    }),
  };
}

type Data = Record<string, unknown>;

const first = (value: unknown): string | null => str(arr(value)[0]);
const names = (people: unknown): string[] =>
  arr(people).flatMap((p) => {
    const person = obj(p);
    const name = typeof p === 'string' ? str(p) : (str(person?.name) ?? str(person?.email));
    return name ? [name] : [];
  });

function rssMeta(feed: Data, format: FeedFormat): FeedMeta {
  const dc = obj(feed.dc);
  const editor = obj(feed.managingEditor);
  const authors = [...names(dc?.creators), ...(str(editor?.name) ? [str(editor?.name)!] : [])];
  return {
    format,
    title: text(feed.title, 'html'),
    link: str(feed.link),
    lang: str(feed.language) ?? first(dc?.languages) ?? str(obj(feed.xml)?.lang),
    base: str(obj(feed.xml)?.base),
    authors: authors.length ? authors : names(dc?.publishers),
  };
}

function rssItem(item: Data, meta: FeedMeta): FeedItemFields {
  const dc = obj(item.dc);
  const dcterms = obj(item.dcterms);
  const atom = obj(item.atom);
  const guid = obj(item.guid);
  const authors = [...names(item.authors), ...names(dc?.creators), ...names(atom?.authors)];
  const guidValue = str(guid?.value) ?? str(item.guid) ?? str(obj(item.rdf)?.about);
  // A guid is a permalink unless it says otherwise (RSS 2.0): the link of an item that has none.
  const guidLink = guid?.isPermaLink !== false && guidValue && /^https?:\/\//i.test(guidValue) ? guidValue : null;
  return {
    guid: guidValue,
    link: str(item.link) ?? guidLink ?? alternateLink(atom?.links),
    related: [],
    title: text(item.title, 'html') ?? text(first(dc?.titles), 'html'),
    content: text(obj(item.content)?.encoded, 'html'),
    contentSrc: null,
    summary: text(item.description, 'html') ?? text(first(dc?.descriptions), 'html'),
    published:
      str(item.pubDate) ??
      first(dc?.dates) ??
      first(dcterms?.issued) ??
      first(dcterms?.created) ??
      str(atom?.published),
    updated: first(dcterms?.modified) ?? str(atom?.updated),
    authors: authors.length ? authors : meta.authors,
    lang: str(obj(item.xml)?.lang) ?? first(dc?.languages),
    base: str(obj(item.xml)?.base),
    media: mediaOf(item),
  };
}

function atomMeta(feed: Data, format: FeedFormat): FeedMeta {
  return {
    format,
    title: atomText(feed.title),
    link: alternateLink(feed.links),
    lang: str(obj(feed.xml)?.lang),
    base: str(obj(feed.xml)?.base),
    authors: names(feed.authors),
  };
}

function atomItem(entry: Data, meta: FeedMeta): FeedItemFields {
  const links = arr(entry.links).flatMap((l) => (obj(l) ? [obj(l)!] : []));
  const content = obj(entry.content);
  const contentType = str(content?.type)?.toLowerCase() ?? 'text';
  const isTextual = ['text', 'html', 'xhtml'].includes(contentType) || /^text\/|\+xml$|\/xml$/.test(contentType);
  const dc = obj(entry.dc);
  return {
    guid: str(entry.id),
    link: alternateLink(links),
    related: links.filter((l) => ['related', 'via'].includes(str(l.rel) ?? '')).flatMap((l) => str(l.href) ?? []),
    title: atomText(entry.title),
    content: isTextual && !str(content?.src) ? atomText(content) : null,
    contentSrc: str(content?.src),
    summary: atomText(entry.summary),
    published: str(entry.published) ?? first(dc?.dates),
    updated: str(entry.updated),
    authors: names(entry.authors).length ? names(entry.authors) : meta.authors,
    lang: str(obj(entry.xml)?.lang),
    base: str(obj(entry.xml)?.base),
    media: [...enclosureLinks(links), ...mediaOf(entry)],
  };
}

/** Atom text constructs: `text` (the default) is plain; `html` and `xhtml` are markup. */
function atomText(value: unknown): FeedText | null {
  const construct = obj(value);
  const type = str(construct?.type)?.toLowerCase() ?? 'text';
  return text(
    construct ? construct.value : value,
    type === 'html' || type === 'xhtml' || type === 'text/html' ? 'html' : 'text',
  );
}

/** Atom's alternate link: rel="alternate" or no rel, an HTML one first. */
function alternateLink(value: unknown): string | null {
  const links = arr(value).flatMap((l) => (obj(l) ? [obj(l)!] : []));
  const alternates = links.filter((l) => (str(l.rel) ?? 'alternate') === 'alternate' && str(l.href));
  const html = alternates.find((l) => /html/i.test(str(l.type) ?? 'text/html'));
  return str((html ?? alternates[0])?.href);
}

function enclosureLinks(links: Data[]): FeedMediaRef[] {
  return links
    .filter((l) => str(l.rel) === 'enclosure' && str(l.href))
    .map((l) => ({ ...noMedia(str(l.href)!), mimeType: str(l.type), altText: str(l.title) }));
}

function jsonMeta(feed: Data, format: FeedFormat): FeedMeta {
  const author = obj(feed.author);
  return {
    format,
    title: text(feed.title, 'text'),
    link: str(feed.home_page_url),
    lang: str(feed.language),
    base: null,
    authors: names(feed.authors).length ? names(feed.authors) : str(author?.name) ? [str(author?.name)!] : [],
  };
}

function jsonItem(item: Data, meta: FeedMeta): FeedItemFields {
  const id = typeof item.id === 'number' ? String(item.id) : str(item.id);
  const images = [str(item.image), str(item.banner_image)].flatMap((url) => (url ? [url] : []));
  return {
    guid: id,
    link: str(item.url),
    related: str(item.external_url) ? [str(item.external_url)!] : [],
    title: text(item.title, 'text'),
    content: text(item.content_html, 'html') ?? text(item.content_text, 'text'),
    contentSrc: null,
    summary: text(item.summary, 'text'),
    published: str(item.date_published),
    updated: str(item.date_modified),
    authors: names(item.authors).length ? names(item.authors) : meta.authors,
    lang: str(item.language),
    base: null,
    media: [
      ...arr(item.attachments).flatMap((a) => {
        const at = obj(a);
        const url = str(at?.url);
        if (!url) return [];
        const duration = typeof at?.duration_in_seconds === 'number' ? at.duration_in_seconds : null;
        return [{ ...noMedia(url), mimeType: str(at?.mime_type), altText: str(at?.title), durationSeconds: duration }];
      }),
      ...images.map((url) => ({ ...noMedia(url), medium: 'image' })),
    ],
  };
}
