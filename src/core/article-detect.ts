// Finds what an article cites: embedded posts (markup or their plain-text
// form), status links, and quotations attributed in prose to the holder of a
// watched account. Each candidate reference carries its evidence. Pure: the
// DOM work happens in the extraction adapter, which hands over plain data.
import { createHash } from 'node:crypto';
import { findStatusUrls, parseStatusUrl, type StatusHosts } from './status-url.js';
import { containment, normalizeText, textSimilarity, wordCount } from './text-normalize.js';
import { parsePrintedDate, PRINTED_DATE_SOURCE } from './printed-date.js';
import { findProseQuotes } from './prose-quotes.js';
import { findReprintedPost } from './page-reprint.js';
import { splitNamePrefix, textForms, unitsBefore } from './embed-text-forms.js';

export { splitNamePrefix, textForms } from './embed-text-forms.js';

export const REFERENCE_KINDS = ['embed', 'link', 'quote'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** A `blockquote.twitter-tweet` as found in the page before any cleaning. */
export interface EmbedMarkup {
  /** href of the status link in the attribution, when present. */
  statusUrl?: string;
  /** The post's text as the page quotes it. */
  text: string;
  /** What follows the text: `— Name (@handle) May 5, 2014`. */
  attribution: string;
}

/** What detection needs from an article: plain data produced by extraction. */
export interface ArticleContent {
  /** Body text, blocks separated by blank lines. */
  text: string;
  embeds: EmbedMarkup[];
  links: { href: string; text: string }[];
  /** The page's own address (canonical URL): a page reprinting one post names it there. */
  pageUrl?: string;
  /** The whole page's text when `text` is a reader view of it: plain-text embeds are looked for in both. */
  pageText?: string;
}

/** An account whose holder may be quoted in prose. */
export interface WatchedAccount {
  handle: string;
  displayName: string | null;
  /** Other names the holder goes by (e.g. a spokesperson's name). */
  aliases?: string[];
}

export interface DetectOptions {
  hosts: StatusHosts;
  watched: WatchedAccount[];
}

export interface Evidence {
  form: 'embed-markup' | 'embed-text' | 'page-header' | 'link' | 'url-in-text' | 'prose-quote';
  /** The passage of the article that shows the citation. */
  excerpt: string;
  url?: string;
  signature?: string;
  /** For prose quotes: the name that attributes the quote to the account. */
  attributedTo?: string;
  /** For prose quotes: the article's date (ISO), from which the quoted post's window is counted. */
  articleDate?: string;
  /** For prose quotes: the sentence designates this account and no other (only such quotes are kept open). */
  unambiguous?: boolean;
  /** For plain-text embeds kept open: the other forms the post's text may take (see `textVariants`). */
  textVariants?: string[];
}

export interface CandidateReference {
  kind: ReferenceKind;
  platform: 'x';
  /** Natural key within the article (`x:id:<id>`, `x:text:<sha>`, `x:quote:<sha>`). */
  fingerprint: string;
  citedId?: string;
  handle?: string;
  name?: string;
  /** The printed date, `YYYY-MM-DD`. */
  date?: string;
  /** The article's copy of the post (or of the quoted part). */
  text?: string;
  /**
   * Plain-text embeds: other forms the post's text may take when the page's
   * breaks do not show where it starts (with the lines above it, without a
   * lead-in such as "He added:"). Matching keeps the form closest to the post.
   */
  textVariants?: string[];
  evidence: Evidence;
}

const SIGNATURE = new RegExp(String.raw`\(@([A-Za-z0-9_]{1,15})\)[ \t]*(${PRINTED_DATE_SOURCE})`, 'gu');
function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function textFingerprint(prefix: string, handle: string | undefined, date: string | undefined, text: string): string {
  return `x:${prefix}:${sha(`${(handle ?? '').toLowerCase()}|${date ?? ''}|${normalizeText(text)}`)}`;
}

export function clip(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface Signature {
  name: string;
  handle: string;
  date: string;
  printed: string;
}

/** Parses an attribution such as `— Name (@handle) March 4, 2020`. */
export function parseSignature(line: string): Signature | undefined {
  SIGNATURE.lastIndex = 0;
  const m = SIGNATURE.exec(line);
  if (!m) return undefined;
  const date = parsePrintedDate(m[2]!);
  if (!date) return undefined;
  const before = line.slice(0, m.index);
  const name = splitNamePrefix(before)?.name ?? before.trim();
  return { name, handle: m[1]!, date, printed: m[0] };
}

function fromMarkup(embed: EmbedMarkup, hosts: StatusHosts): CandidateReference | undefined {
  const ref = embed.statusUrl ? parseStatusUrl(embed.statusUrl, hosts) : undefined;
  const sig = parseSignature(embed.attribution.replace(/\s+/g, ' '));
  const text = embed.text.trim();
  if (!ref && !(sig && text)) return undefined;
  const handle = sig?.handle ?? ref?.handle;
  return {
    kind: 'embed',
    platform: 'x',
    fingerprint: ref ? `x:id:${ref.id}` : textFingerprint('text', handle, sig?.date, text),
    ...(ref ? { citedId: ref.id } : {}),
    ...(handle ? { handle } : {}),
    ...(sig?.name ? { name: sig.name } : {}),
    ...(sig ? { date: sig.date } : {}),
    ...(text ? { text } : {}),
    evidence: {
      form: 'embed-markup',
      excerpt: clip(`${text} ${embed.attribution}`),
      ...(embed.statusUrl ? { url: embed.statusUrl } : {}),
      ...(sig ? { signature: clip(embed.attribution, 200) } : {}),
    },
  };
}

/** Signatures read per article: more is not an article, and each costs a look back. */
const MAX_SIGNATURES = 200;

/** Plain-text embeds: a post's text followed by its signature line. */
export function findTextEmbeds(body: string): CandidateReference[] {
  const found: CandidateReference[] = [];
  const paragraphs = /\n[ \t]*\n/.test(body);
  for (const m of body.matchAll(SIGNATURE)) {
    if (found.length >= MAX_SIGNATURES) break;
    const lineStart = body.lastIndexOf('\n', m.index) + 1;
    const linePrefix = body.slice(lineStart, m.index);
    const split = splitNamePrefix(linePrefix);
    // Without a dash the name must stand alone on its line (pipelines that drop the dash).
    if (!split && linePrefix.length > 80) continue;
    const name = split?.name ?? linePrefix.trim();
    const date = parsePrintedDate(m[2]!);
    if (!date || name.length > 80) continue;
    const { text, variants } = textForms(unitsBefore(body, lineStart, split?.before ?? '', paragraphs));
    if (wordCount(text) === 0) continue;
    found.push({
      kind: 'embed',
      platform: 'x',
      fingerprint: textFingerprint('text', m[1], date, text),
      handle: m[1]!,
      ...(name ? { name } : {}),
      date,
      text,
      ...(variants.length ? { textVariants: variants } : {}),
      evidence: {
        form: 'embed-text',
        excerpt: clip(`${text} ${linePrefix.slice(split ? split.before.length : 0)}${m[0]}`),
        signature: clip(`${name} ${m[0]}`, 200),
      },
    });
  }
  return found;
}

function linkCandidate(url: string, anchor: string, form: 'link' | 'url-in-text', hosts: StatusHosts) {
  const ref = parseStatusUrl(url, hosts);
  if (!ref) return undefined;
  const c: CandidateReference = {
    kind: 'link',
    platform: 'x',
    fingerprint: `x:id:${ref.id}`,
    citedId: ref.id,
    ...(ref.handle ? { handle: ref.handle } : {}),
    evidence: { form, excerpt: clip(anchor || url, 200), url },
  };
  return c;
}

function isSameEmbed(a: CandidateReference, b: CandidateReference): boolean {
  if (a.citedId && a.citedId === b.citedId) return true;
  if (!a.text || !b.text || a.handle?.toLowerCase() !== b.handle?.toLowerCase()) return false;
  return textSimilarity(a.text, b.text) > 0.9;
}

/** Candidates kept per article (the duplicate check is quadratic; real articles cite a few dozen at most). */
const MAX_CANDIDATES = 500;

/** Every candidate reference of an article, strongest forms first, without duplicates. */
export function detectReferences(content: ArticleContent, options: DetectOptions): CandidateReference[] {
  const out: CandidateReference[] = [];
  const add = (c: CandidateReference | undefined) => {
    if (!c || out.length >= MAX_CANDIDATES) return;
    if (!out.some((o) => o.fingerprint === c.fingerprint || (c.kind === 'embed' && isSameEmbed(o, c)))) out.push(c);
  };
  content.embeds.forEach((e) => add(fromMarkup(e, options.hosts)));
  if (content.pageUrl) add(findReprintedPost(content.text, content.pageUrl, options.hosts));
  findTextEmbeds(content.text).forEach(add);
  if (content.pageText) findTextEmbeds(content.pageText).forEach(add);
  content.links.forEach((l) => add(linkCandidate(l.href, l.text, 'link', options.hosts)));
  findStatusUrls(content.text, options.hosts).forEach((u) =>
    add(linkCandidate(u.url, u.url, 'url-in-text', options.hosts)),
  );
  const embedded = out.filter((c) => c.kind === 'embed' && c.text);
  const watched = withSignatureAliases(options.watched, embedded);
  for (const q of findProseQuotes(content.text, watched)) {
    // A quotation of an embedded post's own text is the embed, not a second citation.
    if (embedded.some((e) => containment(q.quote, e.text!) >= 0.8)) continue;
    add({
      kind: 'quote',
      platform: 'x',
      fingerprint: textFingerprint('quote', q.handle, undefined, q.quote),
      handle: q.handle,
      text: q.quote,
      evidence: { form: 'prose-quote', excerpt: clip(q.context), attributedTo: q.alias, unambiguous: q.unambiguous },
    });
  }
  return out;
}

/** Names printed in this article's embed signatures also name their account's holder. */
function withSignatureAliases(watched: WatchedAccount[], embeds: CandidateReference[]): WatchedAccount[] {
  return watched.map((w) => {
    const names = embeds
      .filter((e) => e.name && e.handle?.toLowerCase() === w.handle.toLowerCase())
      .map((e) => e.name!);
    return names.length ? { ...w, aliases: [...(w.aliases ?? []), ...names] } : w;
  });
}
