// The page token of a Mastodon read: what the next page of this read is.
// Each page is one response (one capture), so a read of an account is a
// chain: a timeline page, then the edit history of each status on it that
// was edited since it was archived, then the next timeline page (from the
// `Link` header), and so on. A lookup that finds such a status continues the
// same way. The token is opaque to callers (base64url JSON) and lives only
// for one read; the statuses waiting for their history travel in it whole,
// so that a history page needs nothing else. Pure.
import { z } from 'zod';
import { InvalidInput } from './errors.js';
import { isLocalId, isServerName } from './mastodon-ids.js';

export const READ_MODES = ['backfill', 'forward', 'lookup'] as const;
export type ReadMode = (typeof READ_MODES)[number];

export interface PageToken {
  server: string;
  /** The account whose timeline is read (null for a lookup). */
  accountId: string | null;
  mode: ReadMode;
  /** Pages this read has returned so far. */
  pages: number;
  /** Statuses (as received) whose history is read next, one page each. */
  histories: unknown[];
  /** The query of the next timeline page (from the Link header), or null at the end. */
  timeline: string | null;
}

const tokenSchema = z.object({
  server: z.string().refine(isServerName),
  accountId: z.string().refine(isLocalId).nullable(),
  mode: z.enum(READ_MODES),
  pages: z.number().int().min(0),
  histories: z.array(z.unknown()),
  timeline: z.string().nullable(),
});

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

export function decodePageToken(text: string): PageToken {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success) throw new InvalidInput('not a page token of a Mastodon read');
  return parsed.data;
}

/** The token after one page, or undefined when the read is over. */
export function nextPageToken(token: PageToken): string | undefined {
  return token.histories.length > 0 || token.timeline !== null ? encodePageToken(token) : undefined;
}
