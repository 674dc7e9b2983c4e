// Turns a parsed feed (RSS, RDF, Atom or JSON Feed; see feed-items.ts) into
// normalized posts: one post per item, one version per distinct content.
//
// Identity. An item is known by its guid (Atom and JSON Feed: its id), else
// its link, else a hash of its title and date, all as written. Guids are only
// unique within their feed, so the post's platformId is the first 32 hex of
// sha256(feed URL + "\n" + that key): the same item in two feeds is two posts,
// and the ID has one shape whatever the feed wrote. A change of the item keeps
// its platformId and makes a new version, whose versionId is
// `<platformId>#<first 16 hex of the content sha256>`: a re-read of the same
// content names the same version and writes nothing.
//
// Content. The text is the title, a blank line, then the content
// (content:encoded, Atom content, content_html/content_text) or, without it,
// the summary (description); HTML becomes text with its links (urls) and
// images (media); relative links resolve against xml:base and the document's
// URL. The item's own link is also its permalink (what the post's page links
// to, and what articles that link the release are matched by). The content sha256 covers text, links and media, not dates or authors:
// a feed that only re-stamps an item does not make a version.
//
// Dates. published (pubDate, dc:date, dcterms:issued, date_published) is when
// the post was made, updated (dcterms:modified, Atom updated, date_modified)
// when this version was; a missing, unreadable or absurd date falls back to
// the other, then to the time the feed was read (seenAt). Pure.
import { createHash } from 'node:crypto';
import { isSaneFeedDate, parseFeedDate } from './feed-dates.js';
import { absoluteHttpUrl, decodeLeftoverEntities, htmlToText, type HtmlText } from './feed-html.js';
import { readFeed, type FeedItemFields, type FeedMeta, type FeedText } from './feed-items.js';
import { feedMedia } from './feed-media.js';
import { feedPlatform } from './feed-platform.js';
import type { NormalizedBody, NormalizedPost, NormalizeProblem } from './post-model.js';

/** The platform name of feeds (`feed:<url>`). */
export const FEED_PLATFORM = feedPlatform.name;

export interface FeedContext {
  /** The account's feed URL (normalized, see feed-url.ts): scopes every item's identity. */
  feedUrl: string;
  /** The URL the document was finally read from: relative links resolve against it. */
  documentUrl: string;
  /** When the document was read: the date of items that carry none. */
  seenAt: Date;
}

export interface NormalizedFeed extends NormalizedBody {
  /** The feed's own title as text (the account's display name). */
  title: string | null;
}

export function normalizeFeed(parsed: unknown, ctx: FeedContext): NormalizedFeed {
  const read = readFeed(parsed);
  if (!read) {
    const problem = { code: 'bad_payload' as const, message: 'the document is not a parsed RSS, Atom or JSON feed' };
    return { posts: [], problems: [problem], errors: [], title: null };
  }
  const base = resolveBase(read.meta.base, ctx.documentUrl);
  const out: NormalizedFeed = {
    posts: [],
    problems: [],
    errors: [],
    title: textOf(read.meta.title, base).text || null,
  };
  const seen = new Set<string>();
  read.items.forEach((entry, index) => {
    if (!entry.ok) return out.problems.push({ code: 'bad_payload', message: entry.reason });
    const post = normalizeItem(entry.fields, index, read.meta, { ...ctx, documentUrl: base }, out.problems);
    if (!post) return;
    if (seen.has(post.platformId)) {
      const message = `item ${index + 1} has the same identity as an earlier item of the feed: only the first is archived`;
      return out.problems.push({ platformId: post.platformId, code: 'bad_payload', message });
    }
    seen.add(post.platformId);
    out.posts.push(post);
  });
  return out;
}

/** The feed's own title as text (the account's display name), or null. */
export function feedTitle(parsed: unknown, documentUrl: string): string | null {
  const read = readFeed(parsed);
  return read ? textOf(read.meta.title, resolveBase(read.meta.base, documentUrl)).text || null : null;
}

/** The key an item is known by within its feed, as written; null when it has nothing to be known by. */
export function feedItemKey(fields: Pick<FeedItemFields, 'guid' | 'link' | 'title' | 'published' | 'updated'>) {
  if (fields.guid) return fields.guid;
  if (fields.link) return fields.link;
  const title = fields.title?.value.trim() ?? '';
  const date = fields.published ?? fields.updated ?? '';
  if (!title && !date) return null;
  return `title+date:${sha256(`${title}\n${date}`).slice(0, 32)}`;
}

