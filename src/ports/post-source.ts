// What the jobs need from a platform's API. Adapters (src/adapters/x) translate
// library types and errors to these shapes and to the errors in core/errors.ts
// (SourceRateLimited, SourceUsageCapped, SourceAuth, SourceUnavailable,
// BadPayload), so that jobs never import twitter-api-v2.
import type { NormalizedBody } from '../core/post-model.js';

/** One raw API response, exactly as kept in `captures`. */
export interface RawCapture {
  /** e.g. `x:timeline`, `x:user`, `x:lookup` */
  source: string;
  /** The request URL without credentials. */
  requestUrl: string;
  httpStatus: number;
  contentType: string | null;
  /** The response body as received (or re-serialized JSON when the client parsed it). */
  body: string;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface SourceUser {
  platformUserId: string;
  handle: string;
  displayName: string | null;
}

export type UserLookup =
  | { kind: 'found'; user: SourceUser; capture: RawCapture }
  | { kind: 'not_found' | 'suspended'; detail: string; capture: RawCapture };

/**
 * One response, normalized by the platform's normalizer in src/core: posts
 * (each version as the archive stores it), problems met reading it, partial
 * errors about posts or users the platform could not serve, and the page's
 * newest cursor (an opaque value only the source compares).
 */
export interface NormalizedPage extends NormalizedBody {
  capture: RawCapture;
  /** The token of the next (older) page of this read, when there is one. */
  nextPageToken?: string;
  /** The newest cursor this page shows (null when it shows none). */
  newestCursor: string | null;
  rateLimit?: RateLimitState;
}

/** The account a timeline is read for (its platform user ID is resolved first). */
export interface SourceAccount {
  platformUserId: string;
}

export interface PostSource {
  readonly platform: string;
  /** Finds an account's user by the handle users type. */
  resolveAccount(handle: string, signal?: AbortSignal): Promise<UserLookup>;
  /** Looks an account's user up by its platform ID (renames, suspensions). */
  lookupAccount(platformUserId: string, signal?: AbortSignal): Promise<UserLookup>;
  /**
   * One page of an account's posts newer than `cursor` (all reachable posts
   * when null: the backfill), newest first; `pageToken` continues a read.
   */
  fetchPage(
    account: SourceAccount,
    cursor: string | null,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<NormalizedPage>;
  /** The most posts one lookup takes; 0 when the source cannot look posts up (feeds). */
  readonly lookupBatch: number;
  /**
   * Looks posts up by ID (at most lookupBatch); missing ones come back as
   * partial errors. A page with a nextPageToken goes on through fetchPage
   * (the token names what it reads: account and cursor are not used).
   */
  lookupPosts(ids: string[], signal?: AbortSignal): Promise<NormalizedPage>;
  /** The newer of two cursors of this source (either may be null). */
  newerCursor(a: string | null, b: string | null): string | null;
}
