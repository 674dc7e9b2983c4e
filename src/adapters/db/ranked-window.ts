// The ranked window of a search: the newest N matches, ranked by ts_rank_cd,
// one page of them after a keyset cursor. The newest N matches are looked for
// in the newest slice of the archive first (whole UTC days from a created_at
// quantile of the table statistics), widened once when the slice held too
// few, and in the whole archive otherwise. The result is the same in every case; only
// the work differs (a phrase with 10k matches visits ~1k rows, not 10k).
import { Prisma } from '../../generated/prisma/client.js';
import {
  FIRST_SLICE_FRACTION,
  nextSliceFraction,
  parseWebQuery,
  type SearchCursor,
  type SearchFilters,
} from '../../core/search-query.js';
import type { Tx } from './database.js';
import {
  filterSql,
  hasSources,
  POST_COLUMNS,
  sourceAccountIdsSql,
  toSearchRow,
  type RawRow,
  type SearchRow,
} from './search-sql.js';

const STATS_TTL_MS = 60_000;
/** Accounts with less than this share of the archive are searched whole, without slices. */
const SLICED_ACCOUNT_SHARE = 0.25;

interface WindowResult {
  rows: SearchRow[];
  /** How many matches the window holds (at most its size). */
  size: number;
  /** The oldest row of a full window (where older matches continue), null when not full. */
  edge: { createdAt: Date; id: number } | null;
}

type Row = RawRow & { windowSize: bigint; edgeAt: Date | null; edgeId: number | null };

