// Turns a news page (HTML or plain text) into what linking needs: the body
// text with its block breaks, title, canonical URL, publication time, and the
// embedded posts, embedded frames and links. Embeds are read from the original DOM, before
// Readability cleans the page (it drops or flattens them). Never throws on
// broken markup: jsdom's parser recovers like a browser.
import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import type { ArticleContent, EmbedMarkup } from '../../core/article-detect.js';
import { jsonLdArticle, metaPublishedAt, parseTime } from './page-metadata.js';
import { hrefsOf, htmlToText, markupDepth } from './html-fallback.js';

/** Deeper pages skip Readability (its cost grows steeply with depth). */
const MAX_READABILITY_DEPTH = 120;
/**
 * Pages with more elements skip Readability too: its cost grows faster than
 * the page (15,000 elements take it about 20 s), and the body is read whole.
 */
const MAX_READABILITY_ELEMENTS = 8000;
/** Deeper pages are not given to the DOM parser at all: read as text, links kept. */
const MAX_DOM_DEPTH = 600;

export interface ExtractedArticle extends ArticleContent {
  title?: string;
  canonicalUrl?: string;
  publishedAt?: Date;
  byline?: string;
  siteName?: string;
}

const BLOCK_TAGS = new Set(
  'ADDRESS ARTICLE ASIDE BLOCKQUOTE DD DIV DL DT FIELDSET FIGCAPTION FIGURE FOOTER FORM H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN NAV OL P PRE SECTION TABLE TBODY TD TH THEAD TR UL'.split(
    ' ',
  ),
);
const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'SVG', 'HEAD']);
const EMBED_SELECTOR = [
  'blockquote.twitter-tweet, blockquote.twitter-video, blockquote[class*="twitter-tweet"]',
  'blockquote.bluesky-embed',
].join(', ');
/** Embedded frames and the placeholders scripts turn into frames (Mastodon's `blockquote.mastodon-embed`). */
const FRAME_SELECTOR = 'iframe[src], [data-embed-url]';
/** Frames read per page: more is not an article. */
const MAX_FRAMES = 200;

/** True when the input is markup rather than plain text. */
export function looksLikeHtml(body: string): boolean {
  return /<(?:!doctype\s+html|html|head|body|article|p|div|blockquote|main)[\s>]/i.test(body.slice(0, 4096));
}

