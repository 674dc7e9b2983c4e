// Prisma's debug modules remember the arguments of their last 100 calls,
// whether debug output is on or not (for bug reports). Among those arguments
// are the queries the driver adapter runs, with their parameters: a page of
// posts as JSON, an imported batch, an article's HTML. Megabytes each, a
// hundred of them kept alive tens of megabytes in a service that never
// prints them. This forgets them after queries: the adapter's module (shared
// by @prisma/adapter-pg through @prisma/driver-adapter-utils) clears its
// history outright; the copy inlined into Prisma's client runtime has no
// clear, so its history is pushed out with empty calls, at most every
// RUNTIME_FLUSH_MS (a hundred calls take about 0.2 ms). The embedded
// database's adapter (pglite-prisma-adapter) may carry a copy of the debug
// module of its own: `forgetEmbeddedDebugHistory` finds and clears that one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Debug } from '@prisma/client/runtime/client';
import { clearLogs } from '@prisma/debug';

/** What the runtime's debug module keeps (its MAX_ARGS_HISTORY). */
const RUNTIME_HISTORY = 100;
const RUNTIME_FLUSH_MS = 100;

const runtimeDebug = Debug('onrecord:forget');
let flushedAt = 0;

/** Drops the query arguments Prisma's debug histories hold. Call after queries; cheap. */
export function forgetPrismaDebugHistory(now = performance.now()): void {
  clearLogs();
  if (now - flushedAt < RUNTIME_FLUSH_MS) return;
  flushedAt = now;
  for (let i = 0; i < RUNTIME_HISTORY; i++) runtimeDebug('');
}

/**
 * The forgetting for the embedded database: the above, plus the history of
 * the debug module pglite-prisma-adapter loads when it has its own copy
 * (resolved from the adapter's folder, as its own imports are).
 */
export async function embeddedDebugHistoryForgetter(): Promise<() => void> {
  const require = createRequire(import.meta.url);
  const adapterRoot = dirname(dirname(require.resolve('pglite-prisma-adapter')));
  const own = join(adapterRoot, 'node_modules', '@prisma', 'debug', 'dist', 'index.mjs');
  if (!existsSync(own)) return forgetPrismaDebugHistory;
  const { clearLogs: clearOwn } = (await import(pathToFileURL(own).href)) as { clearLogs(): void };
  return () => {
    clearOwn();
    forgetPrismaDebugHistory();
  };
}
