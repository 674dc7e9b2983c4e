// What the jobs need from a platform's API. Adapters (src/adapters/x) translate
// library types and errors to these shapes and to the errors in core/errors.ts
// (SourceRateLimited, SourceUsageCapped, SourceAuth, SourceUnavailable,
// BadPayload), so that jobs never import twitter-api-v2.

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

/** One page of an account's timeline: the parsed body is normalized by the core. */
export interface SourcePage {
  capture: RawCapture;
  /** The parsed JSON body (its shape is checked by the core, not trusted). */
  body: unknown;
  nextToken?: string;
  rateLimit?: RateLimitState;
}

export interface TimelineQuery {
  /** Exclusive lower bound (the cursor). Absent on the first poll: backfill. */
  sinceId?: string;
  paginationToken?: string;
}

export interface PostSource {
  readonly platform: string;
  resolveUser(handle: string, signal?: AbortSignal): Promise<UserLookup>;
  lookupUserById(platformUserId: string, signal?: AbortSignal): Promise<UserLookup>;
  fetchTimelinePage(platformUserId: string, query: TimelineQuery, signal?: AbortSignal): Promise<SourcePage>;
  /** Looks posts up by ID (at most 100 per call); missing ones come back in the body's errors. */
  fetchPostsById(ids: string[], signal?: AbortSignal): Promise<SourcePage>;
}
