// The evidence log's storage: its leaves (appended by the other repositories
// in the transaction of the rows they cover, see log-append.ts), status
// observations, and signed checkpoints. A factory over the database; every
// method takes an optional transaction.
import type { LeafEntry, LeafKind } from '../../core/log-leaf.js';
import type { Hash } from '../../core/merkle.js';
import type { Prisma, Tx } from './database.js';
import { appendLeaves } from './log-append.js';
import { loadLeafRows, unloggedRows } from './log-rows.js';

export interface LeafRecord {
  index: number;
  kind: string;
  refId: number;
  data: string;
  hash: Hash;
}

export interface CheckpointRecord {
  id: number;
  size: number;
  rootHash: Hash;
  note: string;
  verifierKey: string;
  createdAt: Date;
}

export type LogRepository = ReturnType<typeof createLogRepository>;

/** The log and its checkpoints: appends, reads. */
export function createLogRepository(db: Prisma) {
  return {
    /** Appends leaves in order; returns the index of the first (or the log size when there are none). */
    append: (entries: LeafEntry[], tx: Tx = db) => appendLeaves(tx, entries),

    /** The covered rows of one kind with these ids, read back as leaf rows (see log-rows.ts). */
    coveredRows: (kind: LeafKind, ids: number[], tx: Tx = db) => loadLeafRows(tx, kind, ids),

    /** Covered rows that have no leaf. */
    unloggedRows: (tx: Tx = db) => unloggedRows(tx),

    async size(tx: Tx = db): Promise<number> {
      const [row] = await tx.$queryRaw<{ size: number }[]>`SELECT size FROM log_state WHERE id = 1`;
      return row?.size ?? 0;
    },

    /** The hashes of the first `size` leaves, in order. */
    async leafHashes(size: number, tx: Tx = db): Promise<Hash[]> {
      const rows = await tx.$queryRaw<{ leaf_hash: Uint8Array }[]>`
        SELECT leaf_hash FROM log_leaves WHERE leaf_index < ${size} ORDER BY leaf_index`;
      return rows.map((r) => Buffer.from(r.leaf_hash));
    },

    /** Leaves by index range [from, to), in order (one JSON row: far cheaper than a row each). */
    async leaves(from: number, to: number, tx: Tx = db): Promise<LeafRecord[]> {
      const [row] = await tx.$queryRaw<{ leaves: [number, string, number, string, string][] | null }[]>`
        SELECT json_agg(json_build_array(leaf_index, kind, ref_id, data, encode(leaf_hash, 'hex')) ORDER BY leaf_index)
          AS leaves
        FROM log_leaves WHERE leaf_index >= ${from} AND leaf_index < ${to}`;
      return (row?.leaves ?? []).map(([index, kind, refId, data, hash]) => ({
        index,
        kind,
        refId,
        data,
        hash: Buffer.from(hash, 'hex'),
      }));
    },

    async leafOf(kind: string, refId: number, tx: Tx = db): Promise<LeafRecord | null> {
      const rows = await tx.$queryRaw<{ leaf_index: number }[]>`
        SELECT leaf_index FROM log_leaves WHERE kind = ${kind} AND ref_id = ${refId}`;
      if (!rows[0]) return null;
      const [leaf] = await this.leaves(rows[0].leaf_index, rows[0].leaf_index + 1, tx);
      return leaf ?? null;
    },

    async saveCheckpoint(c: Omit<CheckpointRecord, 'id' | 'createdAt'>, tx: Tx = db): Promise<CheckpointRecord> {
      return tx.logCheckpoint
        .create({
          data: { size: c.size, rootHash: new Uint8Array(c.rootHash), note: c.note, verifierKey: c.verifierKey },
        })
        .then(toCheckpoint);
    },

    async latestCheckpoint(tx: Tx = db): Promise<CheckpointRecord | null> {
      const row = await tx.logCheckpoint.findFirst({ orderBy: [{ size: 'desc' }, { id: 'desc' }] });
      return row ? toCheckpoint(row) : null;
    },

    async checkpoints(tx: Tx = db): Promise<CheckpointRecord[]> {
      const rows = await tx.logCheckpoint.findMany({ orderBy: [{ size: 'asc' }, { id: 'asc' }] });
      return rows.map(toCheckpoint);
    },
  };
}

function toCheckpoint(row: {
  id: number;
  size: number;
  rootHash: Uint8Array;
  note: string;
  verifierKey: string;
  createdAt: Date;
}): CheckpointRecord {
  return { ...row, rootHash: Buffer.from(row.rootHash) };
}
