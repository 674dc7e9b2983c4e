// Files onrecord reads beside its code (package.json, prisma/migrations, the
// pages' static files, the article worker) are found from the package's root,
// so the same code works run from its sources (bin/onrecord through tsx) and
// as the built service (dist/, see scripts/build-service.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prisma', 'migrations'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`onrecord's package root (package.json beside prisma/) is not above ${from}`);
  }
}

/** The folder of onrecord's package.json. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package: `packagePath('prisma', 'migrations')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);

/** True in the built service (the bundler defines it); false run from the sources. */
export const IS_BUILT: boolean = typeof __ONRECORD_BUILT__ !== 'undefined' && __ONRECORD_BUILT__;
