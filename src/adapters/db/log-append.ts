// The evidence log's write side: leaves appended, and status observations
// recorded, in the transaction of the rows they cover. The repositories call
// these inside their own transactions (a stored page, an article snapshot, a
// status change); the log repository (log-repository.ts) reads the log.
// Appending moves the one-row counter in log_state (UPDATE ... RETURNING,
// which locks the row until the transaction ends): two transactions never get
// the same index, a rolled back transaction gives its indices back, and
// indices follow commit order, so leaf indices are gap-free and ordered under
// concurrency. Observations and their leaves go in one statement, which
// draws each observation's id and writes its leaf from it; a stored page
// costs the log that one statement.
import { createHash } from 'node:crypto';
import {
  leafEntry,
  OBSERVATION_LEAF_PREFIX,
  observationLeafSuffix,
  type LeafEntry,
  type ObservedStatus,
} from '../../core/log-leaf.js';
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

/** A leaf's hash (RFC 6962: SHA-256 of 0x00 and the data's UTF-8), as core/merkle.ts leafHash computes it. */
const LEAF_HASH = (data: P.Sql) => P.sql`sha256(decode('00', 'hex') || convert_to(${data}, 'UTF8'))`;

/** Leaves as parallel arrays (one parameter each: no JSON to build and parse per leaf). */
const leafColumns = (entries: LeafEntry[]) => ({
  kinds: entries.map((e) => e.kind),
  refIds: entries.map((e) => e.refId),
  data: entries.map((e) => e.data),
  hashes: entries.map((e) => e.hash.toString('hex')),
});

/** Appends leaves in order; returns the index of the first (or the log size when there are none). */
export async function appendLeaves(tx: Tx, entries: LeafEntry[]): Promise<number> {
  const n = entries.length;
  const c = leafColumns(entries);
  const [row] = await tx.$queryRaw<{ start: number }[]>`
    WITH s AS (
      INSERT INTO log_state (id, size) VALUES (1, ${n}::int)
      ON CONFLICT (id) DO UPDATE SET size = log_state.size + EXCLUDED.size RETURNING size - ${n}::int AS start),
    ins AS (
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash)
      SELECT s.start + e.ord::int - 1, e.kind, e.ref_id, e.data, decode(e.hash, 'hex')
      FROM s, unnest(${c.kinds}::text[], ${c.refIds}::int[], ${c.data}::text[], ${c.hashes}::text[])
        WITH ORDINALITY AS e(kind, ref_id, data, hash, ord))
    SELECT start FROM s`;
  return row!.start;
}

/**
 * One statement that stores the observations `source` yields and appends
 * the leaves `before`, then one leaf per observation, in `ord` order; returns
 * the observed post ids in that order. `source` is a query of (ord, post_id,
 * platform, platform_id, status, detail, observed_at, suffix), suffix from
 * observationLeafSuffix; `ctes` are common table expressions it reads (each
 * followed by a comma). Each observation's id is drawn here, in `ord` order,
 * and its leaf data is the prefix, the id and its suffix: exactly leafData of
 * the row. The log grows only when there is a leaf to append.
 */
async function observe(tx: Tx, source: P.Sql, before: LeafEntry[], ctes: P.Sql = P.empty): Promise<number[]> {
  const b = leafColumns(before);
  const rows = await tx.$queryRaw<{ post_id: number | null }[]>`
    WITH ${ctes}
    src AS (${source}),
    o AS MATERIALIZED (
      SELECT nextval('status_observations_id_seq')::int AS id, src.* FROM (SELECT * FROM src ORDER BY ord) src),
    cnt AS (SELECT count(*)::int + ${before.length}::int AS n FROM o),
    s AS (
      INSERT INTO log_state (id, size) SELECT 1, n FROM cnt WHERE n > 0
      ON CONFLICT (id) DO UPDATE SET size = log_state.size + EXCLUDED.size RETURNING size),
    obs AS (
      INSERT INTO status_observations (id, post_id, platform, platform_id, status, detail, observed_at)
      SELECT id, post_id, platform, platform_id, status, detail, observed_at FROM o ORDER BY ord),
    leaves AS (
      SELECT e.ord, e.kind, e.ref_id, e.data, decode(e.hash, 'hex') AS hash
      FROM unnest(${b.kinds}::text[], ${b.refIds}::int[], ${b.data}::text[], ${b.hashes}::text[])
        WITH ORDINALITY AS e(kind, ref_id, data, hash, ord)
      UNION ALL
      SELECT ${before.length}::int + o.ord, 'observation', o.id, d.data, ${LEAF_HASH(P.sql`d.data`)}
      FROM o, LATERAL (SELECT ${OBSERVATION_LEAF_PREFIX}::text || o.id || o.suffix AS data) d),
    ins AS (
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash)
      SELECT s.size - cnt.n + l.ord::int - 1, l.kind, l.ref_id, l.data, l.hash FROM s, cnt, leaves l ORDER BY l.ord)
    SELECT post_id FROM o ORDER BY ord`;
  return rows.map((r) => r.post_id!);
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
  const o = observations;
  await observe(
    tx,
    P.sql`SELECT * FROM unnest(${o.map((x) => x.postId)}::int[], ${o.map((x) => x.platform)}::text[],
      ${o.map((x) => x.platformId)}::text[], ${o.map((x) => x.status)}::text[], ${o.map((x) => x.detail)}::text[],
      ${o.map((x) => x.observedAt.toISOString())}::timestamptz[], ${o.map(observationLeafSuffix)}::text[])
      WITH ORDINALITY AS x(post_id, platform, platform_id, status, detail, observed_at, suffix, ord)`,
    before,
  );
}

/**
 * Records observations of the posts a query finds, in the same statement:
 * `ctes` define `found` (post_id, platform_id: posts of `platform`), each
 * followed by a comma; each post found gets an observation of `status` (no
 * detail) at `now`, in post_id order. `platformIds` holds every platform ID
 * `found` can yield, once. Returns the post ids observed.
 */
export async function observeFound(
  tx: Tx,
  ctes: P.Sql,
  seen: { platform: string; platformIds: string[]; status: ObservedStatus; now: Date },
): Promise<number[]> {
  const { platform, status, now } = seen;
  const suffixes = seen.platformIds.map((platformId) =>
    observationLeafSuffix({ platform, platformId, status, detail: null, observedAt: now }),
  );
  return observe(
    tx,
    P.sql`SELECT row_number() OVER (ORDER BY f.post_id) AS ord, f.post_id, ${platform}::text AS platform,
      f.platform_id, ${status}::text AS status, NULL::text AS detail, ${now}::timestamptz AS observed_at, x.suffix
      FROM found f JOIN unnest(${seen.platformIds}::text[], ${suffixes}::text[]) AS x(platform_id, suffix)
        USING (platform_id)`,
    [],
    ctes,
  );
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
export async function observeRestored(tx: Tx, platform: string, seen: Map<string, Date>, now: Date): Promise<number[]> {
  const platformIds = [...seen.keys()];
  const reads = [...seen.values()].map((at) => at.toISOString());
  return observeFound(
    tx,
    P.sql`found AS (
      SELECT p.id AS post_id, p.platform_id FROM posts p
      JOIN unnest(${platformIds}::text[], ${reads}::timestamptz[]) AS r(platform_id, at) ON p.platform_id = r.platform_id
      WHERE p.platform = ${platform} AND p.status <> 'available'
        AND (p.status_changed_at IS NULL OR p.status_changed_at < r.at)),`,
    { platform, platformIds, status: 'restored', now },
  );
}