/** A post's platformId: its key, scoped to its feed. */
export function feedPostId(feedUrl: string, itemKey: string): string {
  return sha256(`${feedUrl}\n${itemKey}`).slice(0, 32);
}

function normalizeItem(
  fields: FeedItemFields,
  index: number,
  meta: FeedMeta,
  ctx: FeedContext,
  problems: NormalizeProblem[],
): NormalizedPost | null {
  const key = feedItemKey(fields);
  if (!key) {
    const message = `item ${index + 1} has no guid, id, link, title or date: it cannot be told from the others`;
    problems.push({ code: 'bad_payload', message });
    return null;
  }
  const platformId = feedPostId(ctx.feedUrl, key);
  const base = resolveBase(fields.base, ctx.documentUrl);
  const content = contentOf(fields, base);
  const media = feedMedia([...fields.media, ...content.images.map((i) => ({ ...i, kind: 'inline' as const }))], base);
  const mediaUrls = new Set(media.map((m) => m.url));
  const permalink = absoluteHttpUrl(fields.link, base) ?? null;
  const urls = unique(
    [fields.link, ...fields.related, fields.contentSrc]
      .map((u) => absoluteHttpUrl(u, base))
      .concat(content.links)
      .filter((u): u is string => !!u && !mediaUrls.has(u)),
  );
  if (!content.text && urls.length === 0 && media.length === 0) {
    problems.push({ platformId, code: 'bad_payload', message: `item ${index + 1} has no title, content or link` });
    return null;
  }
  const contentSha256 = sha256(JSON.stringify([content.text, urls, media.map((m) => [m.url, m.type, m.altText])]));
  const dates = datesOf(fields, ctx.seenAt, platformId, problems);
  return {
    platform: FEED_PLATFORM,
    platformId,
    versionId: `${platformId}#${contentSha256.slice(0, 16)}`,
    editIds: [platformId],
    text: content.text,
    lang: fields.lang ?? meta.lang,
    versionCreatedAt: dates.version,
    createdAt: dates.created,
    authorId: ctx.feedUrl,
    authorHandle: ctx.feedUrl,
    authorName: fields.authors.length ? unique(fields.authors).join(', ') : textOf(meta.title, base).text || null,
    conversationId: null,
    inReplyToUserId: null,
    referencedPosts: [],
    urls,
    permalink,
    mentions: [],
    hashtags: [],
    cashtags: [],
    media,
    mediaKeys: media.map((m) => m.key),
    repostOf: null,
    withheld: null,
    poll: null,
    geo: null,
    via: 'data',
    contentSha256,
  };
}

/** Title, a blank line, then the content (or the summary when there is none), as text. */
function contentOf(fields: FeedItemFields, base: string): HtmlText {
  const title = textOf(fields.title, base).text.replace(/\s*\n\s*/g, ' ');
  const body = textOf(fields.content ?? fields.summary, base);
  // Some feeds open the content with the title again (an <h1>): say it once.
  const text = !title || body.text.startsWith(title) ? body.text : body.text ? `${title}\n\n${body.text}` : title;
  return { ...body, text };
}

function textOf(value: FeedText | null, base: string): HtmlText {
  if (!value) return { text: '', links: [], images: [] };
  if (value.kind === 'html') return htmlToText(value.value, base);
  const text = value.value
    .split(/\r\n?|\n/)
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text: decodeLeftoverEntities(text), links: [], images: [] };
}

function datesOf(fields: FeedItemFields, seenAt: Date, platformId: string, problems: NormalizeProblem[]) {
  const read = (raw: string | null) => {
    const date = parseFeedDate(raw);
    if (raw && (!date || !isSaneFeedDate(date, seenAt))) {
      const message = `the date "${raw.slice(0, 80)}" of item ${platformId} is not a readable date: another one is used`;
      problems.push({ platformId, code: 'bad_payload', message });
      return null;
    }
    return date;
  };
  const published = read(fields.published);
  const updated = read(fields.updated);
  const created = published ?? updated ?? seenAt;
  return { created, version: updated && updated > created ? updated : created };
}

/** xml:base resolved against the document's URL (a bad base is ignored). */
function resolveBase(base: string | null, documentUrl: string): string {
  return absoluteHttpUrl(base, documentUrl) ?? documentUrl;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
