// The sha256 of a version's content, the same for every platform: a stable
// JSON form (keys sorted, undefined left out) of what the post says and
// shows. Pure.
import { createHash } from 'node:crypto';

/**
 * The content a version's sha256 covers: what the post says and shows, not
 * counters (metrics change without the post changing).
 */
export function contentSha256(content: Record<string, unknown>): string {
  return createHash('sha256').update(stableJson(content)!).digest('hex');
}

/** JSON with object keys sorted and undefined members left out (as JSON.stringify leaves them out). */
function stableJson(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As Array.prototype.join: an item JSON cannot hold (undefined, a function) is empty.
      out += stableJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    // The default sort orders by UTF-16 code units, as comparing the strings with < does.
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(key)}:${stableJson(member)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
