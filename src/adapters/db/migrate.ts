// Applies prisma/migrations in order and records each in _prisma_migrations
// the way Prisma's own migrate deploy does (same table, sha256 checksum of the
// file), so `prisma migrate status/deploy` agree with it on machines that have
// Prisma's schema engine.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../../package-root.js';
import type { Database, SqlConnection } from './database.js';

export const MIGRATIONS_DIR = packagePath('prisma', 'migrations');

/** Prisma's own advisory-lock key for migrations. */
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await readMigrations(dir);
  return db.withConnection(async (conn) => {
    // Two processes migrating at once wait for each other, as with Prisma.
    await conn.exec(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK})`);
    try {
      await conn.exec(CREATE_MIGRATIONS_TABLE);
      return await applyPending(conn, migrations);
    } finally {
      await conn.exec(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK})`);
    }
  });
}

async function applyPending(conn: SqlConnection, migrations: Migration[]): Promise<MigrateResult> {
  const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const failed = rows.find((r) => !r.finished_at);
  if (failed) {
    throw new Error(
      `migration ${failed.migration_name} failed earlier and must be resolved by hand before migrating again`,
    );
  }
  const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    const recorded = done.get(m.name);
    if (recorded === undefined) {
      await applyOne(conn, m);
      result.applied.push(m.name);
    } else if (recorded !== m.checksum) {
      throw new Error(`migration ${m.name} was changed after it was applied (checksum differs)`);
    } else {
      result.alreadyApplied.push(m.name);
    }
  }
  return result;
}

async function applyOne(conn: SqlConnection, m: Migration): Promise<void> {
  const id = randomUUID();
  await conn.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, m.checksum, m.name],
  );
  try {
    await conn.exec(`BEGIN;\n${m.sql}\nCOMMIT;`);
  } catch (err) {
    await conn.exec('ROLLBACK').catch(() => {});
    const logs = err instanceof Error ? err.message : String(err);
    await conn.query('UPDATE "_prisma_migrations" SET logs = $1 WHERE id = $2', [logs, id]);
    throw new Error(`migration ${m.name} failed: ${logs}`, { cause: err });
  }
  await conn.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
}
