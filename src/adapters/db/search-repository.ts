// Search over posts in PostgreSQL: full text (stored tsvector, GIN index),
// ranking, trigram fallback, filters and keyset pagination. Raw SQL lives
// here only, as tagged templates.
//
// Ordering. With words, the newest RANKED_WINDOW matches are ranked by
// ts_rank_cd (recency breaks ties) and come first; matches older than that
// window follow, newest first. Ranking every match of a common word (half the
// archive) on each request cannot answer fast, while the newest few thousand
// can be ranked in milliseconds; paging on never loses a match. Without
// words: every post, newest first.
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from './database.js';
import type { PostRow } from '../../core/post-view.js';
import { markedWords, markWords } from '../../core/highlight.js';
import {
  encodeCursor,
  parseWebQuery,
  type SearchCursor,
  type SearchFilters,
  type SearchRequest,
} from '../../core/search-query.js';

export const RANKED_WINDOW = 1000;
/** How many of the newest (filtered) posts the similarity fallback looks at. */
export const SIMILAR_WINDOW = 20_000;
// A one-letter swap in an 8-letter word scores about 0.38.
const WORD_SIMILARITY_MIN = 0.35;
/** Marks of highlighted words in headlines: control characters that never survive escaping as markup. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_STOP = '\u0003';

export interface SearchRow extends PostRow {
  /** Database id (for keyset cursors and joins); the public id is platformId. */
  id: number;
  score: number;
  headline?: string | null;
  /** Set on matches older than the ranked window (ordered by recency). */
  pastWindow?: boolean;
}

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

const POST_COLUMNS = Prisma.sql`p.id, p.platform, p.platform_id AS "platformId", p.text, p.created_at AS "createdAt",
  p.lang, p.status, p.edit_ids AS "editIds", p.version_count AS "versionCount", p.urls, p.mentions, p.hashtags,
  p.media, p.referenced_posts AS "referencedPosts", p.conversation_id AS "conversationId",
  p.in_reply_to_user_id AS "inReplyToUserId", p.first_seen_at AS "firstSeenAt", p.first_seen_by AS "firstSeenBy",
  p.status_changed_at AS "statusChangedAt", a.platform AS "accountPlatform", a.handle AS "accountHandle"`;

type RawRow = Omit<SearchRow, 'account'> & { accountPlatform: string | null; accountHandle: string | null };

function toSearchRow(raw: RawRow): SearchRow {
  const { accountPlatform, accountHandle, ...rest } = raw;
  return {
    ...rest,
    editIds: rest.editIds ?? [],
    urls: rest.urls ?? [],
    mentions: rest.mentions ?? [],
    hashtags: rest.hashtags ?? [],
    score: Number(rest.score),
    account: accountPlatform && accountHandle ? { platform: accountPlatform, handle: accountHandle } : null,
  };
}

/** The tsquery of a websearch query: each item matches its english stem or its exact (simple) form. */
export function tsquerySql(q: string): Prisma.Sql | undefined {
  const groups = parseWebQuery(q);
  if (groups.length === 0) return undefined;
  // When English drops words (stop words: "no", "the"), the English form would match more than was
  // asked ("no conference" would find any "conference"): then only the exact form is used.
  const item = (text: string) => {
    const english = Prisma.sql`websearch_to_tsquery('english', onrecord_unaccent(${text}))`;
    const simple = Prisma.sql`websearch_to_tsquery('simple', onrecord_unaccent(${text}))`;
    return Prisma.sql`(CASE WHEN numnode(${english}) < numnode(${simple}) THEN ${simple} ELSE ${english} || ${simple} END)`;
  };
  const and = groups.map((g) =>
    Prisma.join(
      g.map((i) => (i.negated ? Prisma.sql`!!${item(i.text)}` : item(i.text))),
      ' && ',
      '(',
      ')',
    ),
  );
  return Prisma.join(and, ' || ', '(', ')');
}

/** The filters as one SQL condition over `posts p`. */
export function filterSql(f: SearchFilters): Prisma.Sql {
  const conds: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.accounts.length) {
    const keys = f.accounts.map((a) => `${a.platform}:${a.handle.toLowerCase()}`);
    conds.push(Prisma.sql`p.account_id IN (
      SELECT ac.id FROM accounts ac WHERE ac.platform || ':' || lower(ac.handle) = ANY(${keys}::text[])
      UNION SELECT h.account_id FROM account_handles h JOIN accounts ac ON ac.id = h.account_id
        WHERE ac.platform || ':' || lower(h.handle) = ANY(${keys}::text[]))`);
  }
  if (f.platform) conds.push(Prisma.sql`p.platform = ${f.platform}`);
  if (f.since) conds.push(Prisma.sql`p.created_at >= ${f.since}`);
  if (f.untilExclusive) conds.push(Prisma.sql`p.created_at < ${f.untilExclusive}`);
  const cited = Prisma.sql`EXISTS (SELECT 1 FROM article_references r WHERE r.post_id = p.id)`;
  if (f.cited !== undefined) conds.push(f.cited ? cited : Prisma.sql`NOT ${cited}`);
  if (f.edited !== undefined) conds.push(f.edited ? Prisma.sql`p.version_count > 1` : Prisma.sql`p.version_count <= 1`);
  if (f.deleted !== undefined) {
    conds.push(f.deleted ? Prisma.sql`p.status = 'deleted'` : Prisma.sql`p.status <> 'deleted'`);
  }
  if (f.lang) conds.push(Prisma.sql`p.lang = ${f.lang}`);
  return Prisma.join(conds, ' AND ');
}

