// Search over posts in PostgreSQL: full text (stored tsvector, GIN index),
// ranking, trigram fallback, filters and keyset pagination. Raw SQL lives
// here only, as tagged templates.
//
// Ordering. With words, the newest RANKED_WINDOW matches are ranked by
// ts_rank_cd (recency breaks ties) and come first; matches older than that
// window follow, newest first. Ranking every match of a common word (half the
// archive) on each request cannot answer fast, while the newest few hundred
// can be ranked in milliseconds; paging on never loses a match. Without
// words: every post, newest first. See ranked-window.ts for how the window is found.
import { Prisma } from '../../generated/prisma/client.js';
import { filterSql, POST_COLUMNS, toSearchRow, tsquerySql, type RawRow, type SearchRow } from './search-sql.js';
import { createRankedWindow } from './ranked-window.js';
import type { Prisma as PrismaClient, Tx } from './database.js';
import { withStatementTimeout } from './statement-timeout.js';
import { markedWords, markWords } from '../../core/highlight.js';
import { parseCaptureBody } from '../../core/raw-payload.js';
import { findRawVersion } from '../../core/platforms.js';
import { encodeCursor, type SearchCursor, type SearchFilters, type SearchRequest } from '../../core/search-query.js';

export const RANKED_WINDOW = 500;
/** How many of the newest (filtered) posts the similarity fallback looks at. */
export const SIMILAR_WINDOW = 20_000;
// A one-letter swap in an 8-letter word scores about 0.38.
const WORD_SIMILARITY_MIN = 0.35;
/** Marks of highlighted words in headlines: control characters that never survive escaping as markup. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_STOP = '\u0003';

/** One version of a post as exports keep it. */
export interface ExportVersion {
  versionId: string;
  text: string;
  createdAt: Date;
  capturedAt: Date;
  contentSha256: string;
  data: unknown;
  capture: { id: number; source: string; requestUrl: string | null; capturedAt: string; sha256: string } | null;
  /** The version's object in the raw capture payload, exactly as received. */
  raw: unknown;
}

export { filterSql, tsquerySql, type SearchRow };

export type SearchMode = 'recent' | 'fulltext' | 'similar';

export interface SearchPage {
  rows: SearchRow[];
  next: string | null;
  mode: SearchMode;
}

export interface SearchOptions {
  /** Also return the text with matches between HIGHLIGHT_START and HIGHLIGHT_STOP. */
  headline?: boolean;
}

export interface SearchRepositoryOptions {
  rankedWindow?: number;
  similarWindow?: number;
}

/**
 * A factory over the database; every method takes an optional transaction
 * (the timed repository below runs each search in one with a statement timeout).
 */
