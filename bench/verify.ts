// Benchmark of `verify`: BENCH_VERIFY_LEAVES (default 100,000) leaves, half
// captures (each a 2 KB page body, hashed again by PostgreSQL) and half status
// observations, are written into a fresh database with their leaves and one
// signed checkpoint; then the whole archive is verified. The goal is 1M leaves
// in under 60 s: the time is linear in the number of leaves (one pass, fixed
// batches), so the run reports its own time and the linear extrapolation to
// 1M, marked as such. Baseline in the same run: reading the same leaves alone
// (no rows, no hashing).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { migrate } from '../src/adapters/db/migrate.js';
import { createLogRepository } from '../src/adapters/db/log-repository.js';
import { leafEntry, type LeafKind } from '../src/core/log-leaf.js';
import { signerFromSeed } from '../src/core/signed-note.js';
import { createLogTree, signCheckpoint } from '../src/jobs/evidence-log.js';
import { verifyArchive } from '../src/jobs/evidence-verify.js';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.BENCH_VERIFY_LEAVES ?? 100_000);
const DB_NAME = 'onrecord_bench_verify';
const GOAL_S_PER_MILLION = 60;
const CHUNK = 10_000;

async function freshDatabase(): Promise<Database> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 4 });
  await migrate(db);
  return db;
}

/** Rows made in SQL, then logged exactly as the write paths log them (leafEntry from the row). */
async function seed(db: Database): Promise<void> {
  const half = Math.floor(COUNT / 2);
  await db.exec(`INSERT INTO captures (platform, source, request_url, http_status, content_type, body, sha256, captured_at)
    SELECT 'x', 'x:timeline', 'https://api.x.com/2/users/1/tweets?page=' || i, 200, 'application/json',
      repeat('{"data":[{"id":"' || i || '","text":"a statement"}]}', 40), md5(i::text) || md5((-i)::text),
      timestamptz '2026-01-01' + i * interval '1 second'
    FROM generate_series(1, ${half}) AS i`);
  await db.exec(`INSERT INTO status_observations (platform, platform_id, status, observed_at)
    SELECT 'x', (1000000000 + i)::text, 'first_seen', timestamptz '2026-01-01' + i * interval '1 second'
    FROM generate_series(1, ${COUNT - half}) AS i`);
  for (const kind of ['capture', 'observation'] as LeafKind[]) {
    const total = kind === 'capture' ? half : COUNT - half;
    for (let from = 1; from <= total; from += CHUNK) {
      const ids = Array.from({ length: Math.min(CHUNK, total - from + 1) }, (_, i) => from + i);
      const rows = await createLogRepository(db.prisma).coveredRows(kind, ids);
      await db.prisma.$transaction((tx) =>
        createLogRepository(db.prisma).append(
          ids.map((id) => leafEntry(rows.get(id)!)),
          tx,
        ),
      );
    }
  }
  await signCheckpoint(createLogTree(db.prisma), signerFromSeed('bench/log', Buffer.alloc(32, 5)), 'bench/log');
}

const round = (n: number) => Math.round(n * 100) / 100;

export default {
  name: 'verify',
  description: `verify ${COUNT} leaves (captures and observations) against rows, tree and checkpoint`,
  async run() {
    const db = await freshDatabase();
    try {
      const seeded = performance.now();
      await seed(db);
      const seedS = (performance.now() - seeded) / 1000;
      const started = performance.now();
      const report = await verifyArchive(db.prisma);
      const verifyS = (performance.now() - started) / 1000;
      if (!report.ok) throw new Error(`the benchmark archive does not verify: ${report.problems[0]?.message}`);
      const base = performance.now();
      const repo = createLogRepository(db.prisma);
      for (let from = 0; from < COUNT; from += 20_000) await repo.leaves(from, Math.min(COUNT, from + 20_000));
      const baselineS = (performance.now() - base) / 1000;
      const perMillion = (verifyS * 1_000_000) / COUNT;
      return {
        leaves: COUNT,
        seedSeconds: round(seedS),
        verifySeconds: round(verifyS),
        leavesPerSecond: Math.round(COUNT / verifyS),
        baselineReadLeavesSeconds: round(baselineS),
        extrapolatedSecondsPerMillion: round(perMillion),
        extrapolated: COUNT < 1_000_000,
        goalSecondsPerMillion: GOAL_S_PER_MILLION,
        meetsGoal: perMillion < GOAL_S_PER_MILLION,
      };
    } finally {
      await db.close();
    }
  },
};
