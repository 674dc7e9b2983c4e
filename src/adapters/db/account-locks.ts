// Locks on accounts that die with their holder: a poller killed mid-poll
// (kill -9 included) frees its accounts at once, and two live pollers never
// hold one account together.
// - PostgreSQL: session-level advisory locks on one dedicated connection; the
//   server drops them when that session ends. The holder is named by the
//   session's application_name.
// - Embedded database: its owner and the CLI processes beside it share one
//   PostgreSQL session (PGlite), where advisory locks cannot tell them apart,
//   but they all run on the machine that holds the data directory: an OS lock
//   on a file per account there (as for the directory itself), whose content
//   names the holder.
// - An in-memory database is seen by one process: a set in memory is enough.
import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { tryLock as tryFileLock } from 'fs-native-extensions';

/** Which locks: accounts (the default) or another space of keys, e.g. the leases of pushed streams. */
export interface LockSpace {
  /** The first key of the advisory locks. */
  advisory: number;
  /** The folder of the lock files beside the embedded database. */
  dir: string;
}

export type AccountLocksSpec = (
  | { kind: 'advisory'; url: string; owner: string }
  | { kind: 'files'; dir: string; owner: string }
  /** In-memory database: `holders` is shared by every user of that database. */
  | { kind: 'process'; owner: string; holders: Map<number, string> }
) & { space?: LockSpace };

export type AccountHold =
  | {
      held: true;
      release(): Promise<void>;
      /** Whether the lock is still this holder's (false once its database session was lost). */
      isHeld(): Promise<boolean>;
    }
  | { held: false; holder: string };

export interface AccountLocks {
  /** Takes the account's lock when nobody holds it; otherwise names who does. */
  tryHold(accountId: number): Promise<AccountHold>;
  close(): Promise<void>;
}

interface LockBackend {
  tryLock(accountId: number): Promise<boolean>;
  stillHeld(accountId: number): Promise<boolean>;
  unlock(accountId: number): Promise<void>;
  holder(accountId: number): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The first key of every onrecord advisory lock on an account ("onrc"). */
export const ACCOUNT_LOCK_SPACE = 0x6f6e7263;
export const ACCOUNT_LOCKS: LockSpace = { advisory: ACCOUNT_LOCK_SPACE, dir: 'account-locks' };
/** The leases of pushed streams ("onrs"), one key per stream. */
export const STREAM_LEASES: LockSpace = { advisory: 0x6f6e7273, dir: 'stream-leases' };

export function createAccountLocks(spec: AccountLocksSpec): AccountLocks {
  const space = spec.space ?? ACCOUNT_LOCKS;
  const backend =
    spec.kind === 'advisory'
      ? advisoryBackend(spec, space.advisory)
      : spec.kind === 'files'
        ? fileBackend(spec, space.dir)
        : processBackend(spec);
  // Advisory locks are re-entrant within a session: this set keeps two
  // callers of one process apart.
  const held = new Set<number>();
  return {
    async tryHold(accountId) {
      if (held.has(accountId)) return { held: false, holder: 'this process' };
      held.add(accountId);
      try {
        if (!(await backend.tryLock(accountId))) {
          held.delete(accountId);
          return { held: false, holder: (await backend.holder(accountId)) ?? 'another process' };
        }
      } catch (err) {
        held.delete(accountId);
        throw err;
      }
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        try {
          await backend.unlock(accountId);
        } finally {
          held.delete(accountId);
        }
      };
      return { held: true, release, isHeld: async () => !released && (await backend.stillHeld(accountId)) };
    },
    close: () => backend.close(),
  };
}

function advisoryBackend(spec: { url: string; owner: string }, lockSpace: number): LockBackend {
  let session: Promise<pg.Client> | undefined;
  const connect = () =>
    (session ??= (async () => {
      const client = new pg.Client({
        connectionString: spec.url,
        application_name: `onrecord ${spec.owner}`.slice(0, 63),
      });
      // The session ended (server restart, network): its locks went with it.
      const forget = () => void (session = undefined);
      client.on('error', forget).on('end', forget);
      await client.connect();
      return client;
    })().catch((err: unknown) => {
      session = undefined;
      throw err;
    }));
  // One statement at a time on the session (pg 9 refuses overlapping queries on a client).
  let queue: Promise<unknown> = Promise.resolve();
  const query = <T>(sql: string, params: unknown[]): Promise<T[]> => {
    const next = queue.then(async () => (await (await connect()).query<T & pg.QueryResultRow>(sql, params)).rows);
    queue = next.catch(() => {});
    return next;
  };
  return {
    async tryLock(accountId) {
      const [row] = await query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [lockSpace, accountId]);
      return row?.ok === true;
    },
    async stillHeld(accountId) {
      // A lost session (server restart, network) took its locks along; asking opens a new one, which holds none.
      const [row] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
           AND objsubid = 2 AND classid = $1::bigint::oid AND objid = $2::bigint::oid`,
        [lockSpace, accountId],
      );
      return row?.n === 1;
    },
    async unlock(accountId) {
      if (session) await query('SELECT pg_advisory_unlock($1, $2)', [lockSpace, accountId]);
    },
    async holder(accountId) {
      const [row] = await query<{ name: string; pid: number }>(
        `SELECT a.application_name AS name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid`,
        [lockSpace, accountId],
      );
      return row && `${row.name.replace(/^onrecord /, '') || 'a session'} (database session ${row.pid})`;
    },
    async close() {
      const pending = session;
      session = undefined;
      if (pending) await (await pending.catch(() => undefined))?.end();
    },
  };
}

function fileBackend(spec: { dir: string; owner: string }, folder: string): LockBackend {
  const dir = join(spec.dir, folder);
  const path = (accountId: number) => join(dir, `${accountId}.lock`);
  const open = new Map<number, number>();
  return {
    async tryLock(accountId) {
      mkdirSync(dir, { recursive: true });
      const fd = openSync(path(accountId), constants.O_RDWR | constants.O_CREAT, 0o644);
      if (!tryFileLock(fd)) {
        closeSync(fd);
        return false;
      }
      ftruncateSync(fd, 0);
      writeSync(fd, JSON.stringify({ owner: spec.owner, pid: process.pid }), 0);
      open.set(accountId, fd);
      return true;
    },
    stillHeld: async (accountId) => open.has(accountId),
    async unlock(accountId) {
      const fd = open.get(accountId);
      if (fd === undefined) return;
      open.delete(accountId);
      ftruncateSync(fd, 0);
      closeSync(fd);
    },
    async holder(accountId) {
      try {
        const notice = JSON.parse(readFileSync(path(accountId), 'utf8')) as { owner?: unknown; pid?: unknown };
        return typeof notice.owner === 'string' ? `${notice.owner} (pid ${String(notice.pid)})` : undefined;
      } catch {
        return undefined; // the holder is writing its notice
      }
    },
    async close() {
      for (const fd of open.values()) closeSync(fd);
      open.clear();
    },
  };
}

function processBackend(spec: { owner: string; holders: Map<number, string> }): LockBackend {
  const mine = new Set<number>();
  return {
    async tryLock(accountId) {
      if (spec.holders.has(accountId)) return false;
      spec.holders.set(accountId, spec.owner);
      mine.add(accountId);
      return true;
    },
    async unlock(accountId) {
      if (mine.delete(accountId)) spec.holders.delete(accountId);
    },
    holder: async (accountId) => spec.holders.get(accountId),
    stillHeld: async (accountId) => mine.has(accountId),
    async close() {
      for (const accountId of mine) spec.holders.delete(accountId);
      mine.clear();
    },
  };
}
