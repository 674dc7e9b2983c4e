// The rows the evidence log covers, read back as leaf rows for verification:
// each blob's sha256 is computed again by PostgreSQL from the stored bytes
// (never taken from a stored hash column), so an edited body shows.
import type { LeafKind, LeafRow } from '../../core/log-leaf.js';
import type { Tx } from './database.js';
import { RAW_SHA256 } from './log-append.js';

/** The covered rows of one kind with these ids (absent ids are simply missing from the map). */
export async function loadLeafRows(db: Tx, kind: LeafKind, ids: number[]): Promise<Map<number, LeafRow>> {
  if (ids.length === 0) return new Map();
  const rows = await LOADERS[kind](db, ids);
  return new Map(rows.map((r) => [r.id, r]));
}

// Each loader answers with one JSON row (an array per covered row), which
// costs far less to decode than a result row per covered row.
type Json = (string | number | null)[];
const at = (v: string | number | null) => new Date(v as string);
const str = (v: string | number | null) => v as string;
const strOrNull = (v: string | number | null) => v as string | null;

const LOADERS: Record<LeafKind, (db: Tx, ids: number[]) => Promise<LeafRow[]>> = {
  async capture(db, ids) {
    const [row] = await db.$queryRaw<{ rows: Json[] | null }[]>`
      SELECT json_agg(json_build_array(id, platform, source, request_url, http_status, content_type, captured_at,
        ${RAW_SHA256})) AS rows
      FROM captures WHERE id = ANY(${ids}::int[])`;
    return (row?.rows ?? []).map((r) => ({
      kind: 'capture' as const,
      id: r[0] as number,
      platform: str(r[1]!),
      source: str(r[2]!),
      requestUrl: strOrNull(r[3]!),
      httpStatus: r[4] as number | null,
      contentType: strOrNull(r[5]!),
      capturedAt: at(r[6]!),
      sha256: str(r[7]!),
    }));
  },

  async article_snapshot(db, ids) {
    const [row] = await db.$queryRaw<{ rows: Json[] | null }[]>`
      SELECT json_agg(json_build_array(id, article_id, fetched_from, content_type, captured_at,
        ${RAW_SHA256})) AS rows
      FROM article_snapshots WHERE id = ANY(${ids}::int[])`;
    return (row?.rows ?? []).map((r) => ({
      kind: 'article_snapshot' as const,
      id: r[0] as number,
      articleId: r[1] as number,
      fetchedFrom: strOrNull(r[2]!),
      contentType: strOrNull(r[3]!),
      capturedAt: at(r[4]!),
      sha256: str(r[5]!),
    }));
  },

  async observation(db, ids) {
    const [row] = await db.$queryRaw<{ rows: Json[] | null }[]>`
      SELECT json_agg(json_build_array(id, platform, platform_id, status, detail, observed_at)) AS rows
      FROM status_observations WHERE id = ANY(${ids}::int[])`;
    return (row?.rows ?? []).map((r) => ({
      kind: 'observation' as const,
      id: r[0] as number,
      platform: str(r[1]!),
      platformId: str(r[2]!),
      status: str(r[3]!),
      detail: strOrNull(r[4]!),
      observedAt: at(r[5]!),
    }));
  },

  // Media files are checked against their blobs by the media store (see evidence-verify.ts).
  async media() {
    return [];
  },
};

/** Rows of each covered table that have no leaf (stored outside the write paths, or before the log). */
export async function unloggedRows(db: Tx): Promise<{ kind: LeafKind; id: number }[]> {
  const rows = await db.$queryRaw<{ kind: LeafKind; id: number }[]>`
    SELECT 'capture' AS kind, c.id FROM captures c
      WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.kind = 'capture' AND l.ref_id = c.id)
    UNION ALL
    SELECT 'article_snapshot', s.id FROM article_snapshots s
      WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.kind = 'article_snapshot' AND l.ref_id = s.id)
    UNION ALL
    SELECT 'observation', o.id FROM status_observations o
      WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.kind = 'observation' AND l.ref_id = o.id)
    ORDER BY 1, 2 LIMIT 1000`;
  return rows;
}
