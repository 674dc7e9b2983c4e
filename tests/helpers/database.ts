// A fresh, migrated PostgreSQL database for one test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { migrate } from '../../src/adapters/db/migrate.js';
import { databaseUrl, uniqueDatabaseName, withAdmin } from './pg-admin.js';

export interface TestDatabase extends Database {
  readonly name: string;
  readonly url: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  const template = inject('templateDatabase');
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = databaseUrl(name);
  const db = await openDatabase({ url, dataDir: '' });
  return {
    ...db,
    name,
    url,
    async close() {
      await db.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Registers beforeAll/afterAll hooks and returns a getter for the file's database. */
export function useTestDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  return () => {
    if (!db) throw new Error('test database not ready (use it inside a test or hook)');
    return db;
  };
}

/** Empties every table but the migrations record, between tests that need a clean slate. */
export async function truncateAll(db: Database): Promise<void> {
  await db.exec(`DO $$ DECLARE t text; BEGIN
    SELECT string_agg(format('%I', tablename), ', ') INTO t FROM pg_tables
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations';
    IF t IS NOT NULL THEN EXECUTE 'TRUNCATE ' || t || ' RESTART IDENTITY CASCADE'; END IF;
  END $$;`);
}

/** Registers hooks for a migrated embedded database (PGlite) in a temporary directory; returns a getter. */
export function usePgliteDatabase(): () => Database {
  let dir: string | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onrecord-pglite-'));
    db = await openDatabase({ dataDir: dir });
    await migrate(db);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!db) throw new Error('embedded database not ready (use it inside a test or hook)');
    return db;
  };
}
