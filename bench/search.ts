// Search on N synthetic posts (default 1M): p50/p95 of the search repository
// (the code path of the CLI, API and pages) for rare terms, common terms,
// phrases and filtered queries, beside ILIKE over the same data in the same
// run; then HTTP throughput of /api/posts?q= with autocannon against the
// HTTP server running in its own process on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../src/adapters/db/database.js';
import { migrate } from '../src/adapters/db/migrate.js';
import { createSearchRepository } from '../src/adapters/db/search-repository.js';
import { parseSearchInput, type SearchInput } from '../src/core/search-query.js';
import { SYNTHETIC_PHRASES, SYNTHETIC_TERMS, seedSyntheticPosts, syntheticHandle } from './lib/synthetic.js';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.BENCH_POSTS ?? 1_000_000);
const DB_NAME = `onrecord_bench_search_${COUNT}`;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const GOAL_P95_MS = 50;

function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates and seeds the benchmark database, or reuses it when it already holds COUNT posts. */
async function prepare(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const url = dbUrl(DB_NAME);
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount;
    if (exists) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const n = await client.query('SELECT count(*)::int AS n FROM posts').catch(() => ({ rows: [{ n: -1 }] }));
      await client.end();
      if (n.rows[0].n === COUNT) return migrated(url);
      await admin.query(`DROP DATABASE "${DB_NAME}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  } finally {
    await admin.end();
  }
  await migrated(url);
  const seeded = await seedSyntheticPosts({ url, count: COUNT, accounts: 10 });
  console.log(`seeded ${COUNT} posts in ${(seeded.elapsedMs / 1000).toFixed(1)} s`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('VACUUM ANALYZE posts');
  await client.end();
  return url;
}

/** Applies the migrations the database does not have yet (new indexes on a reused database). */
async function migrated(url: string): Promise<string> {
  const db = await openDatabase({ url, dataDir: '' });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return url;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { runs: times.length, p50_ms: round(percentile(sorted, 50)), p95_ms: round(percentile(sorted, 95)) };
}

async function timeIt(iterations: number, inputs: unknown[], run: (input: never) => Promise<unknown>) {
  await run(inputs[0] as never); // warm the plan cache and buffers
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run(inputs[i % inputs.length] as never);
    times.push(performance.now() - started);
  }
  return stats(times);
}

const CLASSES: Record<string, { search: SearchInput[]; ilike: string[] }> = {
  rare: { search: SYNTHETIC_TERMS.rare.map((q) => ({ q })), ilike: SYNTHETIC_TERMS.rare },
  common: { search: SYNTHETIC_TERMS.common.map((q) => ({ q })), ilike: SYNTHETIC_TERMS.common },
  phrase: { search: SYNTHETIC_PHRASES.map((p) => ({ q: `"${p}"` })), ilike: [...SYNTHETIC_PHRASES] },
  filtered: {
    search: [
      { q: SYNTHETIC_TERMS.common[0], account: `x:${syntheticHandle(3)}`, since: '2023-01-01', until: '2023-12-31' },
      { q: SYNTHETIC_TERMS.rare[0], since: '2024-01-01' },
      { q: `"${SYNTHETIC_PHRASES[0]}"`, account: `x:${syntheticHandle(7)}` },
    ],
    ilike: [SYNTHETIC_TERMS.common[0]!, SYNTHETIC_TERMS.rare[0]!, SYNTHETIC_PHRASES[0]],
  },
  // Each phrase (~1 % of posts) in one account (a tenth of the archive): ~1000 matches each.
  'phrase, one account': {
    search: SYNTHETIC_PHRASES.map((p, i) => ({ q: `"${p}"`, account: `x:${syntheticHandle(2 + 3 * i)}` })),
    ilike: [],
  },
  'no words, one account': { search: [{ account: `x:${syntheticHandle(5)}` }], ilike: [] },
};

async function searchLatencies(url: string) {
  const db = await openDatabase({ url, dataDir: '' });
  const repo = createSearchRepository(db.prisma);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const table: Record<string, unknown>[] = [];
  try {
    for (const [name, c] of Object.entries(CLASSES)) {
      const search = await timeIt(ITERATIONS, c.search, (input: SearchInput) => repo.search(parseSearchInput(input)));
      const ilike = c.ilike.length
        ? await timeIt(Math.max(3, Math.round(ITERATIONS / 8)), c.ilike, (term: string) =>
            pool.query(`SELECT id, text FROM posts WHERE text ILIKE $1 ORDER BY created_at DESC LIMIT 20`, [
              `%${term}%`,
            ]),
          )
        : null;
      table.push({
        class: name,
        search_p50_ms: search.p50_ms,
        search_p95_ms: search.p95_ms,
        goal_met: search.p95_ms < GOAL_P95_MS,
        ilike_p50_ms: ilike?.p50_ms ?? null,
        ilike_p95_ms: ilike?.p95_ms ?? null,
      });
    }
  } finally {
    await pool.end();
    await db.close();
  }
  console.table(table);
  return table;
}

async function httpThroughput(url: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./lib/serve-http.ts', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', ONRECORD_READ_ACCESS: 'local' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const base = /listening (\S+)/.exec(line.toString())?.[1];
    if (!base) throw new Error(`server did not start: ${line.toString()}`);
    const results: Record<string, unknown>[] = [];
    for (const [name, q] of [
      ['rare term', SYNTHETIC_TERMS.rare[1]!],
      ['common term', SYNTHETIC_TERMS.common[1]!],
    ] as const) {
      const r = await autocannon({ url: `${base}/api/posts?q=${encodeURIComponent(q)}`, connections: 10, duration: 8 });
      results.push({
        query: name,
        requests_per_s: Math.round(r.requests.average),
        latency_p50_ms: r.latency.p50,
        latency_p97_5_ms: r.latency.p97_5,
        non_2xx: r.non2xx,
        errors: r.errors,
      });
    }
    console.table(results);
    return results;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

export default {
  name: 'search',
  description: `full-text search vs ILIKE on ${COUNT} synthetic posts; HTTP throughput of /api/posts?q=`,
  async run() {
    const url = await prepare();
    const search = await searchLatencies(url);
    const http = await httpThroughput(url);
    return { posts: COUNT, iterations: ITERATIONS, goal_p95_ms: GOAL_P95_MS, search, http };
  },
};
