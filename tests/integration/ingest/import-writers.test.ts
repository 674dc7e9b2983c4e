// An import writes two batches at once on PostgreSQL (`writers: 2`). What it
// stores must not depend on that: batches that share a post or a payload are
// written one after the other, and a batch whose transaction is chosen as a
// deadlock's victim is written again. Real PostgreSQL, twarc2 lines written here.
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/adapters/db/page-insert.js';
import { systemClock } from '../../../src/core/clock.js';
import type { Prisma } from '../../../src/adapters/db/database.js';
import { importPosts } from '../../../src/jobs/import-posts.js';
import type { ImportUnit } from '../../../src/jobs/import-readers.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';

const db = useTestDatabase();
beforeEach(() => truncateAll(db()));

const users = [1, 2, 3].map((n) => ({ id: `93000000000000000${n}`, username: `bureau_${n}`, name: `Bureau ${n}` }));
const twarc = { url: 'https://api.x.com/2/tweets/search/all?query=from%3Abureau_1', version: '2.14.0' };

function post(n: number, author: number, edits?: number[]) {
  const id = `17950000000000${String(n).padStart(5, '0')}`;
  const chain = (edits ?? [n]).map((e) => `17950000000000${String(e).padStart(5, '0')}`);
  return {
    id,
    text: `Notice number ${n} on the crossing`,
    created_at: `2026-05-${String(1 + (n % 28)).padStart(2, '0')}T08:00:00.000Z`,
    author_id: users[author]!.id,
    edit_history_tweet_ids: chain,
  };
}

/**
 * Twelve response lines of two to three posts: a notice shared by lines 1-2,
 * 5-6 and 9-10, and a post edited between lines 3 and 4 (its chain grows).
 * Lines next to each other would be written at once if they did not meet.
 */
function lines(): string[] {
  return Array.from({ length: 12 }, (_, i) => {
    const data = [post(100 + i * 2, i % 3), post(101 + i * 2, (i + 1) % 3)];
    if (i % 4 < 2) data.push(post(7, 0));
    if (i === 2) data.push(post(500, 1));
    if (i === 3) data.push(post(501, 1, [500, 501]));
    const retrieved_at = `2026-06-01T00:${String(i).padStart(2, '0')}:00Z`;
    return JSON.stringify({ data, includes: { users }, __twarc: { ...twarc, retrieved_at } });
  });
}

async function* unitsOf(texts: string[]): AsyncGenerator<ImportUnit> {
  for (const [i, text] of texts.entries()) yield { format: 'twarc2', fileName: 'shared.jsonl', line: i + 1, text };
}

/** The Prisma client, counting how many transactions are open at once. */
function countingTransactions(prisma: Prisma) {
  const seen = { open: 0, peak: 0 };
  const counted = new Proxy(prisma, {
    get(target, key) {
      if (key === '$transaction') {
        return async (...args: Parameters<Prisma['$transaction']>) => {
          seen.peak = Math.max(seen.peak, ++seen.open);
          try {
            return await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            seen.open -= 1;
          }
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { prisma: counted, seen };
}

/** What the archive holds, in a form that does not depend on row ids or on the order batches committed in. */
async function archived() {
  const posts = await db().prisma.post.findMany({ include: { account: true }, orderBy: { platformId: 'asc' } });
  const versions = await db().prisma.postVersion.findMany({
    include: { capture: true, post: true },
    orderBy: { versionId: 'asc' },
  });
  const leaves = await db().prisma.$queryRaw<{ kind: string; n: number }[]>`
    SELECT kind, count(*)::int AS n FROM log_leaves GROUP BY kind ORDER BY kind`;
  return {
    posts: posts.map((p) => [p.platformId, p.account?.handle, p.editIds, p.text, p.versionCount]),
    versions: versions.map((v) => [v.versionId, v.post.platformId, v.capture?.fileLine, v.capturedAt.toISOString()]),
    captures: await db().prisma.capture.count(),
    accounts: (await db().prisma.account.findMany({ orderBy: { handle: 'asc' } })).map((a) => [a.handle, a.status]),
    leaves,
    problems: await db().prisma.ingestProblem.count(),
  };
}

describe('import with two writers', () => {
  it('stores what one writer stores, batches that share posts one after the other', async () => {
    const texts = lines();
    const one = await importPosts({ db: db().prisma, clock: systemClock }, unitsOf(texts), {
      batchPosts: 2,
      writers: 1,
    });
    const alone = await archived();
    await truncateAll(db());
    const { prisma, seen } = countingTransactions(db().prisma);
    const two = await importPosts({ db: prisma, clock: systemClock }, unitsOf(texts), { batchPosts: 2, writers: 2 });
    expect(seen.peak).toBe(2);
    expect(two).toEqual(one);
    expect(one).toMatchObject({ lines: 12, postsNew: 26, versionsNew: 27 });
    expect(await archived()).toEqual(alone);
    // The edited post has both versions, its chain from the line that showed the edit.
    expect(alone.posts.find((p) => p[0] === '1795000000000000500')).toEqual([
      '1795000000000000500',
      'bureau_2',
      ['1795000000000000500', '1795000000000000501'],
      'Notice number 501 on the crossing',
      2,
    ]);
    // Again: nothing new, with two writers as with one.
    expect(
      await importPosts({ db: prisma, clock: systemClock }, unitsOf(texts), { batchPosts: 2, writers: 2 }),
    ).toMatchObject({ postsNew: 0, versionsNew: 0 });
    expect(await archived()).toEqual(alone);
  });

  it('writes a batch again when its transaction is a deadlock’s victim', async () => {
    const [text] = lines();
    const other = new pg.Client({ connectionString: db().url });
    await other.connect();
    try {
      // Another transaction holds the evidence log's counter, then waits on the
      // import's capture: a cycle that PostgreSQL breaks by failing the import's
      // transaction (the other one waits far longer before it looks for cycles).
      await other.query(`SET deadlock_timeout = '30s'`);
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO log_state (id, size) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET size = log_state.size`,
      );
      const importing = importPosts({ db: db().prisma, clock: systemClock }, unitsOf([text!]), { writers: 2 });
      await waitForLockWait(other);
      const held = await other.query(
        `INSERT INTO captures (platform, source, body, sha256) VALUES ('x', 'x:import', 'held', $1)
         ON CONFLICT (sha256) DO NOTHING`,
        [sha256Hex(text!)],
      );
      // The import's transaction was rolled back whole: the capture it had written is gone.
      expect(held.rowCount).toBe(1);
      await other.query('ROLLBACK');
      expect(await importing).toMatchObject({ lines: 1, posts: 3, postsNew: 3, versionsNew: 3, problems: 0 });
      const captures = await db().prisma.capture.findMany();
      expect(captures.map((c) => [c.body, c.fileLine])).toEqual([[text, 1]]);
      expect(await db().prisma.postVersion.count({ where: { captureId: captures[0]!.id } })).toBe(3);
    } finally {
      await other.end();
    }
  });
});

/** Waits until another session of this database waits on a lock. */
async function waitForLockWait(client: pg.Client) {
  for (let i = 0; i < 500; i++) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the import never waited on the held lock');
}
