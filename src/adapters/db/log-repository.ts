// The evidence log's storage: leaves appended in the transaction of the rows
// they cover, status observations, and signed checkpoints. Appending moves the
// one-row counter in log_state (UPDATE ... RETURNING, which locks the row until
// the transaction ends): two transactions never get the same index, a rolled
// back transaction gives its indices back, and indices follow commit order,
// so leaf indices are gap-free and ordered under concurrency.
import { leafEntry, type LeafEntry, type ObservedStatus } from '../../core/log-leaf.js';
import type { Hash } from '../../core/merkle.js';
import { createHash } from 'node:crypto';
import { encodeRawBody } from '../../core/storable-text.js';
import { Prisma as P } from '../../generated/prisma/client.js';
import type { Tx } from './database.js';

/** sha256 (hex) of a raw body's bytes: the text's UTF-8, or the base64-decoded bytes (see storable-text.ts). */
export const RAW_SHA256 = P.sql`encode(sha256(CASE WHEN body_encoding = 'text' THEN convert_to(body, 'UTF8')
  ELSE decode(body, 'base64') END), 'hex')`;

export interface ObservationInput {
  postId: number | null;
  platform: string;
  platformId: string;
  status: ObservedStatus;
  detail: string | null;
  observedAt: Date;
}

/** Appends leaves in order; returns the index of the first (or the log size when there are none). */
export async function appendLeaves(tx: Tx, entries: LeafEntry[]): Promise<number> {
  const n = entries.length;
  const rows = JSON.stringify(entries.map((e) => [e.kind, e.refId, e.data, e.hash.toString('hex')]));
  const [row] = await tx.$queryRaw<{ start: number }[]>`
    WITH s AS (
      INSERT INTO log_state (id, size) VALUES (1, ${n}::int)
      ON CONFLICT (id) DO UPDATE SET size = log_state.size + EXCLUDED.size RETURNING size - ${n}::int AS start),
    ins AS (
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash)
      SELECT s.start + e.ord::int - 1, e.v->>0, (e.v->>1)::int, e.v->>2, decode(e.v->>3, 'hex')
      FROM s, jsonb_array_elements(${rows}::jsonb) WITH ORDINALITY AS e(v, ord))
    SELECT start FROM s`;
  return row!.start;
}

