// What a search asks for, parsed and validated: the query text (websearch
// syntax), the filters, the page size and the keyset cursor. Pure: the CLI,
// the HTTP API, the pages, the feeds and the export all parse through here.
import { parseActorNames } from './actors.js';
import { InvalidInput } from './errors.js';
import { parseAccountRef, PLATFORMS, type AccountRef, type Platform } from './ids.js';
import { toPostView, type PostRow, type PostView } from './post-view.js';
import { storableText } from './storable-text.js';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 200;
const DAY_MS = 86_400_000;
/** Query complexity bounds: each term and phrase is a tsquery of its own, and long phrases chain many. */
export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_TERMS = 32;
export const MAX_QUERY_PHRASES = 8;

export interface SearchFilters {
  /** Words in websearch syntax: "a phrase", OR, -excluded. Empty: every post, newest first. */
  q: string;
  accounts: AccountRef[];
  /**
   * Actor names: posts of any of their channels. Accounts and actors add up:
   * a post of any account asked for or of any channel of an actor asked for.
   */
  actors?: string[];
  platform?: Platform;
  /** Inclusive lower bound: 00:00 UTC of the --since day. */
  since?: Date;
  /** Exclusive upper bound: 00:00 UTC of the day after the --until day (so that day is included). */
  untilExclusive?: Date;
  /** true: only posts cited by an article; false: only posts never cited. */
  cited?: boolean;
  /** true: only posts with more than one version; false: only unedited posts. */
  edited?: boolean;
  /** true: only deleted posts; false: deleted posts left out. */
  deleted?: boolean;
  lang?: string;
}

/** A position in a result list: after the row with this rank, creation time and id. */
export interface SearchCursor {
  /** ts_rank_cd of the row; -1 past the ranked window (ordered by recency only). */
  rank: number;
  createdAt: Date;
  id: number;
}

export interface SearchRequest extends SearchFilters {
  limit: number;
  cursor?: SearchCursor;
}

/** Raw inputs as they come from a command line or a query string. */
export interface SearchInput {
  q?: string | undefined;
  account?: string | string[] | undefined;
  /** Actor names, one per value (a name may hold commas). */
  actor?: string | string[] | undefined;
  platform?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  cited?: string | boolean | undefined;
  edited?: string | boolean | undefined;
  deleted?: string | boolean | undefined;
  lang?: string | undefined;
  limit?: string | number | undefined;
  cursor?: string | undefined;
}

/** How an error names an input: a query parameter over HTTP (the default), a flag in the CLI. */
export type InputName = (key: string) => string;
export const QUERY_PARAMS: InputName = (key) => `query parameter "${key}"`;
export const CLI_FLAGS: InputName = (key) => `--${key}`;

export function parseSearchInput(
  input: SearchInput,
  maxLimit = MAX_SEARCH_LIMIT,
  name: InputName = QUERY_PARAMS,
): SearchRequest {
  const filters = parseFilters(input, name);
  const request: SearchRequest = { ...filters, limit: parseLimit(input.limit, maxLimit, name) };
  if (input.cursor) request.cursor = decodeCursor(input.cursor);
  return request;
}

export function parseFilters(input: SearchInput, name: InputName = QUERY_PARAMS): SearchFilters {
  const filters: SearchFilters = { q: parseQueryText(input.q ?? ''), accounts: parseAccounts(input.account) };
  const actors = parseActorNames(input.actor, name('actor'));
  if (actors.length) filters.actors = actors;
  if (input.platform) filters.platform = parsePlatform(input.platform);
  if (input.since) filters.since = parseDay(input.since, name('since'));
  if (input.until) filters.untilExclusive = new Date(parseDay(input.until, name('until')).getTime() + DAY_MS);
  if (filters.since && filters.untilExclusive && filters.since >= filters.untilExclusive) {
    throw new InvalidInput(`${name('since')} ${input.since} is after ${name('until')} ${input.until}`);
  }
  for (const key of ['cited', 'edited', 'deleted'] as const) {
    const value = parseBool(input[key], name(key));
    if (value !== undefined) filters[key] = value;
  }
  if (input.lang) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(input.lang))
      throw new InvalidInput(`${name('lang')} is not a language code: ${input.lang}`);
    filters.lang = input.lang;
  }
  return filters;
}

/**
 * The words of a search, within bounds a query can be answered in: a NUL or
 * lone surrogate (which PostgreSQL refuses) becomes U+FFFD, and a query longer
 * or with more terms or phrases than the limits is refused, naming the limit.
 */
