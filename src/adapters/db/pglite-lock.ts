// PGlite allows one process per data directory and does not enforce it
// itself: two processes opening one directory would corrupt it. The owner
// holds an OS lock on the lock file (an open-file-description lock, through
// fs-native-extensions): the kernel grants it to one process at a time and
// drops it when that process dies, even by kill -9, so there is no stale lock
// to judge and no check-then-delete to race. The file's content is only a
// notice: the owner's pid and, while the service runs, the port on which it
// serves the embedded database over the PostgreSQL wire protocol, so that CLI
// commands run beside the service connect through it instead.
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { tryLock as tryFileLock } from 'fs-native-extensions';

export interface LockInfo {
  pid: number;
  port?: number;
}

export type LockAttempt =
  | { kind: 'acquired'; release(): void; publishPort(port: number): void }
  /** `by` is undefined while the holder has not written its notice yet. */
  | { kind: 'held'; by?: LockInfo };

export function lockPath(dir: string): string {
  return join(dir, 'onrecord.lock');
}

export function tryLock(dir: string): LockAttempt {
  const path = lockPath(dir);
  for (;;) {
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    if (!tryFileLock(fd)) {
      closeSync(fd);
      return { kind: 'held', by: readLockInfo(dir) };
    }
    // The previous owner may have removed the file between our open and our
    // lock: then we hold a lock on a file nobody else sees. Start again.
    if (!isSameFile(fd, path)) {
      closeSync(fd);
      continue;
    }
    return acquired(fd, path);
  }
}

/** The notice of the lock's holder, when it is complete (a holder may be writing it). */
export function readLockInfo(dir: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return typeof parsed.port === 'number' ? { pid: parsed.pid, port: parsed.port } : { pid: parsed.pid };
  } catch {
    return undefined;
  }
}

function acquired(fd: number, path: string): Extract<LockAttempt, { kind: 'acquired' }> {
  const write = (info: LockInfo) => {
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify(info), 0);
  };
  write({ pid: process.pid });
  let released = false;
  return {
    kind: 'acquired',
    publishPort: (port) => write({ pid: process.pid, port }),
    release: () => {
      if (released) return;
      released = true;
      // Removed while still held, so that whoever locks the old file next sees it is gone.
      unlinkSync(path);
      closeSync(fd);
    },
  };
}

function isSameFile(fd: number, path: string): boolean {
  try {
    const [held, named] = [fstatSync(fd), statSync(path)];
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}
