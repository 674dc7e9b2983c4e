// What `import` reads: the formats people already hold X posts in, how one
// line of them becomes an X API v2 body for the normalizer, and how a file's
// format is told from its first bytes. Pure.
import { unflattenTwarcTweet } from './twarc-flatten.js';

export const IMPORT_FORMATS = ['auto', 'twarc2', 'x-response', 'x-archive', 'onrecord'] as const;
export type ImportFormatOption = (typeof IMPORT_FORMATS)[number];
export type ImportFormat = Exclude<ImportFormatOption, 'auto'>;

/** The capture source of what each format's lines are kept as (`captures.source`: `x:import-twarc2`). */
export function importSource(format: ImportFormat, platform: string): string {
  return `${platform}:import-${format}`;
}

const UTF8_BOM = '\uFEFF';

export function stripBom(text: string): string {
  return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
}

/**
 * The format of a file from its name and first bytes (as text, BOM allowed):
 * a zip or `window.YTD.` script is an X archive; a first line that is a whole
 * JSON object is JSON Lines (onrecord's export when it carries `versions`,
 * twarc2 otherwise); anything else is one response body spread over lines.
 */
export function detectFormat(fileName: string, head: Buffer): ImportFormat {
  if (/\.zip$/i.test(fileName) || head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'x-archive';
  const text = stripBom(head.toString('utf8')).trimStart();
  if (text.startsWith('window.YTD.')) return 'x-archive';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const first = parseObject(firstLine);
  if (first === undefined) return 'x-response';
  if (Array.isArray(first.versions) && typeof first.firstSeenBy === 'string') return 'onrecord';
  return 'twarc2';
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One parsed line of a twarc2 file (or a whole x-response file) as a v2 body:
 * a response as it is, a flattened post re-expanded; anything else is refused.
 */
export function twarcLineToBody(value: unknown): { ok: true; body: unknown } | { ok: false; message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'not a JSON object' };
  }
  const line = value as Record<string, unknown>;
  if ('data' in line || 'errors' in line) return { ok: true, body: line };
  if (typeof line.id === 'string' && typeof line.text === 'string')
    return { ok: true, body: unflattenTwarcTweet(line) };
  return { ok: false, message: 'neither an X API v2 response (data, errors) nor a post (id, text)' };
}

/** A line's JSON, or the reason it is not JSON (a truncated line, stray text). */
export function parseJsonLine(line: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (err) {
    return { ok: false, message: `not JSON: ${(err as Error).message}` };
  }
}
