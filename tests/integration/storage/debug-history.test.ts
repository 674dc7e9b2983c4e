// Prisma's driver adapter logs every query with its parameters into a debug
// history kept whether debug output is on or not; the database forgets it
// after each query, so a page's JSON is not kept alive by it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLogs } from '@prisma/debug';
import { describe, expect, it } from 'vitest';
import { Debug } from '@prisma/driver-adapter-utils';
import { openDatabase } from '../../../src/adapters/db/database.js';
import { useTestDatabase } from '../../helpers/database.js';

/** getLogs of the debug module the embedded database's adapter loads (its own copy, or the shared one). */
async function embeddedAdapterLogs(): Promise<(chars: number) => string> {
  const adapterRoot = dirname(dirname(createRequire(import.meta.url).resolve('pglite-prisma-adapter')));
  const own = join(adapterRoot, 'node_modules', '@prisma', 'debug', 'dist', 'index.mjs');
  if (!existsSync(own)) return getLogs;
  return ((await import(pathToFileURL(own).href)) as { getLogs(chars: number): string }).getLogs;
}

const db = useTestDatabase();

describe("Prisma's debug history", () => {
  it('holds what the adapter logs, until a query ends', async () => {
    const marker = `page-${'x'.repeat(64)}-${Date.now()}`;
    // The adapter's debug module is the one the history belongs to (a call is remembered, output off).
    Debug('prisma:driver-adapter:pg')('query %O', { args: [marker] });
    expect(getLogs(1_000_000)).toContain(marker);
    const [row] = await db().prisma.$queryRaw<{ n: number }[]>`SELECT length(${marker}::text)::int AS n`;
    expect(row!.n).toBe(marker.length);
    expect(getLogs(1_000_000)).not.toContain(marker);
  });

  it('does not keep the parameters of queries run in a transaction', async () => {
    const marker = `tx-${'y'.repeat(64)}-${Date.now()}`;
    await db().prisma.$transaction((tx) => tx.$queryRaw`SELECT length(${marker}::text) AS n`);
    expect(getLogs(1_000_000)).not.toContain(marker);
  });

  it("the embedded database forgets its adapter's history too", async () => {
    const embedded = await openDatabase({ dataDir: 'memory://' });
    try {
      const marker = `embedded-${'z'.repeat(64)}-${Date.now()}`;
      await embedded.prisma.$queryRaw`SELECT length(${marker}::text) AS n`;
      const logs = await embeddedAdapterLogs();
      const deadline = Date.now() + 5_000;
      while (logs(1_000_000).includes(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(logs(1_000_000)).not.toContain(marker);
    } finally {
      await embedded.close();
    }
  });
});
