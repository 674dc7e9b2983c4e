// Counts and times for `stats` and health: one round trip.
import type { Prisma, Tx } from './database.js';

export interface ArchiveStats {
  accounts: number;
  posts: number;
  versions: number;
  captures: number;
  problems: number;
  articles: number;
  references: number;
  events: number;
  deliveries: number;
  pollRuns: number;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastPostAt: string | null;
  /** Accounts whose last poll failed (by error code). */
  accountErrors: Record<string, number>;
  /** True when X's usage cap stopped polling (the last error of an account). */
  usageCapped: boolean;
}

interface Row {
  accounts: bigint;
  posts: bigint;
  versions: bigint;
  captures: bigint;
  problems: bigint;
  articles: bigint;
  references: bigint;
  events: bigint;
  deliveries: bigint;
  poll_runs: bigint;
  last_poll_at: Date | null;
  last_success_at: Date | null;
  last_post_at: Date | null;
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;

export function createStatsRepository(db: Prisma) {
  return {
    /** Counts of every table and the times of the latest polls (for `stats` and health). */
    archive: (tx: Tx = db) => archiveStats(tx),
  };
}

async function archiveStats(db: Tx): Promise<ArchiveStats> {
  const [row] = await db.$queryRaw<Row[]>`SELECT
      (SELECT count(*) FROM accounts) AS accounts,
      (SELECT count(*) FROM posts) AS posts,
      (SELECT count(*) FROM post_versions) AS versions,
      (SELECT count(*) FROM captures) AS captures,
      (SELECT count(*) FROM ingest_problems) AS problems,
      (SELECT count(*) FROM articles) AS articles,
      (SELECT count(*) FROM article_references) AS references,
      (SELECT count(*) FROM events) AS events,
      (SELECT count(*) FROM deliveries) AS deliveries,
      (SELECT count(*) FROM poll_runs) AS poll_runs,
      (SELECT max(last_polled_at) FROM accounts) AS last_poll_at,
      (SELECT max(last_success_at) FROM accounts) AS last_success_at,
      (SELECT max(last_post_at) FROM accounts) AS last_post_at`;
  const errors = await db.account.groupBy({
    by: ['lastErrorCode'],
    where: { lastErrorCode: { not: null } },
    _count: true,
  });
  const accountErrors = Object.fromEntries(errors.map((e) => [e.lastErrorCode!, e._count]));
  const r = row!;
  return {
    accounts: Number(r.accounts),
    posts: Number(r.posts),
    versions: Number(r.versions),
    captures: Number(r.captures),
    problems: Number(r.problems),
    articles: Number(r.articles),
    references: Number(r.references),
    events: Number(r.events),
    deliveries: Number(r.deliveries),
    pollRuns: Number(r.poll_runs),
    lastPollAt: r.last_poll_at?.toISOString() ?? null,
    lastSuccessAt: r.last_success_at?.toISOString() ?? null,
    lastPostAt: r.last_post_at?.toISOString() ?? null,
    accountErrors,
    usageCapped: (accountErrors.usage_capped ?? 0) > 0,
  };
}
