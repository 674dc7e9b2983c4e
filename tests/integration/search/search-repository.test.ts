import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSearchRepository, tsquerySql, type SearchRow } from '../../../src/adapters/db/search-repository.js';
import { parseSearchInput, type SearchInput } from '../../../src/core/search-query.js';
import { useTestDatabase, truncateAll } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';

const getDb = useTestDatabase();

async function search(input: SearchInput, rankedWindow?: number) {
  const repo = createSearchRepository(getDb().prisma, rankedWindow ? { rankedWindow } : {});
  return repo.search(parseSearchInput(input));
}

const texts = (rows: SearchRow[]) => rows.map((r) => r.text);

describe('search repository: words', () => {
  beforeAll(async () => {
    const db = getDb();
    await truncateAll(db);
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    const b = await insertAccount(db, { handle: 'CENTCOM' });
    const post = (accountId: number, text: string, createdAt: string, extra = {}) =>
      insertPost(db, { accountId, text, createdAt, ...extra });
    await post(a.id, 'A joint press conference on the border today', '2024-01-10T10:00:00Z');
    await post(a.id, 'The press held a joint briefing; no conference', '2024-01-11T10:00:00Z');
    await post(b.id, 'Alpha company arrived at the base', '2024-01-12T10:00:00Z');
    await post(b.id, 'Bravo company left the base', '2024-01-13T10:00:00Z');
    await post(a.id, 'Drone strikes reported near the river', '2024-01-14T10:00:00Z');
    await post(a.id, 'Artillery strikes reported near the hills', '2024-01-15T10:00:00Z');
    await post(b.id, 'La sécurité de la région est assurée', '2024-01-16T10:00:00Z', { lang: 'fr' });
    await post(b.id, 'They were striking the depot all night', '2024-01-17T10:00:00Z');
    await post(a.id, 'Security council to meet on Friday', '2024-01-18T10:00:00Z');
  });

  it('matches a quoted phrase only when its words are adjacent', async () => {
    expect(texts((await search({ q: '"joint press conference"' })).rows)).toEqual([
      'A joint press conference on the border today',
    ]);
  });

  it('reads OR between words', async () => {
    const page = await search({ q: 'alpha OR bravo' });
    expect(texts(page.rows).sort()).toEqual(['Alpha company arrived at the base', 'Bravo company left the base']);
  });

  it('excludes every form of a -word, not only the exact one', async () => {
    expect(texts((await search({ q: 'strikes -drones' })).rows).sort()).toEqual([
      'Artillery strikes reported near the hills',
      'They were striking the depot all night',
    ]);
  });

  it('ignores accents in both directions', async () => {
    const fromPlain = await search({ q: 'securite' });
    const fromAccented = await search({ q: 'sécurité' });
    expect(texts(fromPlain.rows)).toEqual(['La sécurité de la région est assurée']);
    expect(texts(fromAccented.rows)).toEqual(['La sécurité de la région est assurée']);
  });

  it('stems English words and ranks the exact form above other forms, then newer first', async () => {
    const page = await search({ q: 'strikes' });
    expect(page.mode).toBe('fulltext');
    // Both exact "strikes" posts first (newest of them first), then "striking" although it is the newest.
    expect(texts(page.rows)).toEqual([
      'Artillery strikes reported near the hills',
      'Drone strikes reported near the river',
      'They were striking the depot all night',
    ]);
    expect(page.rows[0]!.score).toBeGreaterThan(page.rows[2]!.score);
  });

  it('finds stop words through the exact (simple) form', async () => {
    expect(texts((await search({ q: '"no conference"' })).rows)).toEqual([
      'The press held a joint briefing; no conference',
    ]);
  });

  it('falls back to trigram similarity for a near-miss, and finds handles', async () => {
    const typo = await search({ q: 'secruity' });
    expect(typo.mode).toBe('similar');
    expect(texts(typo.rows)).toEqual(['Security council to meet on Friday']);
    const handle = await search({ q: 'centcon' });
    expect(handle.mode).toBe('similar');
    expect(new Set(handle.rows.map((r) => r.account?.handle))).toEqual(new Set(['CENTCOM']));
    expect(handle.rows).toHaveLength(4);
  });

  it('returns every post newest first without words', async () => {
    const page = await search({ limit: '3' });
    expect(page.mode).toBe('recent');
    expect(texts(page.rows)).toEqual([
      'Security council to meet on Friday',
      'They were striking the depot all night',
      'La sécurité de la région est assurée',
    ]);
    expect(page.next).not.toBeNull();
  });

  it('finds similar account handles', async () => {
    const repo = createSearchRepository(getDb().prisma);
    expect((await repo.similarAccounts('usfor')).map((a) => a.handle)).toEqual(['USFOR_A']);
  });
});

