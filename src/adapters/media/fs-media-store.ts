// Media files on the local disk, content-addressed: ONRECORD_DATA_DIR/media/
// sha256/ab/cd/abcd...(64 hex). Downloads land in media/tmp on the same
// filesystem and are linked into place (atomic: a reader sees the whole file
// or none, and a file there is never replaced), then the directory is synced
// so that the new name survives a crash.
// The same bytes are stored once: a second download of them is dropped.
// Stored files are made read-only.
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isSha256Hex } from '../../core/media-capture.js';
import type { BlobRange, BlobRead, MediaStore } from '../../ports/media.js';

/** Partial downloads older than this are left over by a killed process and removed at start. */
const STALE_PART_MS = 3600_000;

export function createFsMediaStore(root: string): MediaStore & { pathOf(sha256: string): string } {
  const base = resolve(root);
  const tempDir = join(base, 'tmp');
  const pathOf = (sha256: string) => {
    if (!isSha256Hex(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(base, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  const sizeOf = async (sha256: string) => {
    try {
      return (await stat(pathOf(sha256))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  return {
    location: base,
    tempDir,
    pathOf,

    async put(file) {
      const target = pathOf(file.sha256);
      try {
        if ((await sizeOf(file.sha256)) !== null) return { existed: true };
        await mkdir(dirname(target), { recursive: true });
        await chmod(file.path, 0o444);
        const existed = !(await linkInPlace(file.path, target));
        await syncDirectory(dirname(target));
        return { existed };
      } finally {
        await rm(file.path, { force: true });
      }
    },

    async read(sha256: string, range?: BlobRange): Promise<BlobRead | null> {
      const size = await sizeOf(sha256);
      if (size === null) return null;
      const body = createReadStream(pathOf(sha256), range ? { start: range.start, end: range.end } : {});
      return { size, body };
    },

    size: sizeOf,

    async close() {},
  };
}

/**
 * Puts the file at target without ever replacing a file there: a hard link
 * fails when two downloads of the same bytes race (the other one won), and
 * is atomic like a rename. Where links are not supported, a rename (also
 * atomic; the bytes are the same). Returns false when target existed.
 */
async function linkInPlace(path: string, target: string): Promise<boolean> {
  try {
    await link(path, target);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw err;
    await rename(path, target);
    return true;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes `.part` files a killed download left in a temp directory (those older than an hour). */
export async function removeStaleParts(tempDir: string, now: Date): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tempDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const path = join(tempDir, name);
    const info = await stat(path).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > STALE_PART_MS) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
