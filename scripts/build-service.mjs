// Builds onrecord's command line and service: the TypeScript sources bundled
// by esbuild into plain ES modules (npm packages stay imports), so a running
// command carries no TypeScript loader. Through tsx, every process holds a
// loader thread and every module's transform (about 75 MB more resident
// memory for the service, and half a second more CPU to start a command);
// the build takes under a second and is made once per change of the sources.
//
// A build lands in dist/build-<fingerprint of the sources>/ (see
// build-fingerprint.mjs), written beside it and renamed into place: commands
// started at once never read a half-written file. Builds are kept while they
// are among the KEEP_NEWEST newest or younger than PRUNE_AFTER_DAYS, so a
// running service keeps the folder it loads its modules from.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUILD_PREFIX, currentBuildDir, DIST, ROOT } from './build-fingerprint.mjs';

const PRUNE_AFTER_DAYS = 30;
const KEEP_NEWEST = 5;

/** Builds the current sources unless already built; returns the folder holding main.js and extract-task.js. */
export async function buildService() {
  const target = currentBuildDir();
  if (existsSync(join(target, 'main.js'))) return target;
  mkdirSync(DIST, { recursive: true });
  const scratch = join(DIST, `.scratch-${process.pid}-${Date.now()}`);
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
    sourcemap: 'linked',
    define: { __ONRECORD_BUILT__: 'true' },
    logLevel: 'silent',
    write: false,
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  try {
    renameSync(scratch, target);
  } catch (err) {
    // Another process built the same sources first: theirs is the same build.
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(join(target, 'main.js'))) throw err;
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

/** Removes old builds (see KEEP_NEWEST, PRUNE_AFTER_DAYS) and scratch folders of builds that died. */
function prune(keep) {
  const now = Date.now();
  const entries = readdirSync(DIST).map((name) => ({
    name,
    path: join(DIST, name),
    mtimeMs: statSync(join(DIST, name)).mtimeMs,
  }));
  const builds = entries.filter((e) => e.name.startsWith(BUILD_PREFIX)).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const old = builds.slice(KEEP_NEWEST).filter((e) => now - e.mtimeMs > PRUNE_AFTER_DAYS * 86_400_000);
  const dead = entries.filter((e) => e.name.startsWith('.scratch-') && now - e.mtimeMs > 3_600_000);
  for (const e of [...old, ...dead]) if (e.path !== keep) rmSync(e.path, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${await buildService()}\n`);
}
