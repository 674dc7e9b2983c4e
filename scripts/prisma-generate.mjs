#!/usr/bin/env node
// Generates the Prisma client (src/generated/prisma). Prisma's CLI insists that
// a schema engine binary exists even though `generate` never runs it; where the
// engine could not be downloaded, any existing file satisfies that check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const env = { ...process.env };
const engine = env.PRISMA_SCHEMA_ENGINE_BINARY;
if (!engine || !existsSync(engine)) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = require.resolve('prisma/build/index.js');
const run = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