describe('search repository: filters', () => {
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    const db = getDb();
    await truncateAll(db);
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    const b = await insertAccount(db, { handle: 'DeptofDefense' });
    const add = async (key: string, accountId: number, createdAt: string, extra = {}) => {
      ids[key] = (await insertPost(db, { accountId, text: `statement ${key}`, createdAt, ...extra })).id;
    };
    await add('before', a.id, '2024-03-31T23:59:59.999Z');
    await add('firstDay', a.id, '2024-04-01T00:00:00.000Z');
    await add('lastDay', b.id, '2024-04-30T23:59:59.999Z', { earlierTexts: ['statment lastDay'] });
    await add('after', b.id, '2024-05-01T00:00:00.000Z', { status: 'deleted' });
    await add('french', b.id, '2024-04-15T12:00:00.000Z', { lang: 'fr' });
    await insertArticle(db, {
      url: 'https://news.example/a',
      title: 'Coverage',
      text: 'It said: statement firstDay',
      citing: [{ postId: ids.firstDay!, witnessedText: 'statement firstDay' }],
    });
  });

  const keys = (rows: SearchRow[]) => rows.map((r) => r.text.replace('statement ', '')).sort();

  it('includes both whole UTC days of --since and --until', async () => {
    const page = await search({ q: 'statement', since: '2024-04-01', until: '2024-04-30' });
    expect(keys(page.rows)).toEqual(['firstDay', 'french', 'lastDay']);
  });

  it('filters by account, also without words', async () => {
    expect(keys((await search({ account: ['x:USFOR_A'] })).rows)).toEqual(['before', 'firstDay']);
    expect(keys((await search({ q: 'statement', account: ['x:usfor_a', 'x:DeptofDefense'] })).rows)).toHaveLength(5);
  });

  it('filters cited, edited, deleted, language and platform', async () => {
    expect(keys((await search({ q: 'statement', cited: 'true' })).rows)).toEqual(['firstDay']);
    expect(keys((await search({ q: 'statement', edited: 'true' })).rows)).toEqual(['lastDay']);
    expect(keys((await search({ deleted: 'true' })).rows)).toEqual(['after']);
    expect(keys((await search({ deleted: 'false', cited: 'false' })).rows)).toEqual(['before', 'french', 'lastDay']);
    expect(keys((await search({ lang: 'fr' })).rows)).toEqual(['french']);
    expect(keys((await search({ platform: 'x' })).rows)).toHaveLength(5);
  });
});

