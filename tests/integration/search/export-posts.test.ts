import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPosts, CSV_COLUMNS } from '../../../src/jobs/export-posts.js';
import { parseFilters } from '../../../src/core/search-query.js';
import { seedSyntheticPosts } from '../../../bench/lib/synthetic.js';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';

const getDb = useTestDatabase();

/** A slow sink: each chunk is acknowledged on a later tick, so backpressure matters. */
function slowSink() {
  const chunks: string[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  return { sink, text: () => chunks.join('') };
}

describe('export', () => {
  beforeAll(async () => {
    const db = getDb();
    await seedSyntheticPosts({ url: db.url, count: 3000, accounts: 3 });
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    await insertPost(db, {
      accountId: a.id,
      text: 'Corrected: the convoy arrived, "safely", at 10:00',
      earlierTexts: ['The convoy arrived\tat 9:00'],
      createdAt: '2030-01-01T00:00:00Z',
    });
  });

  it('streams every matching post as JSON Lines with versions and raw payloads', async () => {
    const { sink, text } = slowSink();
    const progress: number[] = [];
    const result = await exportPosts({
      db: getDb().prisma,
      filters: parseFilters({ account: 'x:USFOR_A' }),
      format: 'jsonl',
      out: sink,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toEqual({ written: 1, skipped: [] });
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ account: 'x:USFOR_A', text: 'Corrected: the convoy arrived, "safely", at 10:00' });
    expect(
      record.versions.map((v: { text: string; raw: { text: string }; data: unknown }) => [v.text, v.raw.text]),
    ).toEqual([
      ['The convoy arrived\tat 9:00', 'The convoy arrived\tat 9:00'],
      ['Corrected: the convoy arrived, "safely", at 10:00', 'Corrected: the convoy arrived, "safely", at 10:00'],
    ]);
    expect(record.versions[0].capture).toMatchObject({ source: 'x:timeline' });
  });

  it('streams thousands of posts in batches, newest first, as CSV that parses back', async () => {
    const { sink, text } = slowSink();
    const progress: number[] = [];
    const db = getDb();
    const { written } = await exportPosts({
      db: db.prisma,
      filters: parseFilters({}),
      format: 'csv',
      out: sink,
      batchSize: 400,
      onProgress: (n) => progress.push(n),
    });
    expect(written).toBe(3001);
    expect(progress).toEqual([400, 800, 1200, 1600, 2000, 2400, 2800, 3001]);
    const records: Record<string, string>[] = parse(text(), { columns: true });
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(3001);
    expect(new Set(records.map((r) => r.id)).size).toBe(3001);
    const times = records.map((r) => Date.parse(r.createdAt!));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(records[0]).toMatchObject({ account: 'x:USFOR_A', edited: 'true', versions: '2' });
    expect(records[0]!.text).toBe('Corrected: the convoy arrived, "safely", at 10:00');
    const [row] = await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM posts`;
    expect(Number(row?.n)).toBe(3001);
  });

  it('exports only what the words and filters match', async () => {
    const { sink, text } = slowSink();
    await exportPosts({
      db: getDb().prisma,
      filters: parseFilters({ q: 'convoy', since: '2030-01-01', until: '2030-01-01' }),
      format: 'csv',
      out: sink,
    });
    expect((parse(text(), { columns: true }) as { text: string }[]).map((r) => r.text)).toEqual([
      'Corrected: the convoy arrived, "safely", at 10:00',
    ]);
  });
});
