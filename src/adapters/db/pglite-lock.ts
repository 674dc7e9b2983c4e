// PGlite allows one process per data directory and does not enforce it
// itself: two processes opening one directory would corrupt it. A lock file
// records the owner's pid and, while the service runs, the port on which it
// serves the embedded database over the PostgreSQL wire protocol, so that
// CLI commands run beside the service connect through it instead.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  port?: number;
}

export type LockAttempt =
  { kind: 'acquired'; release(): void; publishPort(port: number): void } | { kind: 'held'; by: LockInfo };

export function lockPath(dir: string): string {
  return join(dir, 'onrecord.lock');
}

export function tryLock(dir: string): LockAttempt {
  const path = lockPath(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid } satisfies LockInfo));
      closeSync(fd);
      return {
        kind: 'acquired',
        release: () => rmSync(path, { force: true }),
        publishPort: (port) => writeFileSync(path, JSON.stringify({ pid: process.pid, port } satisfies LockInfo)),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(path);
      if (holder && isAlive(holder.pid)) return { kind: 'held', by: holder };
      // The owner died without releasing: the lock is stale.
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database at ${dir}`);
}

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, port: parsed.port } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