export interface SearchRepositoryOptions {
  rankedWindow?: number;
  similarWindow?: number;
}

export function createSearchRepository(db: Tx, options: SearchRepositoryOptions = {}) {
  const rankedWindow = options.rankedWindow ?? RANKED_WINDOW;
  const similarWindow = options.similarWindow ?? SIMILAR_WINDOW;
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

  /** The ranked window: the newest RANKED_WINDOW matches, best first. */
  async function rankedPage(f: SearchFilters, tsq: Prisma.Sql, limit: number, after: SearchCursor | undefined) {
    const keyset = after
      ? Prisma.sql`(r.rank, r.created_at, r.id) < (${after.rank}::real, ${after.createdAt}, ${after.id})`
      : Prisma.sql`TRUE`;
    // The rank is computed in the same pass that finds the window (no second visit of each row);
    // the tsquery is also written inline in WHERE so that the planner can estimate how many rows
    // match and choose between the GIN index and a walk down the created_at index.
    const rows = await db.$queryRaw<(RawRow & { windowSize: bigint; edgeAt: Date; edgeId: number })[]>`
      WITH q AS MATERIALIZED (SELECT ${tsq} AS tsq),
      r AS MATERIALIZED (
        SELECT p.id, p.created_at, ts_rank_cd(p.search_vector, q.tsq) AS rank FROM posts p CROSS JOIN q
        WHERE p.search_vector @@ ${tsq} AND ${filterSql(f)}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${rankedWindow}
      ), edge AS (SELECT created_at, id FROM r ORDER BY created_at, id LIMIT 1)
      SELECT ${POST_COLUMNS}, r.rank AS score, NULL::text AS headline,
        (SELECT count(*) FROM r) AS "windowSize", (SELECT created_at FROM edge) AS "edgeAt",
        (SELECT id FROM edge) AS "edgeId"
      FROM r JOIN posts p ON p.id = r.id LEFT JOIN accounts a ON a.id = p.account_id
      WHERE ${keyset}
      ORDER BY r.rank DESC, r.created_at DESC, r.id DESC
      LIMIT ${limit}`;
    const first = rows[0];
    if (!first) return { rows: [], edge: after ? await windowEdge(f, tsq) : null };
    const edge = Number(first.windowSize) >= rankedWindow ? { createdAt: first.edgeAt, id: first.edgeId } : null;
    return { rows: rows.map(toSearchRow), edge };
  }

  /** The oldest row of a full ranked window (null when the window holds every match). */
  async function windowEdge(f: SearchFilters, tsq: Prisma.Sql) {
    const rows = await db.$queryRaw<{ createdAt: Date; id: number }[]>`
      SELECT created_at AS "createdAt", id FROM (
        SELECT p.id, p.created_at FROM posts p WHERE p.search_vector @@ ${tsq} AND ${filterSql(f)}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${rankedWindow}) win
      ORDER BY created_at, id`;
    return rows.length >= rankedWindow ? rows[0]! : null;
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
        const ranked = await rankedPage(request, tsq, limit + 1, cursor);
        rows = ranked.rows;
        if (!cursor && rows.length === 0) {
          const similar = await similarPage(request, limit);
          if (opts.headline) await highlight(similar, request.q);
          return { rows: similar, next: null, mode: 'similar' };
        }
        // The window ran out on this page: continue with the older matches.
        after = rows.length <= limit && ranked.edge ? { rank: -1, ...ranked.edge } : undefined;
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
      const rows = await db.$queryRaw<(ExportVersion & { postId: number })[]>`
        SELECT v.post_id AS "postId", v.version_id AS "versionId", v.text, v.created_at AS "createdAt",
          v.captured_at AS "capturedAt", v.content_sha256 AS "contentSha256", v.data,
          CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'source', c.source,
            'requestUrl', c.request_url, 'capturedAt', c.captured_at, 'sha256', c.sha256) END AS capture,
          CASE WHEN c.body LIKE '{%' THEN jsonb_path_query_first(c.body::jsonb, '$.** ? (@.id == $id)',
            jsonb_build_object('id', v.version_id)) END AS raw
        FROM post_versions v LEFT JOIN captures c ON c.id = v.capture_id
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