export function parseQueryText(text: string): string {
  const q = storableText(text).text.trim();
  if (q.length > MAX_QUERY_LENGTH) {
    throw new InvalidInput(`the query is ${q.length} characters long; the limit is ${MAX_QUERY_LENGTH}`);
  }
  const items = parseWebQuery(q).flat();
  if (items.length > MAX_QUERY_TERMS) {
    throw new InvalidInput(`the query has ${items.length} terms and phrases; the limit is ${MAX_QUERY_TERMS}`);
  }
  const phrases = items.filter((i) => i.text.startsWith('"')).length;
  if (phrases > MAX_QUERY_PHRASES) {
    throw new InvalidInput(`the query has ${phrases} quoted phrases; the limit is ${MAX_QUERY_PHRASES}`);
  }
  return q;
}

function parseAccounts(value: string | string[] | undefined): AccountRef[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .map(parseAccountRef);
}

function parsePlatform(value: string): Platform {
  const platform = value.toLowerCase();
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new InvalidInput(`unknown platform "${value}" (known: ${PLATFORMS.join(', ')})`);
  }
  return platform as Platform;
}

/** A whole UTC day, YYYY-MM-DD: returns its first millisecond. */
export function parseDay(text: string, what = 'date'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text.trim()) {
    throw new InvalidInput(`${what} must be a day as YYYY-MM-DD (UTC), got "${text}"`);
  }
  return date;
}

function parseBool(value: string | boolean | undefined, what: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new InvalidInput(`${what} must be true or false, got "${value}"`);
}

export function parseLimit(
  value: string | number | undefined,
  max = MAX_SEARCH_LIMIT,
  name: InputName = QUERY_PARAMS,
): number {
  if (value === undefined || value === '') return Math.min(DEFAULT_SEARCH_LIMIT, max);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new InvalidInput(`${name('limit')} must be an integer from 1 to ${max}`);
  }
  return n;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): SearchCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3) {
      const [rank, createdAt, id] = value as unknown[];
      const date = new Date(String(createdAt));
      if (typeof rank === 'number' && Number.isFinite(rank) && Number.isInteger(id) && !isNaN(date.getTime())) {
        return { rank, createdAt: date, id: id as number };
      }
    }
  } catch {
    // Falls through to the one error below.
  }
  throw new InvalidInput('cursor is not one this server gave out');
}

/** One term or quoted phrase of a query, possibly excluded with a leading minus. */
export interface QueryItem {
  text: string;
  negated: boolean;
}

/**
 * Splits a websearch query into OR-groups of AND-ed items, as PostgreSQL's
 * websearch_to_tsquery reads it ("a b or c" is (a AND b) OR c). Each item is
 * then turned into a tsquery on its own (english stem OR exact simple form),
 * so an exclusion excludes every form of the word, not just one of them.
 */
export function parseWebQuery(q: string): QueryItem[][] {
  const groups: QueryItem[][] = [[]];
  const token = /(-?)"([^"]*)"?|(\S+)/g;
  for (const m of q.matchAll(token)) {
    const [, minus, phrase, word] = m;
    if (word !== undefined && /^or$/i.test(word)) {
      if (groups.at(-1)!.length > 0) groups.push([]);
      continue;
    }
    const negated = minus === '-' || (word?.startsWith('-') ?? false);
    const text = phrase !== undefined ? `"${phrase.trim()}"` : word!.replace(/^-+/, '');
    if (/[\p{L}\p{N}]/u.test(text)) groups.at(-1)!.push({ text, negated });
  }
  return groups.filter((g) => g.length > 0);
}

/** A post as search results show it: the public post shape plus its score. */
/** A search result: the post, its score, and whether (and by how many articles) it is cited. */
export function toSearchHit(
  row: PostRow & { score: number; citations?: number },
): PostView & { score: number; cited: boolean; citations: number } {
  const citations = row.citations ?? 0;
  return { ...toPostView(row), score: Math.round(row.score * 1e6) / 1e6, cited: citations > 0, citations };
}

/**
 * The ranked window is the newest `window` matches. Looking for them in the
 * newest slice of the archive first (a fraction of its rows) lets PostgreSQL
 * intersect the full-text index with the creation-time index instead of
 * visiting every match. Given how many matches a slice held, returns the
 * fraction to try next, or null when the whole archive should be searched.
 */
export function nextSliceFraction(found: number, fraction: number, window: number): number | null {
  if (found >= window) return null;
  const expectedTotal = found / fraction;
  if (expectedTotal <= 0) return null;
  const needed = (1.5 * window) / expectedTotal;
  return needed > fraction && needed < 0.5 ? needed : null;
}

/** First slice tried: the newest 5% of the archive. */
export const FIRST_SLICE_FRACTION = 0.05;
