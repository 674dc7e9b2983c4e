// Names of accounts and posts as users type them (`x:USFOR_A`, `x:1235243970720694456`),
// permalinks, and X's snowflake IDs. Pure.
import { InvalidInput } from './errors.js';

/** The largest id of a row (PostgreSQL's int4): a larger one names no row. */
export const MAX_ROW_ID = 2_147_483_647;

/** True for a number that can be a row's id (1 to MAX_ROW_ID). */
export function isRowId(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_ROW_ID;
}

/** A row id typed by a user (`what` names it in the error: "an article id"). */
export function parseRowId(text: string, what: string): number {
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!isRowId(n)) throw new InvalidInput(`${what} is a number from 1 to ${MAX_ROW_ID}, got "${text}"`);
  return n;
}

export const PLATFORMS = ['x'] as const;
export type Platform = (typeof PLATFORMS)[number];

const X_HANDLE = /^@?([A-Za-z0-9_]{1,15})$/;
const X_ID = /^\d{1,19}$/;
const TWITTER_EPOCH_MS = 1288834974657n;

export interface AccountRef {
  platform: Platform;
  handle: string;
}

export interface PostRef {
  platform: Platform;
  id: string;
}

function splitRef(text: string, what: string): [Platform, string] {
  const i = text.indexOf(':');
  if (i <= 0)
    throw new InvalidInput(
      `${what} must look like x:${what === 'account' ? 'USFOR_A' : '1235243970720694456'}, got "${text}"`,
    );
  const platform = text.slice(0, i).toLowerCase();
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new InvalidInput(`unknown platform "${platform}" in "${text}" (known: ${PLATFORMS.join(', ')})`);
  }
  return [platform as Platform, text.slice(i + 1)];
}

export function parseAccountRef(text: string): AccountRef {
  const [platform, rest] = splitRef(text.trim(), 'account');
  const m = X_HANDLE.exec(rest);
  if (!m) throw new InvalidInput(`"${rest}" is not a valid X handle (1–15 letters, digits or _)`);
  return { platform, handle: m[1]! };
}

export function parsePostRef(text: string): PostRef {
  const [platform, id] = splitRef(text.trim(), 'post');
  if (!X_ID.test(id)) throw new InvalidInput(`"${id}" is not an X post ID (digits only)`);
  return { platform, id };
}

export function formatAccountRef(platform: string, handle: string): string {
  return `${platform}:${handle}`;
}

export function postUrl(platform: string, handle: string | null | undefined, id: string): string {
  if (platform !== 'x') return `${platform}:${id}`;
  return `https://x.com/${handle ?? 'i/web'}/status/${id}`;
}

/** The creation time encoded in an X snowflake ID (IDs after 2010-11-04). */
export function snowflakeTime(id: string): Date | undefined {
  if (!X_ID.test(id)) return undefined;
  const big = BigInt(id);
  if (big < 1n << 32n) return undefined; // pre-snowflake sequential IDs
  return new Date(Number((big >> 22n) + TWITTER_EPOCH_MS));
}

/** The smallest snowflake ID at a given time. */
export function snowflakeAt(time: Date): string {
  return ((BigInt(time.getTime()) - TWITTER_EPOCH_MS) << 22n).toString();
}

/** Compares two decimal ID strings numerically. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
