// The evidence log's write side: leaves appended, and status observations
// recorded, in the transaction of the rows they cover. The repositories call
// these inside their own transactions (a stored page, an article snapshot, a
// status change); the log repository (log-repository.ts) reads the log.
// Appending moves the one-row counter in log_state (UPDATE ... RETURNING,
// which locks the row until the transaction ends): two transactions never get
// the same index, a rolled back transaction gives its indices back, and
// indices follow commit order, so leaf indices are gap-free and ordered under
// concurrency. Observations and their leaves go in one statement, which
// draws each observation's id and writes its leaf from it; a stored page's
// leaves go in the very statement that stores the page (pageLog), so the
// log costs a page no round trip of its own.
import { leafDataAfterId, leafEntry, leafIdPrefix, type LeafEntry, type ObservedStatus } from '../../core/log-leaf.js';
import { Prisma as P } from '../../generated/prisma/client.js';
import type { Tx } from './database.js';
import { storedBodyOf } from './page-insert.js';

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

/** Leaves from JS as a query of (ord from 1, kind, ref_id, data, hash): an array per column, no JSON per leaf. */
function leafRows(entries: LeafEntry[]): P.Sql {
  const kinds = entries.map((e) => e.kind);
  const refIds = entries.map((e) => e.refId);
  const data = entries.map((e) => e.data);
  const hashes = entries.map((e) => e.hash.toString('hex'));
  return P.sql`SELECT e.ord, e.kind, e.ref_id, e.data, decode(e.hash, 'hex') AS hash
    FROM unnest(${kinds}::text[], ${refIds}::int[], ${data}::text[], ${hashes}::text[])
      WITH ORDINALITY AS e(kind, ref_id, data, hash, ord)`;
}

/** Appends leaves in order; returns the index of the first (or the log size when there are none). */
export async function appendLeaves(tx: Tx, entries: LeafEntry[]): Promise<number> {
  const n = entries.length;
  const [row] = await tx.$queryRaw<{ start: number }[]>`
    WITH s AS (
      INSERT INTO log_state (id, size) VALUES (1, ${n}::int)
      ON CONFLICT (id) DO UPDATE SET size = log_state.size + EXCLUDED.size RETURNING size - ${n}::int AS start),
    ins AS (
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash)
      SELECT s.start + e.ord::int - 1, e.kind, e.ref_id, e.data, e.hash FROM s, (${leafRows(entries)}) e)
    SELECT start FROM s`;
  return row!.start;
}

/**
 * Common table expressions (names beginning with log_) that log in the
 * statement they join: `before` yields the leaves that go first (ord from 1,
 * kind, ref_id, data, hash), `source` the observations to store, a leaf
 * after them for each (ord from 1, post_id, platform, platform_id, status,
 * detail, observed_at, suffix: leafDataAfterId of the row). Each
 * observation's id is drawn here, in ord order, and its leaf data is the
 * kind's prefix, the id and its suffix: exactly leafData of the row. The log
 * grows only when there is a leaf to append. log_o holds the observations.
 */
function logCtes(before: P.Sql, source: P.Sql): P.Sql {
  return P.sql`
    log_before AS (${before}),
    log_src AS (${source}),
    log_o AS MATERIALIZED (
      SELECT nextval('status_observations_id_seq')::int AS id, x.* FROM (SELECT * FROM log_src ORDER BY ord) x),
    log_n AS (SELECT (SELECT count(*) FROM log_before)::int AS before, (SELECT count(*) FROM log_o)::int AS obs),
    log_size AS (
      INSERT INTO log_state (id, size) SELECT 1, before + obs FROM log_n WHERE before + obs > 0
      ON CONFLICT (id) DO UPDATE SET size = log_state.size + EXCLUDED.size RETURNING size),
    log_obs AS (
      INSERT INTO status_observations (id, post_id, platform, platform_id, status, detail, observed_at)
      SELECT id, post_id, platform, platform_id, status, detail, observed_at FROM log_o),
    log_leaf AS (
      SELECT ord, kind, ref_id, data, hash FROM log_before
      UNION ALL
      SELECT n.before + o.ord, 'observation', o.id, d.data, ${LEAF_HASH(P.sql`d.data`)}
      FROM log_n n, log_o o, LATERAL (SELECT ${leafIdPrefix('observation')}::text || o.id || o.suffix AS data) d),
    log_ins AS (
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash)
      SELECT s.size - n.before - n.obs + l.ord::int - 1, l.kind, l.ref_id, l.data, l.hash
      FROM log_size s, log_n n, log_leaf l)`;
}

/**
 * One statement that stores the observations `source` yields, a leaf after
 * each (see logCtes); `ctes` are common table expressions `source` reads,
 * each followed by a comma. Returns the observed post ids in order.
 */
async function observe(tx: Tx, source: P.Sql, ctes: P.Sql = P.empty): Promise<number[]> {
  const rows = await tx.$queryRaw<{ post_id: number | null }[]>`
    WITH ${ctes} ${logCtes(leafRows([]), source)}
    SELECT post_id FROM log_o ORDER BY ord`;
  return rows.map((r) => r.post_id!);
}

