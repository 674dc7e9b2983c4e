// What a leaf of the evidence log says about the row it covers: the row's
// sha256 (of its raw bytes) and the metadata that give it meaning, as
// canonical JSON (fixed key order, ISO times, no whitespace). The same
// function builds a leaf when the row is stored and again when `verify`
// recomputes it from the stored row, so any edit of a covered field shows.
import { leafHash, type Hash } from './merkle.js';

export const LEAF_KINDS = ['capture', 'article_snapshot', 'media', 'observation'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

export const OBSERVED_STATUSES = [
  'first_seen',
  'last_seen',
  'deleted',
  'unavailable',
  'suspended',
  'withheld',
  'restored',
  'media_gone',
] as const;
export type ObservedStatus = (typeof OBSERVED_STATUSES)[number];

export interface CaptureLeafRow {
  id: number;
  platform: string;
  source: string;
  requestUrl: string | null;
  httpStatus: number | null;
  contentType: string | null;
  capturedAt: Date;
  /** sha256 of the body as stored. */
  sha256: string;
}

export interface SnapshotLeafRow {
  id: number;
  articleId: number;
  fetchedFrom: string | null;
  contentType: string | null;
  capturedAt: Date;
  sha256: string;
}

export interface ObservationLeafRow {
  id: number;
  platform: string;
  platformId: string;
  status: string;
  detail: string | null;
  observedAt: Date;
}

export interface MediaLeafRow {
  id: number;
  url: string;
  contentType: string | null;
  bytes: number;
  capturedAt: Date;
  sha256: string;
}

export type LeafRow =
  | ({ kind: 'capture' } & CaptureLeafRow)
  | ({ kind: 'article_snapshot' } & SnapshotLeafRow)
  | ({ kind: 'observation' } & ObservationLeafRow)
  | ({ kind: 'media' } & MediaLeafRow);

export interface LeafEntry {
  kind: LeafKind;
  refId: number;
  data: string;
  hash: Hash;
}

/** The leaf's data, fields in a fixed order (JSON.stringify keeps insertion order). */
export function leafData(row: LeafRow): string {
  const v = 1;
  switch (row.kind) {
    case 'capture': {
      const { id, platform, source, requestUrl, httpStatus, contentType, sha256 } = row;
      const capturedAt = row.capturedAt.toISOString();
      return JSON.stringify({
        v,
        kind: row.kind,
        id,
        platform,
        source,
        requestUrl,
        httpStatus,
        contentType,
        capturedAt,
        sha256,
      });
    }
    case 'article_snapshot': {
      const { id, articleId, fetchedFrom, contentType, sha256 } = row;
      const capturedAt = row.capturedAt.toISOString();
      return JSON.stringify({ v, kind: row.kind, id, articleId, fetchedFrom, contentType, capturedAt, sha256 });
    }
    case 'observation': {
      const { id, platform, platformId, status, detail } = row;
      const observedAt = row.observedAt.toISOString();
      return JSON.stringify({ v, kind: row.kind, id, platform, platformId, status, detail, observedAt });
    }
    case 'media': {
      const { id, url, contentType, bytes, sha256 } = row;
      const capturedAt = row.capturedAt.toISOString();
      return JSON.stringify({ v, kind: row.kind, id, url, contentType, bytes, capturedAt, sha256 });
    }
  }
}

export function leafEntry(row: LeafRow): LeafEntry {
  const data = leafData(row);
  return { kind: row.kind, refId: row.id, data, hash: leafHash(data) };
}

/** How the leaf data of every row of a kind begins, up to the row's id (see leafDataAfterId). */
export const leafIdPrefix = (kind: LeafKind): string => `{"v":1,"kind":${JSON.stringify(kind)},"id":`;

/**
 * What follows the row's id in its leaf data (the id given is ignored):
 * leafIdPrefix, the id in digits (as JSON writes an integer) and this make
 * leafData of the row. The store writes a leaf in the statement that draws
 * or returns its row's id.
 */
export function leafDataAfterId(row: LeafRow): string {
  const data = leafData({ ...row, id: 0 });
  const head = `${leafIdPrefix(row.kind)}0`;
  if (!data.startsWith(head)) throw new Error(`a ${row.kind} leaf does not begin with its kind and id`);
  return data.slice(head.length);
}
