// Decides which archived post a candidate reference designates, and how sure
// we are. By ID when the article prints one; otherwise only posts of the
// cited account, inside the printed date's window, whose text matches. One
// post is linked at most once per article. Pure.
import type { CandidateReference } from './article-detect.js';
import { printedDateWindow } from './printed-date.js';
import { postedDayWindow } from './posted-day.js';
import { alignedShare } from './quote-alignment.js';
import { isTruncated, normalizeText, textSimilarity, wordCount } from './text-normalize.js';

/** An archived post as matching sees it. */
export interface PostCandidate {
  postId: number;
  platform: string;
  platformId: string;
  editIds: string[];
  accountId: number | null;
  /** Every handle the post's account has had (lower or mixed case). */
  handles: string[];
  text: string;
  /** Texts of the post's earlier versions: an article may have copied the post before it was edited. */
  earlierTexts?: string[];
  createdAt: Date;
}

export interface MatchScore {
  confidence: number;
  method: 'id' | 'text';
  similarity?: number;
  handleMismatch?: boolean;
  /** The form of the article's copy that matched, when not the candidate's `text` (see `textVariants`). */
  witnessed?: string;
  /** The article's copy matched an earlier version of the post, not its current text. */
  earlierVersion?: true;
}

export interface MatchOptions {
  /**
   * A reference kept open resolves only to a post whose text contains the
   * quotation word for word (no near matches: the words may be common).
   */
  containedOnly?: boolean;
}

export interface Assignment {
  candidate: CandidateReference;
  post?: PostCandidate;
  score?: MatchScore;
  /** The post this candidate designates, already linked through another candidate. */
  sameAs?: PostCandidate;
  /**
   * A quotation that several posts say equally well, with no day in its
   * sentence to tell them apart: no post is linked, and it is not kept open
   * (it would resolve to whichever says it next).
   */
  ambiguous?: boolean;
}

/** Minimum text similarity of an embed's copy to the archived post. */
// An embed is a copy of the whole post: a similarly worded statement of the
// same account and day scores 0.6-0.85, an edited one-word change about 0.96.
export const EMBED_MIN_SIMILARITY = 0.88;
/** Minimum share of a prose quotation's words that the post says in order (see quote-alignment.ts). */
export const QUOTE_MIN_CONTAINMENT = 0.8;
/** How far before an article's publication a quoted post may be. */
export const QUOTE_LOOKBACK_DAYS = 31;
/** Quotations shorter than this are linked only to the one post of the day that contains them. */
export const SHORT_QUOTE_WORDS = 5;

const DAY_MS = 86_400_000;

/** The time range a candidate's post must fall in (undefined: no bound known). */
export function candidateWindow(c: CandidateReference, publishedAt?: Date): { from: Date; to: Date } | undefined {
  if (c.date) return printedDateWindow(c.date);
  if (c.kind === 'quote' && publishedAt && isShortQuote(c)) {
    // "That day": the article's calendar day in any time zone, and the evening before.
    return { from: new Date(publishedAt.getTime() - 2 * DAY_MS), to: new Date(publishedAt.getTime() + DAY_MS) };
  }
  if (c.kind === 'quote' && publishedAt) {
    return {
      from: new Date(publishedAt.getTime() - QUOTE_LOOKBACK_DAYS * DAY_MS),
      to: new Date(publishedAt.getTime() + DAY_MS),
    };
  }
  return undefined;
}

function hasHandle(post: PostCandidate, handle: string | undefined): boolean {
  return handle !== undefined && post.handles.some((h) => h.toLowerCase() === handle.toLowerCase());
}

function byId(c: CandidateReference, post: PostCandidate): MatchScore | undefined {
  if (post.platformId !== c.citedId && !post.editIds.includes(c.citedId!)) return undefined;
  const base = c.kind === 'embed' ? 1 : 0.95;
  // The ID is authoritative, but a handle that never was the account's is suspicious
  // (a post of an account we do not watch has no known handles to compare).
  const mismatch = c.handle !== undefined && post.handles.length > 0 && !hasHandle(post, c.handle);
  return mismatch
    ? { confidence: round(base * 0.7), method: 'id', handleMismatch: true }
    : { confidence: base, method: 'id' };
}

export function isShortQuote(c: CandidateReference): boolean {
  return c.kind === 'quote' && wordCount(c.text ?? '') < SHORT_QUOTE_WORDS;
}

/**
 * True when the post says the quotation word for word (after normalization);
 * an elided quotation ("... [the] ...") is contained when each part is.
 */
export function containsQuote(quote: string, text: string): boolean {
  const haystack = ` ${normalizeText(text)} `;
  const parts = quote
    .split(/\u2026|\.\.\.|\[[^\]]*\]/)
    .map(normalizeText)
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => haystack.includes(` ${p} `));
}

function byQuote(c: CandidateReference, post: PostCandidate, options: MatchOptions): MatchScore | undefined {
  return bestOfVersions(post, (text) => byQuoteText(c, text, options));
}

/** The best score over the post's current text and its earlier versions' (the current one wins a tie). */
function bestOfVersions(post: PostCandidate, score: (text: string) => MatchScore | undefined): MatchScore | undefined {
  let best = score(post.text);
  for (const text of post.earlierTexts ?? []) {
    const earlier = score(text);
    if (earlier && (earlier.similarity ?? 0) > (best?.similarity ?? -1)) best = { ...earlier, earlierVersion: true };
  }
  return best;
}

