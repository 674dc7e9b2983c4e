// Read models for the HTTP API, the pages and the feeds: an account with its
// activity, a post with its versions and the articles citing it, an article
// with its references, the alert rules. Read-only; writes belong to the
// repositories of each aggregate. A factory over the database; every method
// takes an optional transaction (reads that must agree with each other).
import type { Prisma, Tx } from './database.js';
import type { AccountActivity } from '../../core/freshness.js';
import type { PostRow } from '../../core/post-view.js';
import { withArchivedUserId } from './post-id-resolution.js';

const POST_INCLUDE = { account: { select: { platform: true, handle: true } } } as const;

export interface AccountSummary extends AccountActivity {
  id: number;
  platform: string;
  handle: string;
  displayName: string | null;
  statusDetail: string | null;
  postCount: number;
  lastPolledAt: Date | null;
}

export function createArchiveReadRepository(db: Prisma) {
  async function accountSummaries(
    tx: Tx,
    where: { platform: string; handle: string } | null,
  ): Promise<AccountSummary[]> {
    const rows = await tx.$queryRaw<(Omit<AccountSummary, 'postCount'> & { postCount: bigint })[]>`
      SELECT a.id, a.platform, a.handle, a.display_name AS "displayName", a.status, a.status_detail AS "statusDetail",
        a.last_polled_at AS "lastPolledAt", a.last_success_at AS "lastSuccessAt", a.last_error_at AS "lastErrorAt",
        a.last_error_code AS "lastErrorCode", a.last_error AS "lastError",
        a.paused_until AS "pausedUntil", a.pause_code AS "pauseCode", a.pause_reason AS "pauseReason",
        (SELECT count(*) FROM posts p WHERE p.account_id = a.id) AS "postCount",
        (SELECT max(p.created_at) FROM posts p WHERE p.account_id = a.id) AS "lastPostAt",
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FROM (
           SELECT extract(epoch FROM created_at - lag(created_at) OVER (ORDER BY created_at)) * 1000 AS gap
           FROM (SELECT created_at FROM posts p WHERE p.account_id = a.id ORDER BY created_at DESC LIMIT 21) recent
         ) gaps WHERE gap IS NOT NULL) AS "usualGapMs"
      FROM accounts a
      WHERE ${where === null} OR (a.platform = ${where?.platform ?? ''} AND lower(a.handle) = lower(${where?.handle ?? ''}))
        OR (${where !== null} AND a.id IN (SELECT h.account_id FROM account_handles h
              WHERE lower(h.handle) = lower(${where?.handle ?? ''})))
      ORDER BY a.platform, lower(a.handle)`;
    return rows.map((r) => ({
      ...r,
      postCount: Number(r.postCount),
      usualGapMs: r.usualGapMs === null ? null : Number(r.usualGapMs),
    }));
  }

  return {
    listAccounts: (tx: Tx = db) => accountSummaries(tx, null),

    async findAccount(platform: string, handle: string, tx: Tx = db): Promise<AccountSummary | null> {
      const [account] = await accountSummaries(tx, { platform, handle });
      return account ?? null;
    },

    /** Posts per UTC day of an account over its whole history (for the frequency chart). */
    async postsPerDay(accountId: number, tx: Tx = db): Promise<{ day: string; posts: number }[]> {
      const rows = await tx.$queryRaw<{ day: string; posts: bigint }[]>`
        SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS posts
        FROM posts WHERE account_id = ${accountId} GROUP BY 1 ORDER BY 1`;
      return rows.map((r) => ({ day: r.day, posts: Number(r.posts) }));
    },

    /** A post by any ID of its edit chain, with its versions and the articles citing it. */
    async findPost(platform: string, typed: string, tx: Tx = db) {
      const id = await withArchivedUserId(tx, platform, typed);
      const post = await tx.post.findFirst({
        where: { platform, OR: [{ platformId: id }, { editIds: { has: id } }] },
        include: {
          ...POST_INCLUDE,
          versions: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
          references: {
            include: { article: { select: { id: true, url: true, title: true, siteName: true, publishedAt: true } } },
            orderBy: { createdAt: 'asc' },
          },
        },
      });
      return post as (typeof post & PostRow) | null;
    },

    async findArticle(id: number, tx: Tx = db) {
      return tx.article.findUnique({
        where: { id },
        include: {
          references: { include: { post: { include: POST_INCLUDE } }, orderBy: { id: 'asc' } },
          snapshots: { select: { id: true, sha256: true, contentType: true, fetchedFrom: true, capturedAt: true } },
        },
      });
    },

    async listAlertRules(tx: Tx = db) {
      return tx.alertRule.findMany({ orderBy: { id: 'asc' } });
    },
  };
}

export type ArchiveReadRepository = ReturnType<typeof createArchiveReadRepository>;
