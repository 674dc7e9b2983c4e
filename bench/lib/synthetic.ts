// Deterministic synthetic posts for benchmarks (and large-volume tests).
//
// Each post is a pure function of (seed, index): the same index always gives
// the same text, account, date and ID, so runs are comparable and any slice
// can be regenerated without the others. Text is drawn from a Zipf-distributed
// vocabulary (a few very common words, a long tail of rare ones) plus a few
// fixed phrases, so that "rare term", "common term" and "phrase" queries have
// known, stable selectivities. IDs are X snowflakes consistent with the dates.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { snowflakeAt } from '../../src/core/x-snowflake.js';

/** Real words first (the head of the distribution), so stemming and stop words behave as in real text. */
const HEAD_WORDS = `forces security operation statement today region support partners troops press conference
minister defense officials military aircraft strike border talks ceasefire agreement mission civilians reports
attack meeting general commander embassy government president policy national international allied coalition
training exercise weapons deployed patrol vessel naval army command briefing update casualties humanitarian aid
convoy infrastructure investigation sanctions diplomatic council vote resolution peace negotiations withdrawal
announced confirmed denied responded condemned welcomed launched targeted destroyed protected secured evacuated
northern southern eastern western capital province district village city airport harbor bridge base headquarters
morning evening night week month year yesterday tomorrow early late during after before across within against
working continue ensure remain committed strong together important critical ongoing recent further additional
public community people families children leaders forces partners teams units personnel soldiers sailors airmen`
  .split(/\s+/)
  .filter(Boolean);

/** Accented words (French, Spanish) to exercise unaccent in searches. */
const ACCENTED_WORDS = ['sécurité', 'défense', 'opération', 'générale', 'réunion', 'información', 'misión', 'región'];

/** Fixed phrases inserted with known probabilities (benchmarks search them in quotes). */
export const SYNTHETIC_PHRASES = ['joint press conference', 'humanitarian corridor', 'air defense systems'] as const;

const SYLLABLES = 'ka lo mi ne ru ta vo shi pe da gri mon tel bar vex zun qui ral dor fen'.split(' ');
const VOCABULARY_SIZE = 20_000;

export interface SyntheticOptions {
  seed?: number;
  /** Number of accounts the posts are spread over (default 10). */
  accounts?: number;
  /**
   * How many posts the whole set has. When given, creation times grow with the
   * index (each post in its own slice of the period), as in an archive that
   * ingests posts in time order; without it, each post gets a random time.
   */
  count?: number;
  /** First and last possible creation time (default 2019-01-01 .. 2026-01-01). */
  from?: Date;
  to?: Date;
}

export interface SyntheticPost {
  index: number;
  platformId: string;
  /** 0-based index of the account (see syntheticHandle). */
  account: number;
  text: string;
  lang: string;
  createdAt: Date;
  hashtags: string[];
  mentions: string[];
  status: 'available' | 'deleted';
  versionCount: number;
}

/** The handle of synthetic account n (0-based): synth_00, synth_01, ... */
export function syntheticHandle(n: number): string {
  return `synth_${String(n).padStart(2, '0')}`;
}

/** The word of rank r (1-based) in the synthetic vocabulary. Ranks above the head are pseudo-words. */
export function syntheticWord(rank: number): string {
  if (rank <= HEAD_WORDS.length) return HEAD_WORDS[rank - 1]!;
  let n = rank * 2654435761;
  let word = '';
  for (let i = 0; i < 3 + (rank % 3); i++) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length) + rank;
  }
  return `${word}${rank % 97}`;
}

/** Terms with known frequencies, for benchmark queries. */
export const SYNTHETIC_TERMS = {
  /** Among the most frequent words (present in a large share of posts). */
  common: [syntheticWord(2), syntheticWord(5), syntheticWord(9)],
  /** In the tail: a few dozen to a few hundred posts per million. */
  rare: [syntheticWord(9_001), syntheticWord(13_337), syntheticWord(19_999)],
};

// Zipf (s = 1) cumulative weights over the vocabulary, built once.
const CUMULATIVE = (() => {
  const cdf = new Float64Array(VOCABULARY_SIZE);
  let sum = 0;
  for (let r = 1; r <= VOCABULARY_SIZE; r++) cdf[r - 1] = sum += 1 / r;
  for (let i = 0; i < cdf.length; i++) cdf[i]! /= sum;
  return cdf;
})();

