// Text that PostgreSQL can store. Two things a JavaScript string may hold are
// refused by PostgreSQL: the NUL character (text and jsonb: 22021/22P05) and a
// lone UTF-16 surrogate (jsonb: 22P02; in text it would be silently replaced
// by the driver). Stored columns get both replaced by U+FFFD (the Unicode
// replacement character), and what was changed is reported; raw bodies that
// must keep their exact content are encoded instead (base64). Pure.

export const REPLACEMENT = '\ufffd';

/** What making a text storable changed: how many of each unstorable thing were replaced. */
export interface TextChanges {
  nul: number;
  loneSurrogates: number;
}

export interface StorableText {
  text: string;
  changes: TextChanges;
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && isWellFormed(text);
}

/** No lone surrogate: String.prototype.isWellFormed where the runtime has it (Node 20+), which the ES2023 typings lack. */
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
function isWellFormed(text: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** The text with every NUL and lone surrogate replaced by U+FFFD, and how many of each were. */
export function storableText(text: string): StorableText {
  const changes: TextChanges = { nul: 0, loneSurrogates: 0 };
  if (isStorableText(text)) return { text, changes };
  const fixed = text.replace(UNSTORABLE, (found) => {
    if (found === '\u0000') changes.nul += 1;
    else changes.loneSurrogates += 1;
    return REPLACEMENT;
  });
  return { text: fixed, changes };
}

export function hasChanges(changes: TextChanges): boolean {
  return changes.nul > 0 || changes.loneSurrogates > 0;
}

/** "2 NUL characters and 1 lone surrogate" (for problem messages). */
export function describeChanges(changes: TextChanges): string {
  const parts = [];
  if (changes.nul) parts.push(`${changes.nul} NUL character${changes.nul === 1 ? '' : 's'}`);
  if (changes.loneSurrogates) {
    parts.push(`${changes.loneSurrogates} lone surrogate${changes.loneSurrogates === 1 ? '' : 's'}`);
  }
  return parts.join(' and ') || 'nothing';
}

/**
 * A JSON-like value (objects, arrays, strings, other scalars) with every string,
 * keys included, made storable. Iterative: depth does not matter. Values that
 * need no change are returned as they are (same references).
 */
export function storableValue<T>(value: T): { value: T; changes: TextChanges } {
  const changes: TextChanges = { nul: 0, loneSurrogates: 0 };
  const fix = (text: string) => {
    const result = storableText(text);
    changes.nul += result.changes.nul;
    changes.loneSurrogates += result.changes.loneSurrogates;
    return result.text;
  };
  return { value: rebuild(value, fix) as T, changes };
}

function rebuild(root: unknown, fix: (text: string) => string): unknown {
  if (typeof root === 'string') return fix(root);
  if (!needsFix(root)) return root;
  return fixDeep(root, fix);
}

/** Whether any string inside needs a change (checked first, so clean values are not copied). */
function needsFix(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!isStorableText(v)) return true;
    } else if (Array.isArray(v)) {
      for (const child of v as unknown[]) stack.push(child);
    } else if (v && typeof v === 'object' && !(v instanceof Date)) {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (!isStorableText(k)) return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

function fixDeep(value: unknown, fix: (text: string) => string): unknown {
  if (typeof value === 'string') return fix(value);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => fixDeep(v, fix));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [fix(k), fixDeep(v, fix)]));
}

/** How a raw body is kept: as the text itself, or base64 of its bytes (UTF-8, or UTF-16LE when not well-formed). */
export const BODY_ENCODINGS = ['text', 'base64', 'base64-utf16le'] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];

export interface EncodedBody {
  encoding: BodyEncoding;
  /** What goes into the text column. */
  body: string;
  /** The bytes the body stands for (sha256 is taken over these). */
  bytes: Uint8Array;
}

/**
 * A raw body (a capture, an article snapshot) kept so that it round-trips
 * exactly: as text when PostgreSQL can store it, otherwise as base64 of its
 * UTF-8 bytes (a NUL) or, when it holds lone surrogates that UTF-8 cannot
 * carry, of its UTF-16LE code units.
 */
export function encodeRawBody(text: string): EncodedBody {
  if (isStorableText(text)) return { encoding: 'text', body: text, bytes: Buffer.from(text, 'utf8') };
  const encoding = isWellFormed(text) ? 'base64' : 'base64-utf16le';
  const bytes = Buffer.from(text, encoding === 'base64' ? 'utf8' : 'utf16le');
  return { encoding, body: bytes.toString('base64'), bytes };
}

/** The raw body as it was received, from what the database holds. */
export function decodeRawBody(encoding: string, body: string): string {
  if (encoding === 'text') return body;
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'base64-utf16le') return Buffer.from(body, 'base64').toString('utf16le');
  throw new Error(`unknown body encoding "${encoding}"`);
}

/** The problem code of a post whose text had to be changed to be stored. */
export const UNSTORABLE_TEXT = 'unstorable_text';

export interface StorableRecordsResult<T> {
  records: T[];
  /** One per record that was changed, naming it. */
  problems: { platformId: string; code: typeof UNSTORABLE_TEXT; message: string }[];
}

/**
 * Records (normalized posts or versions) made storable one by one: a record
 * with a NUL or lone surrogate anywhere is stored with U+FFFD in their place
 * and reported, and never holds up the others.
 */
export function storableRecords<T extends { platformId: string; versionId?: string }>(
  records: readonly T[],
): StorableRecordsResult<T> {
  const result: StorableRecordsResult<T> = { records: [], problems: [] };
  for (const record of records) {
    const { value, changes } = storableValue(record);
    result.records.push(value);
    if (!hasChanges(changes)) continue;
    const which = record.versionId && record.versionId !== record.platformId ? ` (version ${record.versionId})` : '';
    result.problems.push({
      platformId: value.platformId,
      code: UNSTORABLE_TEXT,
      message: `post ${value.platformId}${which} had ${describeChanges(changes)}, which PostgreSQL cannot store; stored with U+FFFD in their place (the capture keeps the original)`,
    });
  }
  return result;
}
