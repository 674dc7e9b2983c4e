import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/adapters/db/database.js';
import { migrate } from '../../src/adapters/db/migrate.js';
import { databaseUrl, templateName, uniqueDatabaseName, withAdmin } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const template = await templateName();
  await withAdmin(async (admin) => {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    // Build under a temporary name and rename, so that a half-built template is never used.
    const building = uniqueDatabaseName('onrecord_tpl_build');
    await admin.query(`CREATE DATABASE "${building}"`);
    const db = await openDatabase({ url: databaseUrl(building), dataDir: '' });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`).catch(async (err) => {
      // Another run built it first.
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      if (!String(err).includes('already exists')) throw err;
    });
    await admin.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true`);
  });
  await dropLeftovers();
  project.provide('templateDatabase', template);
}

/** Test databases of runs that were killed before they could drop theirs. */
async function dropLeftovers() {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'onrecord_t\\_%' OR datname LIKE 'onrecord_tpl_build%'`,
    );
    for (const { datname } of rows) {
      const pid = Number(datname.split('_')[2]);
      if (Number.isInteger(pid) && isAlive(pid)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