export function createRankedWindow(windowSize: number) {
  let quantiles: { at: number; bounds: Date[] } | undefined;
  const shares = new Map<string, { at: number; share: number }>();

  /** created_at histogram bounds of posts (ascending), from ANALYZE; cached for a minute. */
  async function bounds(db: Tx): Promise<Date[]> {
    if (quantiles && Date.now() - quantiles.at < STATS_TTL_MS) return quantiles.bounds;
    const [row] = await db.$queryRaw<{ bounds: Date[] | null }[]>`
      SELECT histogram_bounds::text::timestamptz[] AS bounds FROM pg_stats
      WHERE schemaname = current_schema() AND tablename = 'posts' AND attname = 'created_at'`;
    quantiles = { at: Date.now(), bounds: row?.bounds ?? [] };
    return quantiles.bounds;
  }

  /**
   * The share of the archive posted by the accounts of the filter (and the channels of its actors), from the most common
   * account_id values of the table statistics (an account not among them counts as none);
   * cached for a minute.
   */
  async function accountShare(db: Tx, f: SearchFilters): Promise<number> {
    const key = JSON.stringify([f.accounts, f.actors ?? []]);
    const cached = shares.get(key);
    if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.share;
    const [row] = await db.$queryRaw<{ share: number }[]>`
      SELECT coalesce(sum(m.freq), 0)::float8 AS share FROM pg_stats s,
        unnest(s.most_common_vals::text::int[], s.most_common_freqs) AS m(id, freq)
      WHERE s.schemaname = current_schema() AND s.tablename = 'posts' AND s.attname = 'account_id'
        AND m.id IN (${sourceAccountIdsSql(f) ?? Prisma.sql`SELECT NULL::int`})`;
    if (shares.size >= 1000) shares.clear();
    shares.set(key, { at: Date.now(), share: Number(row?.share ?? 0) });
    return Number(row?.share ?? 0);
  }

  async function query(
    db: Tx,
    f: SearchFilters,
    tsq: Prisma.Sql,
    limit: number,
    after: SearchCursor | undefined,
    from?: Date,
  ) {
    // PostgreSQL estimates a phrase from its words as if they were independent: far fewer
    // matches than there are (29 for 10 000), so with accounts it would fetch every match of
    // the phrase and drop other accounts' posts afterwards. Read from q, the tsquery gets the
    // default estimate, and one scan of the GIN index over (words, day, account) answers both.
    const words = !from && hasSources(f) && hasPhrase(f.q) ? Prisma.sql`(SELECT q.tsq FROM q)` : Prisma.sql`${tsq}`;
    const keyset = after
      ? Prisma.sql`(r.rank, r.created_at, r.id) < (${after.rank}::real, ${after.createdAt}, ${after.id})`
      : Prisma.sql`TRUE`;
    // Written as the expression of posts_search_vector_day_account_idx: one GIN scan answers words and slice.
    const slice = from
      ? Prisma.sql`(p.created_at AT TIME ZONE 'UTC')::date >= ${from.toISOString().slice(0, 10)}::date`
      : Prisma.sql`TRUE`;
    // Rank in the same pass that finds the window; the tsquery is also inline in WHERE (unless
    // `words` says otherwise) so the planner can estimate how many rows match. A one-row `meta`
    // keeps the window's size and edge even when the keyset leaves no row on this page.
    const rows = await db.$queryRaw<Row[]>`
      WITH q AS MATERIALIZED (SELECT ${tsq} AS tsq),
      r AS MATERIALIZED (
        SELECT p.id, p.created_at, ts_rank_cd(p.search_vector, q.tsq) AS rank FROM posts p CROSS JOIN q
        WHERE p.search_vector @@ ${words} AND ${filterSql(f)} AND ${slice}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${windowSize}
      ),
      meta AS (SELECT count(*) AS n FROM r),
      edge AS (SELECT created_at, id FROM r ORDER BY created_at, id LIMIT 1),
      pg AS (SELECT * FROM r WHERE ${keyset} ORDER BY rank DESC, created_at DESC, id DESC LIMIT ${limit})
      SELECT ${POST_COLUMNS}, pg.rank AS score, NULL::text AS headline, meta.n AS "windowSize",
        edge.created_at AS "edgeAt", edge.id AS "edgeId"
      FROM meta LEFT JOIN edge ON TRUE LEFT JOIN pg ON TRUE
        LEFT JOIN posts p ON p.id = pg.id LEFT JOIN accounts a ON a.id = p.account_id
      ORDER BY pg.rank DESC, pg.created_at DESC, pg.id DESC`;
    const size = Number(rows[0]?.windowSize ?? 0);
    const first = rows[0];
    return {
      rows: rows.filter((r) => r.id !== null).map(toSearchRow),
      size,
      edge: size >= windowSize && first?.edgeAt ? { createdAt: first.edgeAt, id: first.edgeId! } : null,
    };
  }

  return {
    async page(
      db: Tx,
      f: SearchFilters,
      tsq: Prisma.Sql,
      limit: number,
      after: SearchCursor | undefined,
    ): Promise<WindowResult> {
      const b = await bounds(db);
      // A date range already narrows the search (and the btree on created_at serves it); the
      // newest slice of the whole archive may not even overlap it.
      const dated = f.since !== undefined || f.untilExclusive !== undefined;
      // So do accounts that hold a small share of the archive: the GIN index over (words, day,
      // account) finds their matches directly, and a slice would first look at few of them.
      const slicing =
        b.length >= 20 && !dated && !(hasSources(f) && (await accountShare(db, f)) < SLICED_ACCOUNT_SHARE);
      let fraction: number | null = slicing ? FIRST_SLICE_FRACTION : null;
      for (let tries = 0; fraction !== null && tries < 2; tries++) {
        const from = b[Math.floor((1 - fraction) * (b.length - 1))]!;
        const result = await query(db, f, tsq, limit, after, from);
        if (result.size >= windowSize) return result;
        fraction = nextSliceFraction(result.size, fraction, windowSize);
      }
      return query(db, f, tsq, limit, after);
    },
  };
}

/** Whether the query holds a quoted phrase of more than one word. */
function hasPhrase(q: string): boolean {
  return parseWebQuery(q).some((group) => group.some((item) => item.text.startsWith('"') && /\s/.test(item.text)));
}
