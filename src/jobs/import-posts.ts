// `import`: posts people already hold (twarc2 collections, single X API v2
// responses, X account archives, onrecord's own export) read unit by unit
// and stored in bounded batches, one transaction per batch. While a batch is
// being written the next one is read and normalized; at most two batches are
// in memory, and reading waits for the database (backpressure), so memory
// stays flat whatever the file's size. Idempotent: the same file again writes
// nothing new. A unit that cannot be read is a problem, never a stop.
import type { Prisma } from '../adapters/db/database.js';
import type { Clock } from '../core/clock.js';
import { postCount, prepareUnit, type PreparedUnit } from './import-prepare.js';
import type { ImportUnit } from './import-readers.js';
import { storeUnits, type AuthorAccounts } from './import-store.js';

export interface ImportDeps {
  db: Prisma;
  clock: Clock;
}

/** The summary `import --json` prints. */
export interface ImportSummary {
  lines: number;
  posts: number;
  postsNew: number;
  versionsNew: number;
  problems: number;
}

export interface ImportOptions {
  /** A batch is stored when it holds this many posts (default 1,000) ... */
  batchPosts?: number;
  /** ... or this many units (default 500). */
  batchUnits?: number;
  /** Called after each stored batch with the totals so far. */
  onProgress?: (summary: ImportSummary) => void;
  signal?: AbortSignal;
}

const BATCH_POSTS = 1_000;
const BATCH_UNITS = 500;

export async function importPosts(
  deps: ImportDeps,
  units: AsyncIterable<ImportUnit>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { lines: 0, posts: 0, postsNew: 0, versionsNew: 0, problems: 0 };
  const authors: AuthorAccounts = new Map();
  const store = async (batch: PreparedUnit[]) => {
    const stored = await storeUnits(deps.db, batch, authors, deps.clock.now());
    summary.postsNew += stored.postsNew;
    summary.versionsNew += stored.versionsNew;
    options.onProgress?.({ ...summary });
  };
  let batch: PreparedUnit[] = [];
  let batchPosts = 0;
  let writing: Promise<void> = Promise.resolve();
  for await (const unit of units) {
    options.signal?.throwIfAborted();
    const prepared = prepareUnit(unit);
    summary.lines += 1;
    summary.posts += postCount(prepared);
    summary.problems += prepared.problems.length;
    batch.push(prepared);
    batchPosts += prepared.posts.length;
    if (batchPosts < (options.batchPosts ?? BATCH_POSTS) && batch.length < (options.batchUnits ?? BATCH_UNITS))
      continue;
    await writing;
    writing = store(batch);
    writing.catch(() => undefined); // awaited (and thrown) before the next batch or at the end
    batch = [];
    batchPosts = 0;
  }
  await writing;
  if (batch.length > 0) await store(batch);
  return summary;
}
