// One unit read from a file, made ready to store: parsed, normalized by the
// one normalizer (twarc2 and x-response lines as v2 bodies, archive items
// from v1.1), or read back from onrecord's own export. A unit that cannot be
// read becomes a problem naming file:line; its text is kept all the same.
import { importSource, parseJsonLine, twarcLineToBody } from '../core/import-formats.js';
import { PLATFORMS, platformOfImportFormat } from '../core/platforms.js';
import { parseOnrecordRecord, type OnrecordRecord } from '../core/onrecord-record.js';
import { normalizeArchiveItem } from '../core/x-archive.js';
import {
  normalizeXBody,
  type NormalizedBody,
  type NormalizedPost,
  type NormalizeProblem,
} from '../core/x-normalize.js';
import type { ImportUnit } from './import-readers.js';

export interface PreparedUnit {
  unit: ImportUnit;
  /** The platform whose posts the unit holds: its format's (an onrecord record names its own). */
  platform: string;
  source: string;
  /** The request URL and capture time twarc recorded (`__twarc`), when there are. */
  requestUrl: string | null;
  retrievedAt: Date | null;
  posts: NormalizedPost[];
  problems: NormalizeProblem[];
  /** Set for a line of onrecord's own export. */
  record: OnrecordRecord | null;
}

export function prepareUnit(unit: ImportUnit): PreparedUnit {
  // A line of onrecord's export names its platform; until it is read, it counts as the first platform's.
  const platform = platformOfImportFormat(unit.format) ?? PLATFORMS[0]!;
  const prepared: PreparedUnit = {
    unit,
    platform,
    source: importSource(unit.format, platform),
    requestUrl: null,
    retrievedAt: null,
    posts: [],
    problems: [],
    record: null,
  };
  const parsed = unit.value === undefined ? parseJsonLine(unit.text) : { ok: true as const, value: unit.value };
  if (!parsed.ok) return withProblem(prepared, parsed.message);
  if (unit.format === 'onrecord') return prepareRecord(prepared, parsed.value);
  if (unit.format === 'x-archive')
    return withNormalized(prepared, normalizeArchiveItem(parsed.value, unit.account ?? null));
  const body = twarcLineToBody(parsed.value);
  if (!body.ok) return withProblem(prepared, body.message);
  Object.assign(prepared, twarcMeta(parsed.value));
  return withNormalized(prepared, normalizeXBody(body.body));
}

function withNormalized(prepared: PreparedUnit, normalized: NormalizedBody): PreparedUnit {
  const { unit } = prepared;
  prepared.posts = normalized.posts;
  prepared.problems = normalized.problems.map((p) => ({ ...p, message: `${where(unit)}: ${p.message}` }));
  return prepared;
}

function prepareRecord(prepared: PreparedUnit, value: unknown): PreparedUnit {
  const read = parseOnrecordRecord(value);
  if (!read.ok) return withProblem(prepared, read.message);
  prepared.record = read.record;
  prepared.platform = read.record.platform;
  prepared.source = importSource('onrecord', read.record.platform);
  prepared.posts = read.record.versions.map((v) => v.post);
  return prepared;
}

function withProblem(prepared: PreparedUnit, message: string): PreparedUnit {
  prepared.problems.push({ code: 'bad_payload', message: `${where(prepared.unit)}: ${message}` });
  return prepared;
}

export function where(unit: ImportUnit): string {
  return `${unit.fileName}:${unit.line}`;
}

/** twarc's `__twarc: { url, version, retrieved_at }` on a response line or a flattened post. */
function twarcMeta(value: unknown): { requestUrl: string | null; retrievedAt: Date | null } {
  const meta = (value as { __twarc?: { url?: unknown; retrieved_at?: unknown } } | null)?.__twarc;
  const url = typeof meta?.url === 'string' ? meta.url : null;
  const at = typeof meta?.retrieved_at === 'string' ? new Date(meta.retrieved_at) : null;
  return { requestUrl: url, retrievedAt: at && !Number.isNaN(at.getTime()) ? at : null };
}

/** Distinct posts of a unit (a post's versions count once). */
export function postCount(prepared: PreparedUnit): number {
  return new Set(prepared.posts.map((p) => p.platformId)).size;
}
