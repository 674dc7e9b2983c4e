// Names of accounts and posts as users type them (`x:USFOR_A`, `x:1235243970720694456`),
// `platform:` then what the platform's descriptor (core/platforms.ts) accepts,
// permalinks, and row ids. Pure.
import { InvalidInput } from './errors.js';
import {
  PLATFORM_DESCRIPTORS,
  PLATFORMS,
  platformDescriptor,
  type Platform,
  type PlatformDescriptor,
} from './platforms.js';

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

export { PLATFORMS, type Platform } from './platforms.js';

export interface AccountRef {
  platform: Platform;
  handle: string;
}

export interface PostRef {
  platform: Platform;
  id: string;
}

function splitRef(text: string, what: 'account' | 'post'): [PlatformDescriptor, string] {
  const i = text.indexOf(':');
  if (i <= 0) {
    const examples = PLATFORM_DESCRIPTORS.map(
      (d) => `${d.name}:${what === 'account' ? d.exampleHandle : d.examplePostId}`,
    );
    throw new InvalidInput(`${what} must look like ${examples.join(' or ')}, got "${text}"`);
  }
  const platform = text.slice(0, i).toLowerCase();
  const descriptor = platformDescriptor(platform);
  if (!descriptor) {
    throw new InvalidInput(`unknown platform "${platform}" in "${text}" (known: ${PLATFORMS.join(', ')})`);
  }
  return [descriptor, text.slice(i + 1)];
}

export function parseAccountRef(text: string): AccountRef {
  const [descriptor, rest] = splitRef(text.trim(), 'account');
  return { platform: descriptor.name as Platform, handle: descriptor.parseHandle(rest) };
}

export function parsePostRef(text: string): PostRef {
  const [descriptor, id] = splitRef(text.trim(), 'post');
  return { platform: descriptor.name as Platform, id: descriptor.parsePostId(id) };
}

export function formatAccountRef(platform: string, handle: string): string {
  return `${platform}:${handle}`;
}

/** The post's permalink on its platform (`platform:id` for a platform no descriptor knows). */
export function postUrl(platform: string, handle: string | null | undefined, id: string): string {
  return platformDescriptor(platform)?.postUrl(handle, id) ?? `${platform}:${id}`;
}

/** How people write a platform's name (its descriptor's label; the name itself for a platform no descriptor knows). */
export function platformLabel(platform: string): string {
  return platformDescriptor(platform)?.label ?? platform;
}

/** Compares two decimal ID strings numerically. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