function byQuoteText(c: CandidateReference, text: string, options: MatchOptions): MatchScore | undefined {
  const contained = containsQuote(c.text!, text);
  if (isShortQuote(c) || options.containedOnly) {
    return contained ? { confidence: isShortQuote(c) ? 0.5 : 0.7, method: 'text', similarity: 1 } : undefined;
  }
  const share = contained ? 1 : alignedShare(c.text!, text);
  if (share < QUOTE_MIN_CONTAINMENT) return undefined;
  return { confidence: round(0.3 + 0.4 * share), method: 'text', similarity: round(share) };
}

/** The closest of the forms an embed's copy may take. */
function byEmbedText(c: CandidateReference, post: PostCandidate): MatchScore | undefined {
  return bestOfVersions(post, (text) => byEmbedTextOf(c, text));
}

function byEmbedTextOf(c: CandidateReference, text: string): MatchScore | undefined {
  let best = { sim: textSimilarity(c.text!, text), form: c.text! };
  for (const form of c.textVariants ?? []) {
    const sim = textSimilarity(form, text);
    if (sim > best.sim) best = { sim, form };
  }
  if (best.sim < EMBED_MIN_SIMILARITY) return undefined;
  const confidence = (0.45 + 0.5 * best.sim) * (c.date ? 1 : 0.9);
  const score: MatchScore = { confidence: round(confidence), method: 'text', similarity: round(best.sim) };
  return best.form === c.text ? score : { ...score, witnessed: best.form };
}

function byText(c: CandidateReference, post: PostCandidate, publishedAt: Date | undefined, options: MatchOptions) {
  if (!c.text || !hasHandle(post, c.handle)) return undefined;
  const window = candidateWindow(c, publishedAt);
  if (window && (post.createdAt < window.from || post.createdAt >= window.to)) return undefined;
  return c.kind === 'quote' ? byQuote(c, post, options) : byEmbedText(c, post);
}

/** Scores one (candidate, post) pair; undefined when the post cannot be the one cited. */
export function scorePair(
  c: CandidateReference,
  post: PostCandidate,
  publishedAt?: Date,
  options: MatchOptions = {},
): MatchScore | undefined {
  if (post.platform !== c.platform) return undefined;
  return c.citedId ? byId(c, post) : byText(c, post, publishedAt, options);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Assigns posts to candidates, best pairs first, so that each candidate gets
 * at most one post and each post at most one candidate. A candidate whose best
 * post went to another candidate is the same citation seen twice (an embed
 * and a link to it): it gets `sameAs`, never a lesser post. Ties favour the
 * post closest to the printed date.
 */
export function assignPosts(
  candidates: CandidateReference[],
  postsFor: (c: CandidateReference) => PostCandidate[],
  publishedAt?: Date,
  options: MatchOptions = {},
): Assignment[] {
  const best = candidates.map((c) => bestPair(c, postsFor(c), publishedAt, options));
  const ambiguous = (i: number) => best[i] === AMBIGUOUS;
  const rankOfPair = (i: number) => {
    const pair = best[i];
    return pair && pair !== AMBIGUOUS ? pair.rank : -1;
  };
  const order = candidates.map((_, i) => i).sort((a, b) => rankOfPair(b) - rankOfPair(a));
  const taken = new Set<number>();
  const result: Assignment[] = candidates.map((candidate, i) =>
    ambiguous(i) ? { candidate, ambiguous: true } : { candidate },
  );
  for (const i of order) {
    const pair = best[i];
    if (!pair || pair === AMBIGUOUS) continue;
    if (taken.has(pair.post.postId)) result[i] = { candidate: candidates[i]!, sameAs: pair.post };
    else result[i] = { candidate: candidates[i]!, post: pair.post, score: pair.score };
    taken.add(pair.post.postId);
  }
  return result;
}

const AMBIGUOUS = Symbol('ambiguous');

interface Pair {
  post: PostCandidate;
  score: MatchScore;
  rank: number;
}

function bestPair(
  c: CandidateReference,
  posts: PostCandidate[],
  publishedAt: Date | undefined,
  options: MatchOptions,
): Pair | typeof AMBIGUOUS | undefined {
  let best: Pair | undefined;
  const matched: Pair[] = [];
  for (const post of posts) {
    const score = scorePair(c, post, publishedAt, options);
    if (!score) continue;
    const pair = { post, score, rank: rankOf(c, post, score) };
    matched.push(pair);
    if (!best || pair.rank > best.rank) best = pair;
  }
  // A short quotation designates a post only when no other post of the day says it too.
  if (isShortQuote(c)) return matched.length > 1 ? undefined : best;
  if (c.kind !== 'quote' || !best) return best;
  // Several posts say the quotation equally well: the day its sentence names, if any, tells which.
  const tied = matched.filter((p) => p.score.similarity === best.score.similarity);
  if (tied.length === 1) return best;
  const day = c.evidence.postedDay;
  if (!day || !publishedAt) return AMBIGUOUS;
  const window = postedDayWindow(day, publishedAt);
  const thatDay = tied.filter((p) => p.post.createdAt >= window.from && p.post.createdAt < window.to);
  return thatDay.length === 1 ? thatDay[0] : AMBIGUOUS;
}

function rankOf(c: CandidateReference, post: PostCandidate, score: MatchScore): number {
  const idBonus = score.method === 'id' ? 10 : 0;
  const sim = score.similarity ?? score.confidence;
  const noon = c.date ? Date.parse(`${c.date}T12:00:00Z`) : undefined;
  const closeness = noon === undefined ? 0 : 1 / (1 + Math.abs(post.createdAt.getTime() - noon) / DAY_MS);
  return idBonus + sim + closeness * 1e-3;
}

/** True when the article's copy says something other than the archived text (an edit). */
export function differsFromArchive(witnessed: string | undefined, archived: string): boolean {
  if (!witnessed) return false;
  const a = normalizeText(witnessed);
  const b = normalizeText(archived);
  return isTruncated(witnessed) ? !b.startsWith(a) : a !== b;
}
