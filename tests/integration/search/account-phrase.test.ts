import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchRepository, filterSql, tsquerySql } from '../../../src/adapters/db/search-repository.js';
import { parseSearchInput } from '../../../src/core/search-query.js';
import { useTestDatabase, truncateAll } from '../../helpers/database.js';
import { insertAccount } from '../../helpers/archive-fixtures.js';

const getDb = useTestDatabase();
const WINDOW = 25;
const POSTS = 3000;
const HOUR = 3_600_000;

// Post i (1..POSTS) is 7 hours after post i-1; every 10th post is by the small account, the
// others by the big one. Every 7th post holds the phrase 1-3 times (more times ranks higher);
// every 7th + 3 holds its words, but not adjacent.
const accountOf = (i: number) => (i % 10 === 0 ? 'SMALL_ONE' : 'BIG_ONE');
const repeats = (i: number) => (i % 7 === 0 ? 1 + (i % 3) : 0);

/** The order search promises: the WINDOW newest matches best first (newer first among equals), then older ones newest first. */
function expectedOrder(handle: string): string[] {
  const matches: number[] = [];
  for (let i = POSTS; i >= 1; i--) if (accountOf(i) === handle && repeats(i) > 0) matches.push(i);
  const window = matches.slice(0, WINDOW).sort((x, y) => repeats(y) - repeats(x) || y - x);
  return [...window, ...matches.slice(WINDOW)].map((i) => String(3_000_000 + i));
}

async function collect(handle: string): Promise<string[]> {
  const repo = createSearchRepository(getDb().prisma, { rankedWindow: WINDOW });
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const input = { q: '"joint press conference"', account: `x:${handle}`, limit: '15', ...(cursor ? { cursor } : {}) };
    const page = await repo.search(parseSearchInput(input));
    ids.push(...page.rows.map((r) => r.platformId));
    if (!page.next) return ids;
    cursor = page.next;
  }
  throw new Error('pagination did not end');
}

describe('search repository: a phrase in one account', () => {
  beforeAll(async () => {
    const db = getDb();
    await truncateAll(db);
    const small = await insertAccount(db, { handle: 'SMALL_ONE' });
    const big = await insertAccount(db, { handle: 'BIG_ONE' });
    await db.exec(`
      INSERT INTO posts (platform, platform_id, account_id, edit_ids, text, created_at, urls, mentions, hashtags)
      SELECT 'x', (3000000 + i)::text, CASE WHEN i % 10 = 0 THEN ${small.id} ELSE ${big.id} END,
        ARRAY[(3000000 + i)::text],
        CASE WHEN i % 7 = 0 THEN 'update ' || repeat('joint press conference and ', 1 + i % 3) || i
             WHEN i % 7 = 3 THEN 'press said the joint conference is off ' || i ELSE 'other news ' || i END,
        timestamptz '2020-01-01' + i * interval '${7 * HOUR} milliseconds', '{}', '{}', '{}'
      FROM generate_series(1, ${POSTS}) AS i`);
  });

  it('finds the same matches in the same order with and without table statistics', async () => {
    const expected = { small: expectedOrder('SMALL_ONE'), big: expectedOrder('BIG_ONE') };
    expect([expected.small.length, expected.big.length]).toEqual([42, 386]);
    // Without statistics the window is looked for in the whole archive.
    expect(await collect('SMALL_ONE')).toEqual(expected.small);
    expect(await collect('BIG_ONE')).toEqual(expected.big);
    // With them, the small account (a tenth of the posts) is searched whole through the
    // (words, day, account) index, the big one in slices of the archive.
    await getDb().exec('ANALYZE posts');
    expect(await collect('SMALL_ONE')).toEqual(expected.small);
    expect(await collect('BIG_ONE')).toEqual(expected.big);
  });

  it('answers account and words in one scan of the (words, day, account) index', async () => {
    const db = getDb();
    await db.exec('ANALYZE posts');
    const filters = parseSearchInput({ q: '"joint press conference"', account: 'x:SMALL_ONE' });
    const plan = await db.prisma.$transaction(async (tx) => {
      // A few thousand rows would be read whole; make the planner show the plan of a large archive.
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      await tx.$executeRawUnsafe('SET LOCAL enable_hashjoin = off');
      await tx.$executeRawUnsafe('SET LOCAL enable_mergejoin = off');
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>`
        EXPLAIN SELECT p.id FROM posts p WHERE p.search_vector @@ ${tsquerySql(filters.q)!} AND ${filterSql(filters)}`;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
      /Bitmap Index Scan on posts_search_vector_day_account_idx.*\n\s*Index Cond: \(\(search_vector @@ .*\) AND \(account_id = ac\.id\)\)/,
    );
  });
});
