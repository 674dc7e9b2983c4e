// Prisma's driver adapter logs every query with its parameters into a debug
// history kept whether debug output is on or not; the database forgets it
// after each query, so a page's JSON is not kept alive by it.
import { getLogs } from '@prisma/debug';
import { describe, expect, it } from 'vitest';
import { Debug } from '@prisma/driver-adapter-utils';
import { useTestDatabase } from '../../helpers/database.js';

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
});
