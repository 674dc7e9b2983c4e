// Finds what an article cites. Each platform has a citation detector (its
// embeds, status links, pages that reprint one post: core/x-citations.ts for
// X, gathered in core/citation-detectors.ts); quotations attributed in prose
// to the holder of a watched account are found here for every platform, and
// those attributed to an actor become candidates of each of its channels
// (core/actor-quotes.ts). Each candidate reference carries its evidence. Pure:
// the DOM work happens in the extraction adapter, which hands over plain data.
import { createHash } from 'node:crypto';
import type { Platform } from './platforms.js';
import { containment, normalizeText, textSimilarity } from './text-normalize.js';
import { findProseQuotes, type ProseQuote } from './prose-quotes.js';
import type { PostedDay } from './posted-day.js';
import { actorHolders, actorOfKey, type ActorChannels } from './actor-quotes.js';

export type { ActorChannels } from './actor-quotes.js';

export { splitNamePrefix, textForms } from './embed-text-forms.js';

export const REFERENCE_KINDS = ['embed', 'link', 'quote'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** An embedded post's markup (`blockquote.twitter-tweet`, `blockquote.bluesky-embed`) as found in the page before any cleaning. */
export interface EmbedMarkup {
  /** href of the status link in the attribution, when present. */
  statusUrl?: string;
  /** The post's text as the page quotes it. */
  text: string;
  /** What follows the text: `— Name (@handle) May 5, 2014`. */
  attribution: string;
  /** The embed element's class attribute: whose markup it is. */
  className?: string;
  /** Its data-* attributes, by name without the prefix (`bluesky-uri`). */
  data?: Record<string, string>;
  /** Every link in it (absolute), in document order. */
  links?: string[];
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
  /** Addresses of embedded frames: iframe `src`, and `data-embed-url` of embed placeholders. */
  embedUrls?: string[];
}

/** An account whose holder may be quoted in prose. */
export interface WatchedAccount {
  platform: Platform;
  handle: string;
  displayName: string | null;
  /** Other names the holder goes by (e.g. a spokesperson's name). */
  aliases?: string[];
}

/** What finds one platform's citations in an article (its embeds, links, reprints). */
export interface CitationDetector {
  readonly platform: Platform;
  /**
   * The platform's candidates, strongest forms first (quotations in prose are
   * found by detectReferences). `watched` are the accounts of every platform:
   * a platform without fixed hosts (Mastodon) counts only links to its
   * watched accounts' servers.
   */
  detect(content: ArticleContent, watched: readonly WatchedAccount[]): CandidateReference[];
}

export interface DetectOptions {
  detectors: readonly CitationDetector[];
  watched: WatchedAccount[];
  /** Actors: a quotation attributed to one's name is a candidate of each of its channels. */
  actors?: readonly ActorChannels[];
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
  /** For prose quotes attributed to an actor: its name (the quote is a candidate of each of its channels). */
  actor?: string;
  /** For prose quotes: the day the sentence says the post was made (breaks a tie between posts that say the words). */
  postedDay?: PostedDay;
}

export interface CandidateReference {
  kind: ReferenceKind;
  platform: Platform;
  /** Natural key within the article (`x:id:<id>`, `x:text:<sha>`, `x:quote:<sha>`). */
  fingerprint: string;
  citedId?: string;
  /**
   * A post cited only by its own address (a press release's page): the forms
   * that address may take. The linker makes it a citation of the archived post
   * whose permalink is one of them, and drops it when there is none.
   */
  citedUrls?: string[];
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

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/** The natural key of a citation known by its text (`x:text:<sha>`, `x:quote:<sha>`). */
export function textFingerprint(
  platform: string,
  prefix: string,
  handle: string | undefined,
  date: string | undefined,
  text: string,
): string {
  return `${platform}:${prefix}:${sha(`${(handle ?? '').toLowerCase()}|${date ?? ''}|${normalizeText(text)}`)}`;
}

export function clip(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function isSameEmbed(a: CandidateReference, b: CandidateReference): boolean {
  if (a.platform !== b.platform) return false;
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
  for (const detector of options.detectors) detector.detect(content, options.watched).forEach(add);
  const embedded = out.filter((c) => c.kind === 'embed' && c.text);
  const actors = options.actors ?? [];
  for (const [platform, watched] of byPlatform(options.watched)) {
    const holders = [...withSignatureAliases(watched, embedded), ...actorHolders(actors, platform)];
    for (const q of findProseQuotes(content.text, holders)) {
      // A quotation of an embedded post's own text is the embed, not a second citation.
      if (embedded.some((e) => containment(q.quote, e.text!) >= 0.8)) continue;
      const actor = actorOfKey(actors, q.handle, platform);
      const handles = actor ? actor.handles : [q.handle];
      for (const handle of handles) add(quoteCandidate(platform, handle, q, actor?.name));
    }
  }
  return out;
}

function quoteCandidate(platform: Platform, handle: string, q: ProseQuote, actor?: string): CandidateReference {
  return {
    kind: 'quote',
    platform,
    fingerprint: textFingerprint(platform, 'quote', handle, undefined, q.quote),
    handle,
    text: q.quote,
    evidence: {
      form: 'prose-quote',
      excerpt: clip(q.context),
      attributedTo: q.alias,
      unambiguous: q.unambiguous,
      ...(actor !== undefined ? { actor } : {}),
      ...(q.postedDay ? { postedDay: q.postedDay } : {}),
    },
  };
}

/** Watched accounts per platform: a quotation is attributed among the accounts of one platform. */
function byPlatform(watched: WatchedAccount[]): Map<Platform, WatchedAccount[]> {
  const groups = new Map<Platform, WatchedAccount[]>();
  for (const w of watched) groups.set(w.platform, [...(groups.get(w.platform) ?? []), w]);
  return groups;
}

/** Names printed in this article's embed signatures also name their account's holder. */
function withSignatureAliases(watched: WatchedAccount[], embeds: CandidateReference[]): WatchedAccount[] {
  return watched.map((w) => {
    const names = embeds
      .filter((e) => e.platform === w.platform && e.name && e.handle?.toLowerCase() === w.handle.toLowerCase())
      .map((e) => e.name!);
    return names.length ? { ...w, aliases: [...(w.aliases ?? []), ...names] } : w;
  });
}