/** Text of a subtree with a blank line between blocks and a newline for <br> (iterative: no depth limit). */
export function blockText(root: Node): string {
  const parts: string[] = [];
  const stack: (Node | string)[] = [root];
  const inPre = new Set<Node>();
  while (stack.length) {
    const node = stack.pop()!;
    if (typeof node === 'string') {
      parts.push(node);
      continue;
    }
    const pre = inPre.has(node);
    if (node.nodeType === 3) {
      const value = node.nodeValue ?? '';
      parts.push(pre ? value : value.replace(/\s+/g, ' '));
      continue;
    }
    if (node.nodeType !== 1 && node.nodeType !== 11 && node.nodeType !== 9) continue;
    const tag = (node as Element).tagName?.toUpperCase() ?? '';
    if (SKIPPED_TAGS.has(tag)) continue;
    if (tag === 'BR') {
      parts.push('\n');
      continue;
    }
    const isBlock = BLOCK_TAGS.has(tag);
    if (isBlock) parts.push('\n\n');
    if (isBlock) stack.push('\n\n');
    const children = [...node.childNodes];
    if (pre || tag === 'PRE') children.forEach((c) => inPre.add(c));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return tidy(parts.join(''));
}

/**
 * Spaces and tabs around line breaks removed, runs of two or more collapsed to
 * one space, at most one blank line in a row. Line by line, so that every pass
 * is linear: a pattern like `[ \t]*\n` retried at each space of a long run
 * without a line break is quadratic.
 */
export function tidy(text: string): string {
  const lines = text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map(tidyLine);
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function tidyLine(line: string): string {
  const collapsed = line.replace(/[ \t]{2,}/g, ' ');
  const start = collapsed.startsWith(' ') || collapsed.startsWith('\t') ? 1 : 0;
  const end = collapsed.length - (collapsed.endsWith(' ') || collapsed.endsWith('\t') ? 1 : 0);
  return start < end ? collapsed.slice(start, end) : '';
}

function findEmbeds(doc: Document): EmbedMarkup[] {
  return [...doc.querySelectorAll(EMBED_SELECTOR)].map((bq) => {
    const paragraph = bq.querySelector('p');
    const text = paragraph ? blockText(paragraph) : '';
    const clone = bq.cloneNode(true) as Element;
    clone.querySelector('p')?.remove();
    const statusLinks = [...bq.querySelectorAll('a[href]')].filter((a) =>
      /\/status(?:es)?\/\d/.test(a.getAttribute('href')!),
    );
    const statusUrl = statusLinks.at(-1)?.getAttribute('href') ?? undefined;
    const embed: EmbedMarkup = {
      text,
      attribution: blockText(clone).replace(/\s+/g, ' '),
      className: bq.getAttribute('class') ?? '',
      data: dataAttributes(bq),
      links: [...bq.querySelectorAll('a[href]')].map((a) => absolute(a.getAttribute('href')!, doc)),
    };
    return statusUrl ? { ...embed, statusUrl: absolute(statusUrl, doc) } : embed;
  });
}

function dataAttributes(element: Element): Record<string, string> {
  const data: Record<string, string> = {};
  for (const { name, value } of element.attributes) if (name.startsWith('data-')) data[name.slice(5)] = value;
  return data;
}

function absolute(href: string, doc: Document): string {
  try {
    return new URL(href, doc.baseURI).toString();
  } catch {
    return href;
  }
}

/** The address each embedded frame shows (a placeholder's `data-embed-url`, else the iframe's `src`). */
function findEmbedUrls(doc: Document): string[] {
  return [...doc.querySelectorAll(FRAME_SELECTOR)].slice(0, MAX_FRAMES).flatMap((el) => {
    const url = el.getAttribute('data-embed-url')?.trim() || el.getAttribute('src')?.trim();
    return url ? [absolute(url, doc)] : [];
  });
}

function findLinks(doc: Document): { href: string; text: string }[] {
  return [...doc.querySelectorAll('a[href]')]
    .filter((a) => !a.closest(EMBED_SELECTOR))
    .map((a) => ({ href: absolute(a.getAttribute('href')!, doc), text: (a.textContent ?? '').trim() }));
}

function metaContent(doc: Document, selector: string): string | undefined {
  const value =
    doc.querySelector(selector)?.getAttribute('content') ?? doc.querySelector(selector)?.getAttribute('href');
  return value?.trim() || undefined;
}

/**
 * Readability over the page itself (it rewrites the DOM, so everything else is
 * read first): cloning a large page costs more than parsing it again in the
 * rare case Readability finds no article.
 */
interface ReadBody {
  text: string;
  title?: string;
  byline?: string;
  siteName?: string;
  publishedTime?: string;
}

function readBody(doc: Document, html: string): ReadBody {
  let parsed: ReturnType<Readability<string>['parse']> = null;
  try {
    parsed = new Readability(doc, { keepClasses: false }).parse();
  } catch {
    parsed = null;
  }
  const text = parsed?.content ? blockText(JSDOM.fragment(parsed.content)) : '';
  return {
    text: text || blockText(JSDOM.fragment(html)),
    title: parsed?.title ?? undefined,
    byline: parsed?.byline ?? undefined,
    siteName: parsed?.siteName ?? undefined,
    publishedTime: parsed?.publishedTime ?? undefined,
  };
}

/** Extracts an HTML page; `url` is where it came from (resolves relative links). */
export function extractHtml(html: string, url?: string): ExtractedArticle {
  const depth = markupDepth(html);
  if (depth > MAX_DOM_DEPTH) return { ...extractText(htmlToText(html)), links: hrefsOf(html) };
  const dom = new JSDOM(html, { url: url ?? 'https://article.invalid/', virtualConsole: new VirtualConsole() });
  const doc = dom.window.document;
  try {
    const embeds = findEmbeds(doc);
    const embedUrls = findEmbedUrls(doc);
    const links = findLinks(doc);
    const ld = jsonLdArticle(doc);
    const canonicalUrl =
      metaContent(doc, 'link[rel~="canonical"]') ?? metaContent(doc, 'meta[property="og:url"]') ?? ld.url;
    const metaTitle = metaContent(doc, 'meta[property="og:title"]') ?? ld.headline;
    const documentTitle = doc.title.trim() || undefined;
    const metaPublished = metaPublishedAt(doc) ?? ld.datePublished;
    const isLarge = depth > MAX_READABILITY_DEPTH || doc.getElementsByTagName('*').length > MAX_READABILITY_ELEMENTS;
    // Read before Readability, which may drop a plain-text embed's signature line.
    const pageText = blockText(doc.body ?? doc);
    const body: ReadBody = isLarge ? { text: pageText } : readBody(doc, html);
    const title = metaTitle ?? body.title ?? documentTitle;
    const publishedAt = metaPublished ?? parseTime(body.publishedTime);
    return {
      text: body.text,
      ...(pageText !== body.text ? { pageText } : {}),
      embeds,
      links,
      ...(embedUrls.length ? { embedUrls } : {}),
      ...(title ? { title } : {}),
      ...(canonicalUrl ? { canonicalUrl: absolute(canonicalUrl, doc) } : {}),
      ...(publishedAt ? { publishedAt } : {}),
      ...(body.byline ? { byline: body.byline } : {}),
      ...(body.siteName ? { siteName: body.siteName } : {}),
    };
  } finally {
    dom.window.close();
  }
}

/** Plain text needs no extraction beyond line endings; links in it are found by detection. */
export function extractText(text: string): ExtractedArticle {
  return { text: tidy(text.replace(/\r\n?/g, '\n').replace(/\n[ \t]*\n/g, '\n\n')), embeds: [], links: [] };
}

export function extractArticle(body: string, options: { kind?: 'html' | 'text'; url?: string } = {}): ExtractedArticle {
  const kind = options.kind ?? (looksLikeHtml(body) ? 'html' : 'text');
  return kind === 'html' ? extractHtml(body, options.url) : extractText(body);
}
