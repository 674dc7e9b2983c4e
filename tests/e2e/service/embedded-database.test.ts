// The embedded database is owned by one process at a time; while the service
// runs, other processes reach it through the port the service serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/db/database.js';
import { lockPath, tryLock } from '../../../src/adapters/db/pglite-lock.js';

const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;

function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() > deadline) return reject(new Error('timed out waiting'));
      setTimeout(tick, 100);
    };
    tick();
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('embedded database shared by the service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-embedded-'));
  const lock = lockPath(join(dataDir, 'pglite'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the running service’s database to other processes, and releases it on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ONRECORD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    const service = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    service.stderr!.on('data', (d) => (stderr += d));
    const exit = exited(service);

    const port = await waitFor(() => {
      if (!existsSync(lock)) return undefined;
      return (JSON.parse(readFileSync(lock, 'utf8')) as { port?: number }).port;
    }, 90_000);
    expect(port).toBeGreaterThan(0);

    const client = await openDatabase({ dataDir });
    expect(client.kind).toBe('postgres');
    await client.prisma.account.create({ data: { platform: 'x', handle: 'USFOR_A' } });
    await client.prisma.$transaction(async (tx) => {
      await tx.account.update({ where: { id: 1 }, data: { displayName: 'USFOR-A' } });
    });
    await client.close();

    service.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
    expect(existsSync(lock)).toBe(false);

    const owner = await openDatabase({ dataDir });
    try {
      expect(owner.kind).toBe('pglite');
      const accounts = await owner.prisma.account.findMany({ select: { handle: true, displayName: true } });
      expect(accounts).toEqual([{ handle: 'USFOR_A', displayName: 'USFOR-A' }]);
    } finally {
      await owner.close();
    }
  }, 150_000);

  it('refuses, with a clear message, a directory held by a live process that does not serve it', async () => {
    const dir = join(dataDir, 'held');
    mkdirSync(join(dir, 'pglite'), { recursive: true });
    const holder = tryLock(join(dir, 'pglite'));
    expect(holder.kind).toBe('acquired');
    try {
      await expect(openDatabase({ dataDir: dir, lockWaitMs: 300 })).rejects.toThrow(
        `the embedded database in ${dir} is in use by process ${process.pid}`,
      );
    } finally {
      if (holder.kind === 'acquired') holder.release();
    }
  });

  it('takes over a stale lock left by a process that died', async () => {
    const dir = join(dataDir, 'stale');
    mkdirSync(join(dir, 'pglite'), { recursive: true });
    writeFileSync(lockPath(join(dir, 'pglite')), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const db = await openDatabase({ dataDir: dir, lockWaitMs: 300 });
    try {
      expect(db.kind).toBe('pglite');
      expect(JSON.parse(readFileSync(lockPath(join(dir, 'pglite')), 'utf8'))).toEqual({ pid: process.pid });
    } finally {
      await db.close();
    }
    expect(existsSync(lockPath(join(dir, 'pglite')))).toBe(false);
  }, 60_000);
});
