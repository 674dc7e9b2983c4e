// The evidence log's write side: leaves appended, and status observations
// recorded, in the transaction of the rows they cover. The repositories call
// these inside their own transactions (a stored page, an article snapshot, a
// status change); the log repository (log-repository.ts) reads the log.
// Appending moves the one-row counter in log_state (UPDATE ... RETURNING,
// which locks the row until the transaction ends): two transactions never get
// the same index, a rolled back transaction gives its indices back, and
// indices follow commit order, so leaf indices are gap-free and ordered under
// concurrency.
import { createHash } from 'node:crypto';
import { leafEntry, type LeafEntry, type ObservedStatus } from '../../core/log-leaf.js';
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

export interface StoredCapture {
  source: string;
  requestUrl: string | null;
  httpStatus: number | null;
  contentType: string | null;
  body: string;
  capturedAt: Date;
}

export interface StoredPage {
  /** The page's captures with their row ids, and whether each was archived before. */
  captures: { capture: StoredCapture; id: number; existed: boolean }[];
  /** platform_id → row id of the posts the page created. */
  inserted: Map<string, number>;
  platform: string | null;
  now: Date;
}

/** Logs what one stored page added: its captures when new, and a first_seen observation per new post. */
export async function logStoredPage(tx: Tx, page: StoredPage): Promise<void> {
  const leaves = page.captures.filter((c) => !c.existed).map((c) => captureLeaf(c.id, c.capture));
  // The posts of one page are of one platform (the page's versions name it).
  const platform = page.platform ?? page.captures[0]?.capture.source.split(':')[0];
  if (page.inserted.size > 0 && platform) {
    const observations = [...page.inserted].map(([platformId, postId]) => ({
      postId,
      platform,
      platformId,
      status: 'first_seen' as const,
      detail: null,
      observedAt: page.now,
    }));
    // The captures' leaves go first, in the statement that appends the observations'.
    return recordObservations(tx, observations, leaves);
  }
  if (leaves.length > 0) await appendLeaves(tx, leaves);
}

function captureLeaf(id: number, c: StoredCapture): LeafEntry {
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

/**
 * Observes posts that were unavailable and are seen again by a read newer
 * than the observation that made them so (`seen`: platform ID → when it was
 * read); call before marking them available. Returns the row ids of the posts restored.
 */
export async function observeRestored(
  tx: Tx,
  platform: string,
  seen: Map<string, Date>,
  now: Date,
): Promise<number[]> {
  const reads = [...seen].map(([platformId, at]) => ({ platformId, at: at.toISOString() }));
  const rows = await tx.$queryRaw<{ id: number; platform_id: string }[]>`
    SELECT p.id, p.platform_id FROM posts p
    JOIN jsonb_to_recordset(${JSON.stringify(reads)}::jsonb) AS r("platformId" text, at timestamptz)
      ON p.platform_id = r."platformId"
    WHERE p.platform = ${platform} AND p.status <> 'available'
      AND (p.status_changed_at IS NULL OR p.status_changed_at < r.at)
    ORDER BY p.id`;
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
  return rows.map((r) => r.id);
}
