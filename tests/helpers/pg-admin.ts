// Test databases: the migrations are applied once into a template database,
// and each test file gets its own clone (CREATE DATABASE … TEMPLATE …).
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { readMigrations } from '../../src/adapters/db/migrate.js';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function templateName(): Promise<string> {
  const migrations = await readMigrations();
  const hash = createHash('sha256')
    .update(migrations.map((m) => m.checksum).join(','))
    .digest('hex');
  return `onrecord_tpl_${hash.slice(0, 12)}`;
}

export function uniqueDatabaseName(prefix = 'onrecord_t'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
