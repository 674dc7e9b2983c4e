// Where the build of the current sources lives: dist/build-<fingerprint>/,
// the fingerprint a sha256 over every file under src/ (path, size, mtime) and
// package.json. Computing it stats a few hundred files (milliseconds), so
// bin/onrecord finds an up-to-date build without loading the bundler; an
// edited source file changes it, and the next command builds anew.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const BUILD_PREFIX = 'build-';

function filesUnder(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, found);
    else found.push(path);
  }
  return found;
}

export function sourceFingerprint() {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(ROOT, 'src')), join(ROOT, 'package.json')].sort();
  for (const file of files) {
    const stat = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder of the build of the sources as they are now (it may not exist yet). */
export const currentBuildDir = () => join(DIST, `${BUILD_PREFIX}${sourceFingerprint()}`);