/** Stores status observations and appends a leaf for each (after `before`, in the same statement). */
export async function recordObservations(
  tx: Tx,
  observations: ObservationInput[],
  before: LeafEntry[] = [],
): Promise<void> {
  if (observations.length === 0) {
    if (before.length) await appendLeaves(tx, before);
    return;
  }
  // Serial ids are drawn in the order rows are inserted (the ORDER BY), so
  // sorted ids line up with the input.
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO status_observations (post_id, platform, platform_id, status, detail, observed_at)
    SELECT (o.v->>'postId')::int, o.v->>'platform', o.v->>'platformId', o.v->>'status', o.v->>'detail',
      (o.v->>'observedAt')::timestamptz
    FROM jsonb_array_elements(${JSON.stringify(observations)}::jsonb) WITH ORDINALITY AS o(v, ord)
    ORDER BY o.ord RETURNING id`;
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  await appendLeaves(tx, [
    ...before,
    ...observations.map((o, i) => leafEntry({ kind: 'observation', ...o, id: ids[i]! })),
  ]);
}

export interface StoredPage {
  capture: {
    source: string;
    requestUrl: string | null;
    httpStatus: number | null;
    contentType: string | null;
    body: string;
    capturedAt: Date;
  } | null;
  captureId: number | null;
  captureExisted: boolean;
  /** platform_id → row id of the posts the page created. */
  inserted: Map<string, number>;
  platform: string | null;
  now: Date;
}

/** Logs what one stored page added: its capture when new, and a first_seen observation per new post. */
export async function logStoredPage(tx: Tx, page: StoredPage): Promise<void> {
  const c = page.capture;
  const isNewCapture = c !== null && page.captureId !== null && !page.captureExisted;
  // The posts of one page are of one platform (the page's versions name it).
  const platform = page.platform ?? c?.source.split(':')[0];
  if (page.inserted.size > 0 && platform) {
    const observations = [...page.inserted].map(([platformId, postId]) => ({
      postId,
      platform,
      platformId,
      status: 'first_seen' as const,
      detail: null,
      observedAt: page.now,
    }));
    // The capture's leaf goes first, in the statement that appends the observations'.
    return recordObservations(tx, observations, isNewCapture ? [captureLeaf(page.captureId!, c)] : []);
  }
  if (isNewCapture) await appendLeaves(tx, [captureLeaf(page.captureId!, c)]);
}

function captureLeaf(id: number, c: NonNullable<StoredPage['capture']>): LeafEntry {
  return leafEntry({
    kind: 'capture',
    id,
    platform: c.source.split(':')[0]!,
    source: c.source,
    requestUrl: c.requestUrl,
    httpStatus: c.httpStatus,
    contentType: c.contentType,
    capturedAt: c.capturedAt,
    sha256: createHash('sha256').update(encodeRawBody(c.body).bytes).digest('hex'),
  });
}

/** Appends a leaf for the article's snapshot with this sha256 unless it has one already. */
export async function logArticleSnapshot(tx: Tx, articleId: number, sha256: string): Promise<void> {
  const rows = await tx.$queryRaw<
    { id: number; fetched_from: string | null; content_type: string | null; captured_at: Date; sha: string }[]
  >`
    SELECT s.id, s.fetched_from, s.content_type, s.captured_at, ${RAW_SHA256} AS sha FROM article_snapshots s
    WHERE s.article_id = ${articleId} AND s.sha256 = ${sha256}
      AND NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.kind = 'article_snapshot' AND l.ref_id = s.id)`;
  await appendLeaves(
    tx,
    rows.map((s) =>
      leafEntry({
        kind: 'article_snapshot',
        id: s.id,
        articleId,
        fetchedFrom: s.fetched_from,
        contentType: s.content_type,
        capturedAt: s.captured_at,
        sha256: s.sha,
      }),
    ),
  );
}

/** Observes posts that were unavailable and are seen again (call before marking them available). */
export async function observeRestored(tx: Tx, platform: string, platformIds: string[], now: Date): Promise<void> {
  const rows = await tx.$queryRaw<{ id: number; platform_id: string }[]>`
    SELECT id, platform_id FROM posts WHERE platform = ${platform} AND status <> 'available'
      AND platform_id = ANY(${platformIds}::text[]) ORDER BY id`;
  await recordObservations(
    tx,
    rows.map((r) => ({
      postId: r.id,
      platform,
      platformId: r.platform_id,
      status: 'restored' as const,
      detail: null,
      observedAt: now,
    })),
  );
}

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

/** Reads of the log and checkpoint storage. */
export function createLogRepository(db: Tx) {
  return {
    async size(): Promise<number> {
      const [row] = await db.$queryRaw<{ size: number }[]>`SELECT size FROM log_state WHERE id = 1`;
      return row?.size ?? 0;
    },

    /** The hashes of the first `size` leaves, in order. */
    async leafHashes(size: number): Promise<Hash[]> {
      const rows = await db.$queryRaw<{ leaf_hash: Uint8Array }[]>`
        SELECT leaf_hash FROM log_leaves WHERE leaf_index < ${size} ORDER BY leaf_index`;
      return rows.map((r) => Buffer.from(r.leaf_hash));
    },

    /** Leaves by index range [from, to), in order (one JSON row: far cheaper than a row each). */
    async leaves(from: number, to: number): Promise<LeafRecord[]> {
      const [row] = await db.$queryRaw<{ leaves: [number, string, number, string, string][] | null }[]>`
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

    async leafOf(kind: string, refId: number): Promise<LeafRecord | null> {
      const rows = await db.$queryRaw<{ leaf_index: number }[]>`
        SELECT leaf_index FROM log_leaves WHERE kind = ${kind} AND ref_id = ${refId}`;
      if (!rows[0]) return null;
      const [leaf] = await this.leaves(rows[0].leaf_index, rows[0].leaf_index + 1);
      return leaf ?? null;
    },

    async saveCheckpoint(c: Omit<CheckpointRecord, 'id' | 'createdAt'>): Promise<CheckpointRecord> {
      return db.logCheckpoint
        .create({
          data: { size: c.size, rootHash: new Uint8Array(c.rootHash), note: c.note, verifierKey: c.verifierKey },
        })
        .then(toCheckpoint);
    },

    async latestCheckpoint(): Promise<CheckpointRecord | null> {
      const row = await db.logCheckpoint.findFirst({ orderBy: [{ size: 'desc' }, { id: 'desc' }] });
      return row ? toCheckpoint(row) : null;
    },

    async checkpoints(): Promise<CheckpointRecord[]> {
      const rows = await db.logCheckpoint.findMany({ orderBy: [{ size: 'asc' }, { id: 'asc' }] });
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
