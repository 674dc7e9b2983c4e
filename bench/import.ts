// Benchmark of `import`: a twarc2 file (JSON Lines, one X API v2 search
// response of 100 posts per line, with twarc's __twarc metadata) of
// BENCH_IMPORT_POSTS (default 100,000) synthetic posts is written to disk,
// then imported into a fresh database by `onrecord import --json` run as a
// child process, exactly as a user runs it (streamed, bounded batches, one
// capture per line, authors made archived accounts); its peak RSS is the
// child's own (reported on exit by bench/lib/report-rss.cjs, preloaded).
// Baseline in the same run: a raw COPY of the same post rows into the same
// (emptied) table. Goals: at least 0.5× COPY; a peak RSS under 300 MB
// whatever the file's size (BENCH_IMPORT_POSTS=1700000 writes about 1 GB).
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { normalizeXBody } from '../src/core/x-normalize.js';
import type { ImportSummary } from '../src/jobs/import-posts.js';
import { unitsOf } from '../src/jobs/import-readers.js';
import { copyLine, freshDatabase, pageBody, perSecond, rawCopy } from './ingest.js';
import { syntheticPost, type SyntheticPost } from './lib/synthetic.js';

const run = promisify(execFile);
const COUNT = Number(process.env.BENCH_IMPORT_POSTS ?? 100_000);
const PAGE_SIZE = 100;
const ACCOUNTS = 10;
const GOAL_RATIO = 0.5;
const RSS_GOAL_MB = 300;

/** Its own database: a concurrent ingest benchmark drops and recreates its own. */
const DB_NAME = 'onrecord_bench_import';

const TWARC = { url: 'https://api.x.com/2/tweets/search/all?max_results=100', version: '2.14.0' };

/** Writes the twarc2 file page by page (never the whole set in memory); returns its size in bytes. */
async function writeTwarcFile(path: string): Promise<number> {
  const out = createWriteStream(path);
  let page: SyntheticPost[] = [];
  for (let i = 0; i < COUNT; i++) {
    page.push(syntheticPost(i, { accounts: ACCOUNTS, count: COUNT }));
    if (page.length < PAGE_SIZE && i < COUNT - 1) continue;
    // One search response: posts of several accounts, each author expanded.
    const body = JSON.parse(pageBody(page)) as { includes: { users: unknown[] } };
    const users = [...new Set(page.map((p) => p.account))].map((a) => usersOf(a));
    body.includes.users = users;
    const line = JSON.stringify({ ...body, __twarc: { ...TWARC, retrieved_at: new Date(0).toISOString() } });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    page = [];
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

/** `onrecord import <file> --json` in a child process: its summary and its own peak RSS. */
async function cliImport(path: string, url: string): Promise<{ summary: ImportSummary; maxRssKb: number }> {
  const preload = fileURLToPath(new URL('./lib/report-rss.cjs', import.meta.url));
  const bin = fileURLToPath(new URL('../bin/onrecord', import.meta.url));
  const { stdout, stderr } = await run(process.execPath, [bin, 'import', path, '--json'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', NODE_OPTIONS: `--require ${preload}` },
    maxBuffer: 16 * 1024 * 1024,
  });
  const rss = /onrecord-max-rss-kb=(\d+)/.exec(stderr);
  if (!rss) throw new Error(`the import reported no peak RSS: ${stderr}`);
  return { summary: JSON.parse(stdout) as ImportSummary, maxRssKb: Number(rss[1]) };
}

function usersOf(account: number) {
  return { id: String(1_000_000_000 + account), name: `Synthetic ${account}`, username: `synthetic_${account}` };
}

/** The baseline's rows: the same posts, normalized, as COPY lines. */
async function copyRows(path: string, accountIds: Map<string, number>): Promise<string[]> {
  const rows: string[] = [];
  for await (const unit of unitsOf({
    format: 'twarc2',
    path,
    fileName: 'bench',
    input: createReadStream(path),
    head: Buffer.alloc(0),
  })) {
    for (const p of normalizeXBody(JSON.parse(unit.text)).posts) rows.push(copyLine(p, accountIds.get(p.authorId!)!));
  }
  return rows;
}

export default {
  name: 'import',
  description: `import of a twarc2 file of ${COUNT} synthetic posts (${PAGE_SIZE} per line) beside a raw COPY of the same rows`,
  async run(): Promise<Record<string, unknown>> {
    const dir = mkdtempSync(join(tmpdir(), 'onrecord-bench-import-'));
    const path = join(dir, 'collection.jsonl');
    const { db, url } = await freshDatabase(DB_NAME);
    try {
      const bytes = await writeTwarcFile(path);
      const started = performance.now();
      const { summary, maxRssKb } = await cliImport(path, url);
      const importMs = performance.now() - started;
      const peakRssMb = Math.round(maxRssKb / 1024);
      const accounts = await db.prisma.account.findMany({ select: { id: true, platformUserId: true } });
      const rows = await copyRows(path, new Map(accounts.map((a) => [a.platformUserId!, a.id])));
      const copyMs = await rawCopy(url, rows);
      const importPostsPerSecond = perSecond(summary.postsNew, importMs);
      const copyPostsPerSecond = perSecond(rows.length, copyMs);
      const ratioToCopy = Number((importPostsPerSecond / copyPostsPerSecond).toFixed(3));
      return {
        posts: COUNT,
        fileMb: Number((bytes / 1024 / 1024).toFixed(1)),
        summary,
        importSeconds: Number((importMs / 1000).toFixed(2)),
        importPostsPerSecond,
        importMbPerSecond: Number((bytes / 1024 / 1024 / (importMs / 1000)).toFixed(1)),
        copySeconds: Number((copyMs / 1000).toFixed(2)),
        copyPostsPerSecond,
        ratioToCopy,
        goalRatio: GOAL_RATIO,
        meetsGoal: ratioToCopy >= GOAL_RATIO,
        peakRssMb,
        rssGoalMb: RSS_GOAL_MB,
        meetsRssGoal: peakRssMb < RSS_GOAL_MB,
      };
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
