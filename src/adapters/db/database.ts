// Opens the database: a real PostgreSQL when a URL is given, otherwise an
// embedded PostgreSQL (PGlite) in a data directory. Everything above this file
// sees the same Database handle and the same Prisma client.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { embeddedDebugHistoryForgetter, forgetPrismaDebugHistory } from './prisma-debug-history.js';
import { ConfigError } from '../../core/errors.js';
import { sleep } from '../../core/lifecycle.js';
import { readLockInfo, tryLock, type LockAttempt } from './pglite-lock.js';
import { createAccountLocks, STREAM_LEASES, type AccountLocks } from './account-locks.js';

export type Prisma = PrismaClient;
/** A Prisma client or a transaction of one: what repository methods accept. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Runs fn in the caller's transaction when there is one, else in a transaction of its own. */
export function inTransaction<T>(db: PrismaClient, tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? fn(tx) : db.$transaction(fn);
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  /** How many connections can work at once: the pool's size (1 for the embedded database, served or not). */
  readonly connections: number;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn on one connection held for its whole duration (advisory locks, scripts). */
  withConnection<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /** A pg connection string other tools can use (COPY in benchmarks), when there is one. */
  readonly url?: string;
  /**
   * Embedded database only: serves it over the PostgreSQL wire protocol on
   * 127.0.0.1 so that other processes (the CLI beside the service) can use it.
   */
  serve?(): Promise<{ port: number; stop(): Promise<void> }>;
  /**
   * Locks on accounts named for `owner`, held by this process until released
   * or until it dies (kill -9 included): what keeps two pollers off one account.
   */
  accountLocks(owner: string): AccountLocks;
  /** Leases of pushed streams (one key per stream), held like account locks: they die with their holder. */
  streamLeases(owner: string): AccountLocks;
  close(): Promise<void>;
}

export interface SqlConnection {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface DatabaseOptions {
  url?: string;
  dataDir: string;
  /** Size of the pg pool (default 5). */
  poolSize?: number;
  /** How long to wait for another process that holds the embedded database (default 10 s). */
  lockWaitMs?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 5);
  if (options.dataDir === 'memory://') return openPglite(options.dataDir);
  const dir = resolve(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + (options.lockWaitMs ?? 10_000);
  for (;;) {
    const lock = tryLock(dir);
    if (lock.kind === 'acquired') {
      try {
        return await openPglite(dir, lock);
      } catch (err) {
        lock.release();
        throw err;
      }
    }
    // The service owns the directory and serves it: connect through it.
    if (lock.by?.port) return openThroughOwner(dir, lock.by.port);
    if (Date.now() > deadline) {
      const holder = lock.by ? `process ${lock.by.pid}` : 'another process';
      throw new ConfigError(
        `the embedded database in ${options.dataDir} is in use by ${holder}; wait for it, or set DATABASE_URL`,
      );
    }
    await sleep(200);
  }
}

/**
 * A client of the service that owns the embedded database. Every new
 * connection reads the owner's port again, so that when the owner is
 * restarted (on another port) this process follows it instead of knocking on
 * the old port forever.
 */
function openThroughOwner(dir: string, port: number): Promise<Database> {
  let lastPort = port;
  const currentPort = () => (lastPort = readLockInfo(dir)?.port ?? lastPort);
  class OwnerClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, port: currentPort() });
    }
  }
  // Fields, not a connection string: pg lets a connection string override the port.
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    Client: OwnerClient,
  });
  const db = fromPool(pool, ownerUrl(port), (owner, space) => createAccountLocks({ kind: 'files', dir, owner, space }));
  // Tools that open their own connections (LISTEN) read the address when they connect.
  Object.defineProperty(db, 'url', { get: () => ownerUrl(currentPort()), enumerable: true });
  return Promise.resolve(db);
}

function ownerUrl(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  return fromPool(pool, url, (owner, space) => createAccountLocks({ kind: 'advisory', url, owner, space }));
}

type LocksFactory = (owner: string, space?: typeof STREAM_LEASES) => AccountLocks;

function fromPool(pool: pg.Pool, url: string, locks: LocksFactory): Database {
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  pool.on('release', () => forgetPrismaDebugHistory());
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    connections: pool.options.max,
    url,
    accountLocks: (owner) => locks(owner),
    streamLeases: (owner) => locks(owner, STREAM_LEASES),
    async exec(sql) {
      await pool.query(sql);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async (sql, params) => (await client.query(sql, params)).rows,
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** How often the embedded database forgets Prisma's debug histories (see prisma-debug-history.ts). */
const EMBEDDED_FORGET_MS = 250;

async function openPglite(dir: string, lock?: Extract<LockAttempt, { kind: 'acquired' }>): Promise<Database> {
  const [{ PGlite }, { pg_trgm }, { unaccent }, { btree_gin }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
    import('@electric-sql/pglite/contrib/btree_gin'),
    import('pglite-prisma-adapter'),
  ]);
  const pglite = await PGlite.create(dir, { extensions: { pg_trgm, unaccent, btree_gin } });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // No pool tells when a query ends here: Prisma's debug histories are forgotten on a timer.
  const forget = setInterval(await embeddedDebugHistoryForgetter(), EMBEDDED_FORGET_MS).unref();
  const holders = new Map<number, string>();
  const leaseHolders = new Map<number, string>();
  const locks = (owner: string, space: typeof STREAM_LEASES | undefined, held: Map<number, string>) =>
    createAccountLocks(
      dir === 'memory://' ? { kind: 'process', owner, holders: held, space } : { kind: 'files', dir, owner, space },
    );
  return {
    kind: 'pglite',
    prisma,
    connections: 1,
    accountLocks: (owner) => locks(owner, undefined, holders),
    streamLeases: (owner) => locks(owner, STREAM_LEASES, leaseHolders),
    async exec(sql) {
      await pglite.exec(sql);
    },
    async withConnection(fn) {
      return fn({
        exec: async (sql) => void (await pglite.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
      });
    },
    async serve() {
      const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
      const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 8 });
      await server.start();
      const port = Number(new URL(`postgresql://${server.getServerConn()}`).port);
      lock?.publishPort(port);
      return { port, stop: () => server.stop() };
    },
    async close() {
      clearInterval(forget);
      await prisma.$disconnect();
      await pglite.close();
      lock?.release();
    },
  };
}