const observationSuffix = (o: Omit<ObservationInput, 'postId'>) =>
  leafDataAfterId({ kind: 'observation', id: 0, ...o });

/** Stores status observations and appends a leaf for each, in one statement. */
export async function recordObservations(tx: Tx, observations: ObservationInput[]): Promise<void> {
  if (observations.length === 0) return;
  const o = observations;
  await observe(
    tx,
    P.sql`SELECT * FROM unnest(${o.map((x) => x.postId)}::int[], ${o.map((x) => x.platform)}::text[],
      ${o.map((x) => x.platformId)}::text[], ${o.map((x) => x.status)}::text[], ${o.map((x) => x.detail)}::text[],
      ${o.map((x) => x.observedAt.toISOString())}::timestamptz[], ${o.map(observationSuffix)}::text[])
      WITH ORDINALITY AS x(post_id, platform, platform_id, status, detail, observed_at, suffix, ord)`,
  );
}

interface Found {
  platform: string;
  /** Every platform ID the posts found can have, once each. */
  platformIds: string[];
  status: ObservedStatus;
  now: Date;
}

/** Observations of the posts in CTE log_found (post_id, platform_id), in post_id order, without detail. */
function foundSource({ platform, platformIds, status, now }: Found): P.Sql {
  const suffixes = platformIds.map((platformId) =>
    observationSuffix({ platform, platformId, status, detail: null, observedAt: now }),
  );
  return P.sql`SELECT row_number() OVER (ORDER BY f.post_id) AS ord, f.post_id, ${platform}::text AS platform,
    f.platform_id, ${status}::text AS status, NULL::text AS detail, ${now}::timestamptz AS observed_at, x.suffix
    FROM log_found f JOIN unnest(${platformIds}::text[], ${suffixes}::text[]) AS x(platform_id, suffix)
      USING (platform_id)`;
}

/**
 * Records observations of the posts a query finds, in the same statement:
 * `ctes` define `log_found` (post_id, platform_id: posts of `platform`),
 * each followed by a comma; each post found gets an observation of `status`
 * (no detail) at `now`, in post_id order. Returns the post ids observed.
 */
export async function observeFound(tx: Tx, ctes: P.Sql, found: Found): Promise<number[]> {
  return observe(tx, foundSource(found), ctes);
}

export interface StoredCapture {
  source: string;
  requestUrl: string | null;
  httpStatus: number | null;
  contentType: string | null;
  body: string;
  capturedAt: Date;
}

export interface PageToLog {
  /** The captures given to insertPage, in order. */
  captures: StoredCapture[];
  /** The platform of the page's posts (null: it has none). */
  platform: string | null;
  /** The platform IDs of the posts the page can create, once each. */
  platformIds: string[];
  now: Date;
}

/**
 * What logs a stored page in the statement that stores it (insertPage's
 * `log`): a leaf for each capture new in it (CTE capid: ord, id, new), then
 * a first_seen observation, with its leaf, for each post it creates (CTE
 * ins: id, platform_id). Begins with a comma: it follows the statement's
 * last CTE.
 */
export function pageLog(page: PageToLog): P.Sql {
  const suffixes = page.captures.map((c) => leafDataAfterId(captureRow(0, c)));
  // A payload given twice is new at its first place only.
  const captures = P.sql`SELECT row_number() OVER (ORDER BY c.ord) AS ord, 'capture'::text AS kind, c.id AS ref_id,
      d.data, ${LEAF_HASH(P.sql`d.data`)} AS hash
    FROM (SELECT DISTINCT ON (id) id, ord FROM capid WHERE new ORDER BY id, ord) c
      JOIN unnest(${suffixes}::text[]) WITH ORDINALITY AS x(suffix, ord) ON x.ord = c.ord,
      LATERAL (SELECT ${leafIdPrefix('capture')}::text || c.id || x.suffix AS data) d`;
  const firstSeen = foundSource({
    platform: page.platform ?? '',
    platformIds: page.platform ? page.platformIds : [],
    status: 'first_seen',
    now: page.now,
  });
  return P.sql`, log_found AS (SELECT id AS post_id, platform_id FROM ins), ${logCtes(captures, firstSeen)}`;
}

function captureRow(id: number, c: StoredCapture) {
  return {
    kind: 'capture' as const,
    id,
    platform: c.source.split(':')[0]!,
    source: c.source,
    requestUrl: c.requestUrl,
    httpStatus: c.httpStatus,
    contentType: c.contentType,
    capturedAt: c.capturedAt,
    sha256: storedBodyOf(c).sha256,
  };
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
    P.sql`log_found AS (
      SELECT p.id AS post_id, p.platform_id FROM posts p
      JOIN unnest(${platformIds}::text[], ${reads}::timestamptz[]) AS r(platform_id, at) ON p.platform_id = r.platform_id
      WHERE p.platform = ${platform} AND p.status <> 'available'
        AND (p.status_changed_at IS NULL OR p.status_changed_at < r.at)),`,
    { platform, platformIds, status: 'restored', now },
  );
}
