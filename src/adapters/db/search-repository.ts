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
import type { Tx } from './database.js';
import { markedWords, markWords } from '../../core/highlight.js';
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

export function createSearchRepository(db: Tx, options: SearchRepositoryOptions = {}) {
  const rankedWindow = options.rankedWindow ?? RANKED_WINDOW;
  const similarWindow = options.similarWindow ?? SIMILAR_WINDOW;
  const ranked = createRankedWindow(db, rankedWindow);
  /** Newest first, after `after`: the order without words, past the ranked window, and of exports. */
  async function recentPage(f: SearchFilters, limit: number, after: SearchCursor | undefined) {
    const tsq = tsquerySql(f.q);
    const match = tsq ? Prisma.sql`p.search_vector @@ ${tsq}` : Prisma.sql`TRUE`;
    const score = tsq ? Prisma.sql`ts_rank_cd(p.search_vector, ${tsq})` : Prisma.sql`0::real`;
    const keyset = after ? Prisma.sql`(p.created_at, p.id) < (${after.createdAt}, ${after.id})` : Prisma.sql`TRUE`;
    const rows = await db.$queryRaw<RawRow[]>`
      SELECT ${POST_COLUMNS}, ${score} AS score, NULL::text AS headline
      FROM posts p LEFT JOIN accounts a ON a.id = p.account_id
      WHERE ${match} AND ${filterSql(f)} AND ${keyset}
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT ${limit}`;
    return rows.map(toSearchRow);
  }

  /** Near-misses: trigram similarity of the words to the newest posts' text and to account handles. */
  async function similarPage(f: SearchFilters, limit: number) {
    const q = f.q.toLowerCase();
    const rows = await db.$queryRaw<RawRow[]>`
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

  /** Marks the matched words of each row's own text (accents kept; see core/highlight.ts). */
  async function highlight(rows: SearchRow[], q: string): Promise<void> {
    const tsq = tsquerySql(q);
    if (!tsq || rows.length === 0) return;
    const opts = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, HighlightAll=true`;
    const found = await db.$queryRaw<{ id: number; headline: string }[]>`
      SELECT p.id, ts_headline('english', onrecord_unaccent(p.text), ${tsq}, ${opts}) AS headline
      FROM posts p WHERE p.id = ANY(${rows.map((r) => r.id)}::int[])`;
    const byId = new Map(found.map((h) => [h.id, markedWords(h.headline, HIGHLIGHT_START, HIGHLIGHT_STOP)]));
    for (const row of rows) {
      const words = byId.get(row.id);
      row.headline = words ? markWords(row.text, words, HIGHLIGHT_START, HIGHLIGHT_STOP) : null;
    }
  }

  return {
    async search(request: SearchRequest, opts: SearchOptions = {}): Promise<SearchPage> {
      const { limit, cursor } = request;
      const tsq = tsquerySql(request.q);
      if (!tsq) {
        const rows = await recentPage(request, limit + 1, cursor);
        return pageOf(rows, limit, 'recent');
      }
      let rows: SearchRow[] = [];
      let after = cursor;
      if (!cursor || cursor.rank >= 0) {
        const window = await ranked.page(request, tsq, limit + 1, cursor);
        rows = window.rows;
        if (!cursor && rows.length === 0) {
          const similar = await similarPage(request, limit);
          if (opts.headline) await highlight(similar, request.q);
          return { rows: similar, next: null, mode: 'similar' };
        }
        // The window ran out on this page: continue with the older matches.
        after = rows.length <= limit && window.edge ? { rank: -1, ...window.edge } : undefined;
      }
      if (after) {
        const older = await recentPage(request, limit + 1 - rows.length, after);
        rows = rows.concat(older.map((r) => ({ ...r, pastWindow: true })));
      }
      const page = pageOf(rows, limit, 'fulltext');
      if (opts.headline) await highlight(page.rows, request.q);
      return page;
    },

    /** The newest matches (feeds are chronological whatever the words). */
    newest: (filters: SearchFilters, limit: number) => recentPage(filters, limit, undefined),

    /** Every match, newest first, in batches (constant memory, for exports). */
    async *scan(filters: SearchFilters, batchSize = 1000): AsyncGenerator<SearchRow[]> {
      let after: SearchCursor | undefined;
      for (;;) {
        const rows = await recentPage(filters, batchSize, after);
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
    async versionsOf(postIds: number[]): Promise<Map<number, ExportVersion[]>> {
      // A version imported from onrecord's own export keeps the line it came
      // from as its capture; the original capture and raw payload are read
      // back from that line, so that an export of an import is the export
      // that was imported.
      const rows = await db.$queryRaw<(ExportVersion & { postId: number })[]>`
        SELECT v.post_id AS "postId", v.version_id AS "versionId", v.text, v.created_at AS "createdAt",
          v.captured_at AS "capturedAt", v.content_sha256 AS "contentSha256", v.data,
          CASE WHEN c.id IS NULL THEN NULL WHEN o.v IS NOT NULL THEN nullif(o.v->'capture', 'null')
            ELSE jsonb_build_object('id', c.id, 'source', c.source, 'requestUrl', c.request_url,
              'capturedAt', c.captured_at, 'sha256', c.sha256) END AS capture,
          CASE WHEN o.v IS NOT NULL THEN nullif(o.v->'raw', 'null')
            WHEN c.body LIKE '{%' THEN jsonb_path_query_first(c.body::jsonb, '$.** ? (@.id == $id)',
            jsonb_build_object('id', v.version_id)) END AS raw
        FROM post_versions v LEFT JOIN captures c ON c.id = v.capture_id
          LEFT JOIN LATERAL (SELECT e AS v FROM jsonb_array_elements(
              CASE WHEN c.source LIKE '%:import-onrecord' THEN c.body::jsonb->'versions' END) AS e
            WHERE e->>'versionId' = v.version_id LIMIT 1) o ON TRUE
        WHERE v.post_id = ANY(${postIds}::int[])
        ORDER BY v.post_id, v.created_at, v.id`;
      const byPost = new Map<number, ExportVersion[]>();
      for (const { postId, ...version } of rows) byPost.set(postId, [...(byPost.get(postId) ?? []), version]);
      return byPost;
    },

    /** How many posts match (for progress bars). */
    async count(filters: SearchFilters): Promise<number> {
      const tsq = tsquerySql(filters.q);
      const match = tsq ? Prisma.sql`p.search_vector @@ ${tsq}` : Prisma.sql`TRUE`;
      const [row] = await db.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM posts p WHERE ${match} AND ${filterSql(filters)}`;
      return Number(row?.n ?? 0);
    },

    /** Accounts whose handle is like q (trigram index on lower(handle)), most similar first. */
    async similarAccounts(q: string, limit = 10) {
      const needle = q.replace(/^@/, '').toLowerCase();
      return db.$queryRaw<{ id: number; platform: string; handle: string; similarity: number }[]>`
        SELECT id, platform, handle, similarity(lower(handle), ${needle}) AS similarity FROM accounts
        WHERE lower(handle) % ${needle} OR lower(handle) LIKE ${`%${needle.replace(/[\\%_]/g, '\\$&')}%`}
        ORDER BY similarity DESC, handle LIMIT ${limit}`;
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;

function pageOf(rows: SearchRow[], limit: number, mode: SearchMode): SearchPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  if (rows.length <= limit || !last) return { rows: page, next: null, mode };
  // Past the ranked window (and without words) the order is by recency alone: rank -1 says so.
  const rank = mode === 'fulltext' && !last.pastWindow ? last.score : mode === 'recent' ? 0 : -1;
  return { rows: page, next: encodeCursor({ rank, createdAt: last.createdAt, id: last.id }), mode };
}