function zipfRank(u: number): number {
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWords(random: () => number, count: number): string[] {
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(syntheticWord(zipfRank(random())));
  return words;
}

function composeText(random: () => number, lang: string): { text: string; hashtags: string[]; mentions: string[] } {
  const words = pickWords(random, 8 + Math.floor(random() * 25));
  if (lang !== 'en') words.splice(Math.floor(random() * words.length), 0, ACCENTED_WORDS[Math.floor(random() * 8)]!);
  const phraseRoll = random();
  if (phraseRoll < 0.03) {
    const phrase = SYNTHETIC_PHRASES[Math.floor(phraseRoll * 100) % SYNTHETIC_PHRASES.length]!;
    words.splice(Math.floor(random() * words.length), 0, phrase);
  }
  const hashtags = random() < 0.2 ? [syntheticWord(zipfRank(random()))] : [];
  const mentions = random() < 0.1 ? [syntheticHandle(Math.floor(random() * 10))] : [];
  const text = [
    words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.',
    ...hashtags.map((h) => `#${h}`),
    ...mentions.map((m) => `@${m}`),
  ].join(' ');
  return { text, hashtags, mentions };
}

/** The synthetic post at `index`: a pure function of (options.seed, index). */
export function syntheticPost(index: number, options: SyntheticOptions = {}): SyntheticPost {
  const seed = options.seed ?? 20261124;
  const random = prng(Math.imul(index + 1, 0x9e3779b1) ^ seed);
  const from = (options.from ?? new Date('2019-01-01T00:00:00Z')).getTime();
  const to = (options.to ?? new Date('2026-01-01T00:00:00Z')).getTime();
  const span = Math.max(1, to - from);
  const position = options.count ? (index + random()) / options.count : random();
  const createdAt = new Date(from + Math.floor(position * span));
  const langRoll = random();
  const lang = langRoll < 0.9 ? 'en' : langRoll < 0.95 ? 'fr' : 'es';
  const { text, hashtags, mentions } = composeText(random, lang);
  const statusRoll = random();
  // Low 22 bits carry the index, so two posts in the same millisecond never share an ID.
  const platformId = (BigInt(snowflakeAt(createdAt)) + BigInt(index % (1 << 22))).toString();
  return {
    index,
    platformId,
    account: Math.floor(random() * (options.accounts ?? 10)),
    text,
    lang,
    createdAt,
    hashtags,
    mentions,
    status: statusRoll < 0.02 ? 'deleted' : 'available',
    versionCount: statusRoll > 0.97 ? 2 : 1,
  };
}

export function* syntheticPosts(count: number, options: SyntheticOptions = {}): Generator<SyntheticPost> {
  for (let i = 0; i < count; i++) yield syntheticPost(i, options);
}

export interface SeedOptions extends SyntheticOptions {
  /** PostgreSQL connection string of a migrated database. */
  url: string;
  count: number;
}

export interface SeedResult {
  count: number;
  accounts: { id: number; handle: string }[];
  elapsedMs: number;
}

/**
 * Loads `count` synthetic posts (and their accounts, x:synth_NN) into a
 * migrated database with COPY, in time order as an archive fills up, then
 * ANALYZEs. Streams: memory stays flat.
 */
export async function seedSyntheticPosts(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  try {
    const accounts = await insertAccounts(client, options.accounts ?? 10);
    const ids = accounts.map((a) => a.id);
    const copy = client.query(
      copyStreams.from(
        `COPY posts (platform, platform_id, account_id, author_platform_id, edit_ids, text, lang, created_at,
          urls, mentions, hashtags, status, version_count, first_seen_by) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(copyLines(options, ids)), copy);
    await client.query('ANALYZE posts');
    return { count: options.count, accounts, elapsedMs: Date.now() - started };
  } finally {
    await client.end();
  }
}

async function insertAccounts(client: pg.Client, n: number): Promise<{ id: number; handle: string }[]> {
  const handles = Array.from({ length: n }, (_, i) => syntheticHandle(i));
  const { rows } = await client.query<{ id: number; handle: string }>(
    `INSERT INTO accounts (platform, platform_user_id, handle, display_name, backfilled_at)
     SELECT 'x', (1000 + i)::text, h, 'Synthetic ' || h, now()
       FROM unnest($1::text[]) WITH ORDINALITY AS t(h, i)
     ON CONFLICT (platform, platform_user_id) DO UPDATE SET handle = EXCLUDED.handle
     RETURNING id, handle`,
    [handles],
  );
  return rows.sort((a, b) => a.handle.localeCompare(b.handle));
}

/** Yields COPY text-format lines in chunks of rows (Readable.from applies backpressure). */
function* copyLines(options: SeedOptions, accountIds: number[]): Generator<string> {
  const CHUNK_ROWS = 1000;
  let chunk = '';
  for (let i = 0; i < options.count; i++) {
    chunk += copyRow(syntheticPost(i, { ...options, accounts: accountIds.length, count: options.count }), accountIds);
    if ((i + 1) % CHUNK_ROWS === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function copyRow(post: SyntheticPost, accountIds: number[]): string {
  const fields = [
    'x',
    post.platformId,
    String(accountIds[post.account]),
    String(1000 + post.account + 1),
    `{${post.platformId}}`,
    copyText(post.text),
    post.lang,
    post.createdAt.toISOString(),
    '{}',
    `{${post.mentions.join(',')}}`,
    `{${post.hashtags.join(',')}}`,
    post.status,
    String(post.versionCount),
    'backfill',
  ];
  return `${fields.join('\t')}\n`;
}

/** Escapes a value for COPY's text format. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}