export function createSearchRepository(db: PrismaClient, options: SearchRepositoryOptions = {}) {
  const rankedWindow = options.rankedWindow ?? RANKED_WINDOW;
  const similarWindow = options.similarWindow ?? SIMILAR_WINDOW;
  const ranked = createRankedWindow(rankedWindow);
  /** Newest first, after `after`: the order without words, past the ranked window, and of exports. */
  async function recentPage(tx: Tx, f: SearchFilters, limit: number, after: SearchCursor | undefined) {
    const tsq = tsquerySql(f.q);
    const match = tsq ? Prisma.sql`p.search_vector @@ ${tsq}` : Prisma.sql`TRUE`;
    const score = tsq ? Prisma.sql`ts_rank_cd(p.search_vector, ${tsq})` : Prisma.sql`0::real`;
    const keyset = after ? Prisma.sql`(p.created_at, p.id) < (${after.createdAt}, ${after.id})` : Prisma.sql`TRUE`;
    const rows = await tx.$queryRaw<RawRow[]>`
      SELECT ${POST_COLUMNS}, ${score} AS score, NULL::text AS headline
      FROM posts p LEFT JOIN accounts a ON a.id = p.account_id
      WHERE ${match} AND ${filterSql(f)} AND ${keyset}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT ${limit}`;
    return rows.map(toSearchRow);
  }

  /** Near-misses: trigram similarity of the words to the newest posts' text and to account handles. */
  async function similarPage(tx: Tx, f: SearchFilters, limit: number) {
    const q = f.q.toLowerCase();
    const rows = await tx.$queryRaw<RawRow[]>`
      WITH recent AS (
        SELECT p.id FROM posts p WHERE ${filterSql(f)} ORDER BY p.created_at DESC, p.id DESC LIMIT ${similarWindow}
      ), scored AS (
        SELECT p.id, greatest(
          word_similarity(onrecord_unaccent(${q}), onrecord_unaccent(lower(p.text))),
          coalesce(similarity(lower(a.handle), ltrim(${q}, '@')), 0)) AS score
        FROM recent JOIN posts p ON p.id = recent.id LEFT JOIN accounts a ON a.id = p.account_id
      )
      SELECT ${POST_COLUMNS}, s.score::real AS score, NULL::text AS headline
      FROM scored s JOIN posts p ON p.id = s.id LEFT JOIN accounts a ON a.id = p.account_id
      WHERE s.score >= ${WORD_SIMILARITY_MIN}
      ORDER BY s.score DESC, p.created_at DESC, p.id DESC
      LIMIT ${limit}`;
    return rows.map(toSearchRow);
  }

  /** The parsed payloads of captures by id (those that are JSON). */
  async function capturePayloads(tx: Tx, ids: number[]): Promise<Map<number, unknown>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.$queryRaw<{ id: number; body: string; encoding: string }[]>`
      SELECT id, body, body_encoding AS encoding FROM captures WHERE id = ANY(${ids}::int[])`;
    return new Map(rows.map((r) => [r.id, parseCaptureBody(r.encoding, r.body)]));
  }

  /** Marks the matched words of each row's own text (accents kept; see core/highlight.ts). */
  async function highlight(tx: Tx, rows: SearchRow[], q: string): Promise<void> {
    const tsq = tsquerySql(q);
    if (!tsq || rows.length === 0) return;
    const opts = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, HighlightAll=true`;
    const found = await tx.$queryRaw<{ id: number; headline: string }[]>`
      SELECT p.id, ts_headline('english', onrecord_unaccent(p.text), ${tsq}, ${opts}) AS headline
      FROM posts p WHERE p.id = ANY(${rows.map((r) => r.id)}::int[])`;
    const byId = new Map(found.map((h) => [h.id, markedWords(h.headline, HIGHLIGHT_START, HIGHLIGHT_STOP)]));
    for (const row of rows) {
      const words = byId.get(row.id);
      row.headline = words ? markWords(row.text, words, HIGHLIGHT_START, HIGHLIGHT_STOP) : null;
    }
  }

  return {
    async search(request: SearchRequest, opts: SearchOptions = {}, tx: Tx = db): Promise<SearchPage> {
      const { limit, cursor } = request;
      const tsq = tsquerySql(request.q);
      if (!tsq) {
        const rows = await recentPage(tx, request, limit + 1, cursor);
        return pageOf(rows, limit, 'recent');
      }
      let rows: SearchRow[] = [];
      let after = cursor;
      if (!cursor || cursor.rank >= 0) {
        const window = await ranked.page(tx, request, tsq, limit + 1, cursor);
        rows = window.rows;
        if (!cursor && rows.length === 0) {
          const similar = await similarPage(tx, request, limit);
          if (opts.headline) await highlight(tx, similar, request.q);
          return { rows: similar, next: null, mode: 'similar' };
        }
        // The window ran out on this page: continue with the older matches.
        after = rows.length <= limit && window.edge ? { rank: -1, ...window.edge } : undefined;
      }
      if (after) {
        const older = await recentPage(tx, request, limit + 1 - rows.length, after);
        rows = rows.concat(older.map((r) => ({ ...r, pastWindow: true })));
      }
      const page = pageOf(rows, limit, 'fulltext');
      if (opts.headline) await highlight(tx, page.rows, request.q);
      return page;
    },

    /** Those of the given posts that match the filters, newest first (what a live page adds). */
    async among(
      filters: SearchFilters,
      posts: { platform: string; id: string }[],
      opts: SearchOptions = {},
      tx: Tx = db,
    ) {
      if (posts.length === 0) return [];
      const tsq = tsquerySql(filters.q);
      const rows = await tx.$queryRaw<RawRow[]>`
        SELECT ${POST_COLUMNS}, ${tsq ? Prisma.sql`ts_rank_cd(p.search_vector, ${tsq})` : Prisma.sql`0::real`} AS score,
          NULL::text AS headline
        FROM posts p LEFT JOIN accounts a ON a.id = p.account_id
        WHERE (p.platform, p.platform_id) IN (SELECT * FROM unnest(${posts.map((p) => p.platform)}::text[],
            ${posts.map((p) => p.id)}::text[]))
          AND ${tsq ? Prisma.sql`p.search_vector @@ ${tsq}` : Prisma.sql`TRUE`} AND ${filterSql(filters)}
        ORDER BY p.created_at DESC, p.id DESC`;
      const found = rows.map(toSearchRow);
      if (opts.headline) await highlight(tx, found, filters.q);
      return found;
    },

    /** The newest matches (feeds are chronological whatever the words). */
    newest: (filters: SearchFilters, limit: number, tx: Tx = db) => recentPage(tx, filters, limit, undefined),

    /** Every match, newest first, in batches (constant memory, for exports). */
    async *scan(filters: SearchFilters, batchSize = 1000, tx: Tx = db): AsyncGenerator<SearchRow[]> {
      let after: SearchCursor | undefined;
      for (;;) {
        const rows = await recentPage(tx, filters, batchSize, after);
        if (rows.length) yield rows;
        if (rows.length < batchSize) return;
        const last = rows.at(-1)!;
        after = { rank: -1, createdAt: last.createdAt, id: last.id };
      }
    },

    /**
     * Every version of the given posts, oldest first, with the stored data and the raw
     * object of that version as the source sent it (found in its capture by id).
     */
    async versionsOf(postIds: number[], tx: Tx = db): Promise<Map<number, ExportVersion[]>> {
      // A version imported from onrecord's own export keeps the line it came
      // from as its capture; the original capture and raw payload are read
      // back from that line, so that an export of an import is the export
      // that was imported.
      const rows = await tx.$queryRaw<
        (Omit<ExportVersion, 'raw'> & {
          postId: number;
          platform: string;
          captureId: number | null;
          isOnrecordLine: boolean;
        })[]
      >`
        SELECT v.post_id AS "postId", p.platform, v.version_id AS "versionId", v.text, v.created_at AS "createdAt",
          v.captured_at AS "capturedAt", v.content_sha256 AS "contentSha256", v.data, v.capture_id AS "captureId",
          coalesce(c.source LIKE '%:import-onrecord', false) AS "isOnrecordLine",
          CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'source', c.source,
            'requestUrl', c.request_url, 'capturedAt', c.captured_at, 'sha256', c.sha256) END AS capture
        FROM post_versions v JOIN posts p ON p.id = v.post_id LEFT JOIN captures c ON c.id = v.capture_id
        WHERE v.post_id = ANY(${postIds}::int[])
        ORDER BY v.post_id, v.created_at, v.id`;
      // Payloads are parsed here rather than cast to jsonb in SQL: PostgreSQL's jsonb refuses
      // what JSON allows (\u0000, lone surrogates), and one such capture would fail the batch.
      const payloads = await capturePayloads(tx, [...new Set(rows.flatMap((r) => (r.captureId ? [r.captureId] : [])))]);
      const byPost = new Map<number, ExportVersion[]>();
      for (const { postId, platform, captureId, isOnrecordLine, ...version } of rows) {
        const payload = captureId === null ? undefined : payloads.get(captureId);
        const exported = isOnrecordLine ? exportedVersion(payload, version.versionId) : undefined;
        const raw = exported
          ? exported.raw
          : payload === undefined
            ? null
            : findRawVersion(platform, payload, version.versionId);
        const capture = exported ? exported.capture : version.capture;
        byPost.set(postId, [...(byPost.get(postId) ?? []), { ...version, capture, raw }]);
      }
      return byPost;
    },

    /** How many posts match (for progress bars). */
    async count(filters: SearchFilters, tx: Tx = db): Promise<number> {
      const tsq = tsquerySql(filters.q);
      const match = tsq ? Prisma.sql`p.search_vector @@ ${tsq}` : Prisma.sql`TRUE`;
      const [row] = await tx.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM posts p WHERE ${match} AND ${filterSql(filters)}`;
      return Number(row?.n ?? 0);
    },

    /** Accounts whose handle is like q (trigram index on lower(handle)), most similar first. */
    async similarAccounts(q: string, limit = 10, tx: Tx = db) {
      const needle = q.replace(/^@/, '').toLowerCase();
      return tx.$queryRaw<{ id: number; platform: string; handle: string; similarity: number }[]>`
        SELECT id, platform, handle, similarity(lower(handle), ${needle}) AS similarity FROM accounts
        WHERE lower(handle) % ${needle} OR lower(handle) LIKE ${`%${needle.replace(/[\\%_]/g, '\\$&')}%`}
        ORDER BY similarity DESC, handle LIMIT ${limit}`;
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;

/**
 * The search repository with each search under a statement timeout (in its own
 * transaction): a query too costly to answer ends as QueryTimeout. Export
 * scans and version reads stay as they are (each batch is a keyset read).
 */
export function createTimedSearchRepository(
  prisma: PrismaClient,
  timeoutMs: number,
  options: SearchRepositoryOptions = {},
): SearchRepository {
  const repo = createSearchRepository(prisma, options);
  // A caller's own transaction is used as it is: its timeout is the caller's.
  const timed = <T>(tx: Tx | undefined, fn: (tx: Tx) => Promise<T>) =>
    tx ? fn(tx) : withStatementTimeout(prisma, timeoutMs, 'the search', fn);
  return {
    ...repo,
    search: (request, opts, tx) => timed(tx, (t) => repo.search(request, opts, t)),
    newest: (filters, limit, tx) => timed(tx, (t) => repo.newest(filters, limit, t)),
    count: (filters, tx) => timed(tx, (t) => repo.count(filters, t)),
    similarAccounts: (q, limit, tx) => timed(tx, (t) => repo.similarAccounts(q, limit, t)),
  };
}

function pageOf(rows: SearchRow[], limit: number, mode: SearchMode): SearchPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  if (rows.length <= limit || !last) return { rows: page, next: null, mode };
  // Past the ranked window (and without words) the order is by recency alone: rank -1 says so.
  const rank = mode === 'fulltext' && !last.pastWindow ? last.score : mode === 'recent' ? 0 : -1;
  return { rows: page, next: encodeCursor({ rank, createdAt: last.createdAt, id: last.id }), mode };
}

/** The version of an onrecord export line (what `import --format onrecord` kept as the capture). */
function exportedVersion(
  line: unknown,
  versionId: string,
): { capture: ExportVersion['capture']; raw: unknown } | undefined {
  const versions = (line as { versions?: unknown } | null)?.versions;
  if (!Array.isArray(versions)) return undefined;
  const found = versions.find((v) => (v as { versionId?: unknown } | null)?.versionId === versionId) as
    { capture?: ExportVersion['capture']; raw?: unknown } | undefined;
  return found && { capture: found.capture ?? null, raw: found.raw ?? null };
}
