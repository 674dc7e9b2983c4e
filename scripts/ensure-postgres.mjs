#!/usr/bin/env node
// Runs before `npm test`: the suite needs a real PostgreSQL (TEST_DATABASE_URL,
// default postgresql://postgres@127.0.0.1:5432/postgres). When none answers and
// a local Debian cluster exists, start it; otherwise say exactly what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';

const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable() {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function startDebianCluster() {
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b));
  } catch {
    return false;
  }
  const version = versions.at(-1);
  if (!version) return false;
  console.error(`ensure-postgres: starting the local PostgreSQL ${version} cluster`);
  const run = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  return run.status === 0;
}

if (!(await reachable())) {
  if (startDebianCluster()) {
    for (let i = 0; i < 30 && !(await reachable()); i++) execFileSync('sleep', ['1']);
  }
  if (!(await reachable())) {
    console.error(
      `ensure-postgres: no PostgreSQL answers at ${url.replace(/:[^:@/]*@/, ':***@')}.\n` +
        '  Install and start one (Debian: apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect 15 main start),\n' +
        '  or point TEST_DATABASE_URL at a server where the user may create databases.',
    );
    process.exit(1);
  }
}