describe('search repository: keyset pagination', () => {
  beforeEach(async () => {
    const db = getDb();
    await truncateAll(db);
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    // 40 matches with a few distinct ranks and shared timestamps (ties on both), 5 non-matches.
    await db.exec(`
      INSERT INTO posts (platform, platform_id, account_id, edit_ids, text, created_at, urls, mentions, hashtags)
      SELECT 'x', (1000000 + i)::text, ${a.id}, ARRAY[(1000000 + i)::text],
        CASE WHEN i > 40 THEN 'unrelated words ' || i
             ELSE repeat('patrol ', 1 + i % 3) || 'report number ' || i END,
        timestamptz '2024-01-01' + (i / 4) * interval '1 hour', '{}', '{}', '{}'
      FROM generate_series(1, 45) AS i`);
  });

  async function collect(input: SearchInput, rankedWindow?: number) {
    const seen: SearchRow[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await search({ ...input, ...(cursor ? { cursor } : {}) }, rankedWindow);
      seen.push(...page.rows);
      if (!page.next) return seen;
      cursor = page.next;
    }
    throw new Error('pagination did not end');
  }

  it('pages through ranked results without gaps or repeats, in the one-page order', async () => {
    const whole = await search({ q: 'patrol', limit: '200' });
    expect(whole.rows).toHaveLength(40);
    const paged = await collect({ q: 'patrol', limit: '7' });
    expect(paged.map((r) => r.id)).toEqual(whole.rows.map((r) => r.id));
    const scores = paged.map((r) => r.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('continues past the ranked window with older matches, newest first', async () => {
    const paged = await collect({ q: 'patrol', limit: '4' }, 10);
    expect(new Set(paged.map((r) => r.id)).size).toBe(40);
    const older = paged.slice(10);
    const times = older.map((r) => r.createdAt.getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    // The window holds the 10 newest matches.
    const newestTen = [...paged].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || y.id - x.id);
    expect(new Set(paged.slice(0, 10).map((r) => r.id))).toEqual(new Set(newestTen.slice(0, 10).map((r) => r.id)));
  });

  it('pages through every post without words', async () => {
    const paged = await collect({ limit: '6' });
    expect(paged).toHaveLength(45);
    expect(new Set(paged.map((r) => r.id)).size).toBe(45);
  });

  it('rejects a cursor it did not give out', async () => {
    await expect(search({ q: 'patrol', cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(/cursor/);
  });
});

describe('search repository: slices of the archive', () => {
  it('finds the same ranked window in a slice as in the whole archive', async () => {
    const db = getDb();
    await truncateAll(db);
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    await db.exec(`
      INSERT INTO posts (platform, platform_id, account_id, edit_ids, text, created_at, urls, mentions, hashtags)
      SELECT 'x', (2000000 + i)::text, ${a.id}, ARRAY[(2000000 + i)::text],
        CASE WHEN i % 3 = 0 THEN repeat('patrol ', 1 + i % 4) || 'sector ' || i
             WHEN i % 50 = 1 THEN 'joint press conference number ' || i ELSE 'other news ' || i END,
        timestamptz '2020-01-01' + i * interval '7 hours', '{}', '{}', '{}'
      FROM generate_series(1, 3000) AS i`);
    const collectAll = async (q: string) => {
      const repo = createSearchRepository(db.prisma, { rankedWindow: 25 });
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.search(parseSearchInput({ q, limit: '40', ...(cursor ? { cursor } : {}) }));
        ids.push(...page.rows.map((r) => r.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      return ids;
    };
    const before = { patrol: await collectAll('patrol'), phrase: await collectAll('"joint press conference"') };
    await db.exec('ANALYZE posts');
    const [stats] = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT cardinality(histogram_bounds::text::timestamptz[]) AS n FROM pg_stats
      WHERE tablename = 'posts' AND attname = 'created_at'`;
    expect(stats!.n).toBeGreaterThanOrEqual(20);
    expect(await collectAll('patrol')).toEqual(before.patrol);
    expect(await collectAll('"joint press conference"')).toEqual(before.phrase);
    expect([before.patrol.length, before.phrase.length]).toEqual([1000, 40]);
  });
});

describe('search repository: plan', () => {
  it('uses a GIN index on search_vector for words', async () => {
    const db = getDb();
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>`
        EXPLAIN SELECT id FROM posts p WHERE p.search_vector @@ ${tsquerySql('patrol -report OR "number 4"')!}`;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
      /Bitmap Index Scan on posts_search_vector_day_account_idx/,
    );
  });
});
