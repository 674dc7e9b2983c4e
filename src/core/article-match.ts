// Decides which archived post a candidate reference designates, and how sure
// we are. By ID when the article prints one; otherwise only posts of the
// cited account, inside the printed date's window, whose text matches. One
// post is linked at most once per article. Pure.
import type { CandidateReference } from './article-detect.js';
import { printedDateWindow } from './printed-date.js';
import { containment, isTruncated, normalizeText, textSimilarity } from './text-normalize.js';

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
  createdAt: Date;
}

export interface MatchScore {
  confidence: number;
  method: 'id' | 'text';
  similarity?: number;
  handleMismatch?: boolean;
}

export interface Assignment {
  candidate: CandidateReference;
  post?: PostCandidate;
  score?: MatchScore;
}

/** Minimum text similarity of an embed's copy to the archived post. */
export const EMBED_MIN_SIMILARITY = 0.62;
/** Minimum share of a prose quotation found in the post. */
export const QUOTE_MIN_CONTAINMENT = 0.8;
/** How far before an article's publication a quoted post may be. */
export const QUOTE_LOOKBACK_DAYS = 31;

const DAY_MS = 86_400_000;

/** The time range a candidate's post must fall in (undefined: no bound known). */
export function candidateWindow(c: CandidateReference, publishedAt?: Date): { from: Date; to: Date } | undefined {
  if (c.date) return printedDateWindow(c.date);
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

function byText(c: CandidateReference, post: PostCandidate, publishedAt?: Date): MatchScore | undefined {
  if (!c.text || !hasHandle(post, c.handle)) return undefined;
  const window = candidateWindow(c, publishedAt);
  if (window && (post.createdAt < window.from || post.createdAt >= window.to)) return undefined;
  if (c.kind === 'quote') {
    const share = containment(c.text, post.text);
    if (share < QUOTE_MIN_CONTAINMENT) return undefined;
    return { confidence: round(0.3 + 0.4 * share), method: 'text', similarity: round(share) };
  }
  const sim = textSimilarity(c.text, post.text);
  if (sim < EMBED_MIN_SIMILARITY) return undefined;
  const confidence = (0.45 + 0.5 * sim) * (c.date ? 1 : 0.9);
  return { confidence: round(confidence), method: 'text', similarity: round(sim) };
}

/** Scores one (candidate, post) pair; undefined when the post cannot be the one cited. */
export function scorePair(c: CandidateReference, post: PostCandidate, publishedAt?: Date): MatchScore | undefined {
  if (post.platform !== c.platform) return undefined;
  return c.citedId ? byId(c, post) : byText(c, post, publishedAt);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Assigns posts to candidates, best pairs first, so that each candidate gets
 * at most one post and each post at most one candidate. Ties favour the post
 * closest to the printed date.
 */
export function assignPosts(
  candidates: CandidateReference[],
  postsFor: (c: CandidateReference) => PostCandidate[],
  publishedAt?: Date,
): Assignment[] {
  const pairs: { ci: number; post: PostCandidate; score: MatchScore; rank: number }[] = [];
  candidates.forEach((c, ci) => {
    for (const post of postsFor(c)) {
      const score = scorePair(c, post, publishedAt);
      if (score) pairs.push({ ci, post, score, rank: rankOf(c, post, score) });
    }
  });
  pairs.sort((a, b) => b.rank - a.rank);
  const taken = new Set<number>();
  const result: Assignment[] = candidates.map((candidate) => ({ candidate }));
  for (const p of pairs) {
    if (result[p.ci]!.post || taken.has(p.post.postId)) continue;
    result[p.ci] = { candidate: candidates[p.ci]!, post: p.post, score: p.score };
    taken.add(p.post.postId);
  }
  return result;
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
