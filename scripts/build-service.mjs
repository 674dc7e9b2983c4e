// Builds the service for `onrecord start`: the TypeScript sources bundled by
// esbuild into plain ES modules (npm packages stay imports), so the running
// service carries no TypeScript loader. Run from the sources through tsx,
// the service holds a loader thread and every module's transform (about 75 MB
// more resident memory on this project); the build takes under a second.
//
// Each build lands in its own folder, dist/service-<sha256 of the output>/,
// written beside it and renamed into place: two services started at once
// never read a half-written file, and a running service keeps its folder
// (folders unused for PRUNE_AFTER_DAYS are removed by a later build).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const PRUNE_AFTER_DAYS = 30;

/** Builds (or finds already built) the service; returns the folder holding main.js and extract-task.js. */
export async function buildService() {
  const scratch = join(DIST, `.build-${process.pid}-${Date.now()}`);
  const result = await build({
    entryPoints: {
      main: join(ROOT, 'src/cli/main.ts'),
      'extract-task': join(ROOT, 'src/adapters/articles/extract-task.ts'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: scratch,
    write: false,
    sourcemap: 'linked',
    define: { __ONRECORD_BUILT__: 'true' },
    logLevel: 'silent',
  });
  const files = result.outputFiles
    .map((file) => ({ path: relative(scratch, file.path), contents: file.contents }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.contents);
  const target = join(DIST, `service-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(target, 'main.js'))) {
    for (const file of files) {
      mkdirSync(dirname(join(scratch, file.path)), { recursive: true });
      writeFileSync(join(scratch, file.path), file.contents);
    }
    try {
      renameSync(scratch, target);
    } catch (err) {
      // Another process built the same output first: theirs is identical.
      rmSync(scratch, { recursive: true, force: true });
      if (!existsSync(join(target, 'main.js'))) throw err;
    }
  } else {
    // Marks the build as used; a read-only install (a container image built ahead) keeps its build as it is.
    const now = new Date();
    attempt(() => utimesSync(target, now, now));
  }
  attempt(() => prune(target));
  return target;
}

/** Housekeeping that may fail (a folder another user owns) without failing the build. */
function attempt(fn) {
  try {
    fn();
  } catch {
    // Left for a later build.
  }
}

/** Removes builds unused for PRUNE_AFTER_DAYS and scratch folders of builds that died. */
function prune(keep) {
  const now = Date.now();
  for (const name of readdirSync(DIST)) {
    const path = join(DIST, name);
    if (path === keep) continue;
    const ageMs = now - statSync(path).mtimeMs;
    const stale =
      (name.startsWith('service-') && ageMs > PRUNE_AFTER_DAYS * 86_400_000) ||
      (name.startsWith('.build-') && ageMs > 3_600_000);
    if (stale) rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${await buildService()}\n`);
}
