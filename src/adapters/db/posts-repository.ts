// The posts aggregate: posts, their versions and the captures that showed
// them, their status, and the cursors of the sources that read them. A
// factory over the database; every method takes an optional transaction:
// writes given one join the caller's unit of work (the cursor moves in the
// transaction of the posts it covers), writes without one run in a
// transaction of their own. Storing a batch: post-batch.ts; status changes:
// post-edits.ts.
import type { Prisma, Tx } from './database.js';
import { inTransaction } from './database.js';
import { storeBatch, storePages, type StoreBatchInput, type StoreBatchOptions } from './post-batch.js';
import { markUnavailable, type StatusChange } from './post-edits.js';
import { withArchivedUserId } from './post-id-resolution.js';

export {
  FIRST_SEEN_BY,
  type CaptureInput,
  type FirstSeenBy,
  type IngestProblemInput,
  type StoreBatchInput,
  type StoreBatchResult,
  type TouchedPost,
} from './post-batch.js';
export { UNAVAILABLE_STATUSES, type StatusChange, type UnavailableStatus } from './post-edits.js';

export type PostsRepository = ReturnType<typeof createPostsRepository>;

export function createPostsRepository(db: Prisma) {
  return {
    /**
     * Stores one batch of normalized posts (one API page) and its capture.
     * Text PostgreSQL cannot store (NUL, lone surrogates) is replaced in the
     * stored columns and reported as a problem of its post: one such post
     * never holds up the page.
     */
    storeBatch: (input: StoreBatchInput, tx?: Tx, options?: StoreBatchOptions) =>
      inTransaction(db, tx, (t) => storeBatch(t, input, options)),

    /**
     * Stores several pages of one platform in the same statements (an
     * import's lines), each with its own capture: see storePages.
     */
    storePages: (inputs: StoreBatchInput[], tx?: Tx, options?: StoreBatchOptions) =>
      inTransaction(db, tx, (t) => storePages(t, inputs, options)),

    /**
     * Marks archived posts as no longer available and raises a `deleted`
     * event for each post whose status changed; returns their platform IDs.
     */
    markUnavailable: (platform: string, changes: StatusChange[], now: Date, tx?: Tx) =>
      inTransaction(db, tx, (t) => markUnavailable(t, platform, changes, now)),

    /**
     * The next `size` available posts of an account created before `before`,
     * after the post with internal id `afterId`, in id order (the deletion sweep's walk).
     */
    sweepCandidates(accountId: number, walk: { before: Date; afterId: number; size: number }, tx: Tx = db) {
      return tx.post.findMany({
        where: { accountId, status: 'available', createdAt: { lt: walk.before }, id: { gt: walk.afterId } },
        orderBy: { id: 'asc' },
        take: walk.size,
        select: { id: true, platformId: true, editIds: true },
      });
    },

    /** Reads the cursor of one source of an account. */
    async getCursor(accountId: number, source: string, tx: Tx = db): Promise<string | null> {
      const row = await tx.cursor.findUnique({ where: { accountId_source: { accountId, source } } });
      return row?.value ?? null;
    },

    /** Moves a cursor; give it the transaction of the last writes it covers. */
    async setCursor(accountId: number, source: string, value: string, tx: Tx = db): Promise<void> {
      await tx.cursor.upsert({
        where: { accountId_source: { accountId, source } },
        create: { accountId, source, value },
        update: { value },
      });
    },

    /**
     * Finds a post by any ID of its edit chain, with its versions (oldest first) and their captures.
     * An ID that names its account by handle is read with the archived account's user ID.
     */
    async findByAnyId(platform: string, typed: string, tx: Tx = db) {
      const id = await withArchivedUserId(tx, platform, typed);
      return tx.post.findFirst({
        where: { platform, OR: [{ platformId: id }, { editIds: { has: id } }] },
        include: {
          account: true,
          versions: {
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            include: {
              capture: { select: { id: true, source: true, requestUrl: true, sha256: true, capturedAt: true } },
            },
          },
        },
      });
    },

    /**
     * Versions of an account's posts that carry media keys without their
     * details (X does not expand media of posts in includes.tweets), newest
     * first: a lookup of their own ID brings the details (only a version keyed
     * by a post ID of its chain can be looked up).
     */
    async versionsMissingMedia(accountId: number, limit: number, tx: Tx = db): Promise<string[]> {
      const rows = await tx.$queryRaw<{ version_id: string }[]>`
        SELECT v.version_id FROM post_versions v JOIN posts p ON p.id = v.post_id
        WHERE p.account_id = ${accountId}::int AND p.status = 'available' AND v.version_id = ANY(p.edit_ids)
          AND jsonb_array_length(coalesce(v.data->'mediaKeys', '[]')) > jsonb_array_length(coalesce(v.data->'media', '[]'))
        ORDER BY v.id DESC LIMIT ${limit}::int`;
      return rows.map((r) => r.version_id);
    },

    /**
     * Which of these version IDs the archive holds: stored as versions, or in a
     * post's edit chain (a version that repeated its neighbour's content). A
     * source whose edits keep the post's ID asks it before reading a history.
     */
    async knownVersionIds(platform: string, versionIds: string[], tx: Tx = db): Promise<Set<string>> {
      if (versionIds.length === 0) return new Set();
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT v.version_id AS id FROM post_versions v
        WHERE v.platform = ${platform} AND v.version_id = ANY(${versionIds}::text[])
        UNION
        SELECT e.id FROM posts p CROSS JOIN LATERAL unnest(p.edit_ids) AS e(id)
        WHERE p.platform = ${platform} AND p.edit_ids && ${versionIds}::text[] AND e.id = ANY(${versionIds}::text[])`;
      return new Set(rows.map((r) => r.id));
    },

    /** Latest IDs of an account's available posts created since a time (to re-check them by lookup). */
    async recentVersionIds(accountId: number, since: Date, tx: Tx = db): Promise<string[]> {
      const rows = await tx.post.findMany({
        where: { accountId, createdAt: { gte: since }, status: 'available' },
        select: { platformId: true, editIds: true },
      });
      return rows.map((r) => r.editIds.at(-1) ?? r.platformId);
    },
  };
}
