// `import`: posts people already hold (twarc2 collections, single X API v2
// responses, X account archives, onrecord's own export) read unit by unit
// and stored in bounded batches, one transaction per batch. While a batch is
// being written the next one is read and normalized, and with `writers: 2`
// written at the same time on a second connection, so that the database
// stores one batch while this process prepares the statements of the next.
// Two batches that share a post or a raw payload are never written at once
// (each would wait on the other's uncommitted rows, and read a snapshot
// without them). At most writers + 1 batches are in memory, and reading
// waits for the database (backpressure), so memory stays flat whatever the
// file's size. Idempotent: the same file again writes nothing new. A unit
// that cannot be read is a problem, never a stop.
import type { Prisma } from '../adapters/db/database.js';
import type { Clock } from '../core/clock.js';
import { postCount, prepareUnit, type PreparedUnit } from './import-prepare.js';
import type { ImportUnit } from './import-readers.js';
import { resolveAccounts, storeResolvedUnits, type AuthorAccounts } from './import-store.js';

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
  /** How many batches may be written at once, each in its own transaction (default 1). */
  writers?: number;
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
  const writers = new Writers(options.writers ?? 1);
  const store = async (batch: PreparedUnit[]) => {
    // Accounts are resolved one batch at a time, in order; the writes may overlap.
    const now = deps.clock.now();
    const accounts = await resolveAccounts(deps.db, batch, authors, now);
    await writers.start(batchKeys(batch), async () => {
      const stored = await storeResolvedUnits(deps.db, batch, authors, accounts, now);
      summary.postsNew += stored.postsNew;
      summary.versionsNew += stored.versionsNew;
      options.onProgress?.({ ...summary });
    });
  };
  let batch: PreparedUnit[] = [];
  let batchPosts = 0;
  try {
    await readUnits();
  } finally {
    // Reading failed or was stopped: the writes under way end before the error is thrown.
    await writers.settle();
  }
  await writers.finish();
  return summary;

  async function readUnits() {
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
      await store(batch);
      batch = [];
      batchPosts = 0;
    }
    if (batch.length > 0) await store(batch);
  }
}

/** What two batches written at once must not share: their posts (by every ID of their edit chains) and raw payloads. */
export function batchKeys(batch: PreparedUnit[]): Set<string> {
  const keys = new Set<string>();
  for (const prepared of batch) {
    keys.add(`raw\0${prepared.unit.text}`);
    for (const p of prepared.posts) {
      keys.add(`${p.platform}\0${p.platformId}`);
      for (const id of p.editIds) keys.add(`${p.platform}\0${id}`);
    }
  }
  return keys;
}

/**
 * Runs writes, at most `size` at once, never two whose keys meet. `start`
 * returns once the write has begun; the first failure is thrown by the next
 * `start` (once the other writes have ended) or by `finish`.
 */
export class Writers {
  private readonly running = new Set<{ keys: Set<string>; done: Promise<void> }>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly size: number) {}

  async start(keys: Set<string>, write: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.size || [...this.running].some((r) => meets(r.keys, keys))) {
      await Promise.race([...this.running].map((r) => r.done));
    }
    if (this.failure) await this.finish();
    const entry = { keys, done: Promise.resolve() };
    entry.done = write().then(
      () => void this.running.delete(entry),
      (error: unknown) => {
        this.failure ??= { error };
        this.running.delete(entry);
      },
    );
    this.running.add(entry);
  }

  /** Waits for every write; throws the first failure. */
  async finish(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every write, whatever its outcome. */
  async settle(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.done));
  }
}

function meets(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
}
