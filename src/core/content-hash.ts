// The sha256 of a version's content, for every platform: over a stable JSON
// (keys sorted, undefined left out), so that the same content hashes the same
// whatever order a normalizer wrote its fields in. Pure.
import { createHash } from 'node:crypto';

/**
 * The content a version's sha256 covers: what the post says and shows, not
 * counters (metrics change without the post changing).
 */
export function contentSha256(content: Record<string, unknown>): string {
  return createHash('sha256').update(stableJson(content)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
