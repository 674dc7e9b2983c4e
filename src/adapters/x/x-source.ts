// The PostSource for X (API v2, app bearer token): users by handle or ID, one
// timeline page per call, posts by ID. Callers drive pagination and retries.
import { BadPayload, InvalidInput } from '../../core/errors.js';
import { newerXCursor, newestXCursor } from '../../core/x-cursor.js';
import { normalizeXBody } from '../../core/x-normalize.js';
import type {
  NormalizedPage,
  PostSource,
  RateLimitState,
  RawCapture,
  SourceUser,
  UserLookup,
} from '../../ports/post-source.js';
import { createXClient, type XClientOptions, type XResponse } from './x-client.js';
import { LOOKUP_MAX_IDS, POST_QUERY, TIMELINE_PAGE_SIZE, USER_QUERY } from './x-fields.js';

export type XSourceOptions = XClientOptions;

/** One X response as received: the parsed body is normalized by core/x-normalize.ts. */
export interface XRawPage {
  capture: RawCapture;
  /** The parsed JSON body (its shape is checked by the normalizer, not trusted). */
  body: unknown;
  nextToken?: string;
  rateLimit?: RateLimitState;
}

export interface XTimelineQuery {
  /** Exclusive lower bound (the cursor). Absent on the first poll: backfill. */
  sinceId?: string;
  paginationToken?: string;
}

/** The X source: the neutral port, over the raw X requests it is made of. */
export interface XSource extends PostSource {
  resolveUser(handle: string, signal?: AbortSignal): Promise<UserLookup>;
  lookupUserById(platformUserId: string, signal?: AbortSignal): Promise<UserLookup>;
  fetchTimelinePage(platformUserId: string, query: XTimelineQuery, signal?: AbortSignal): Promise<XRawPage>;
  /** Looks posts up by ID (at most 100 per call); missing ones come back in the body's errors. */
  fetchPostsById(ids: string[], signal?: AbortSignal): Promise<XRawPage>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const ID = /^[0-9]{1,19}$/;

function checkId(id: string, what: string): void {
  if (!ID.test(id)) throw new InvalidInput(`"${id}" is not an X ${what} ID (1–19 digits)`);
}

interface Problem {
  title?: unknown;
  detail?: unknown;
}

function toUser(data: unknown): SourceUser | undefined {
  const record = data as { id?: unknown; username?: unknown; name?: unknown } | null;
  if (!record || typeof record.id !== 'string' || !ID.test(record.id) || typeof record.username !== 'string') {
    return undefined;
  }
  return {
    platformUserId: record.id,
    handle: record.username,
    displayName: typeof record.name === 'string' ? record.name : null,
  };
}

/** A user lookup's answer: the user, or the errors-only 200 that X sends for a missing or suspended user. */
export function toUserLookup({ capture, body }: XResponse): UserLookup {
  if (body.data !== undefined) {
    const user = toUser(body.data);
    if (!user) throw new BadPayload('X returned a user without a valid id or username', { capture });
    return { kind: 'found', user, capture };
  }
  const errors = (Array.isArray(body.errors) ? body.errors : []) as Problem[];
  if (!errors.length) throw new BadPayload('X returned neither a user nor errors', { capture });
  const isSuspended = errors.some(
    (e) => (typeof e.detail === 'string' && /suspended/i.test(e.detail)) || e.title === 'Forbidden',
  );
  const first = errors[0]!;
  const detail = String(first.detail ?? first.title ?? 'user not found');
  return { kind: isSuspended ? 'suspended' : 'not_found', detail, capture };
}

function toPage(response: XResponse): XRawPage {
  const meta = response.body.meta as { next_token?: unknown } | undefined;
  const nextToken = typeof meta?.next_token === 'string' && meta.next_token ? meta.next_token : undefined;
  return {
    capture: response.capture,
    body: response.body,
    ...(nextToken ? { nextToken } : {}),
    ...(response.rateLimit ? { rateLimit: response.rateLimit } : {}),
  };
}

/** A raw page through X's normalizer: the port's shape. */
export function normalizeXPage(page: XRawPage): NormalizedPage {
  const body = normalizeXBody(page.body);
  return {
    ...body,
    capture: page.capture,
    newestCursor: newestXCursor(page.body, body.posts),
    ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
    ...(page.rateLimit ? { rateLimit: page.rateLimit } : {}),
  };
}

export function createXSource(options: XSourceOptions): XSource {
  const client = createXClient(options);

  const source: XSource = {
    platform: 'x',
    lookupBatch: LOOKUP_MAX_IDS,
    newerCursor: newerXCursor,
    resolveAccount: (handle, signal) => source.resolveUser(handle, signal),
    lookupAccount: (id, signal) => source.lookupUserById(id, signal),
    async fetchPage(account, cursor, pageToken, signal) {
      const query = { ...(cursor !== null ? { sinceId: cursor } : {}), paginationToken: pageToken };
      return normalizeXPage(await source.fetchTimelinePage(account.platformUserId, query, signal));
    },
    lookupPosts: async (ids, signal) => normalizeXPage(await source.fetchPostsById(ids, signal)),

    async resolveUser(handle, signal) {
      const bare = handle.replace(/^@/, '');
      if (!HANDLE.test(bare)) throw new InvalidInput(`"${handle}" is not a valid X handle (1–15 letters, digits or _)`);
      return toUserLookup(await client.get('x:user', `users/by/username/${bare}`, USER_QUERY, signal));
    },

    async lookupUserById(platformUserId, signal) {
      checkId(platformUserId, 'user');
      return toUserLookup(await client.get('x:user', `users/${platformUserId}`, USER_QUERY, signal));
    },

    async fetchTimelinePage(platformUserId, query, signal) {
      checkId(platformUserId, 'user');
      if (query.sinceId !== undefined) checkId(query.sinceId, 'post');
      const params: Record<string, string> = { ...POST_QUERY, max_results: String(TIMELINE_PAGE_SIZE) };
      if (query.sinceId) params.since_id = query.sinceId;
      if (query.paginationToken) params.pagination_token = query.paginationToken;
      return toPage(await client.get('x:timeline', `users/${platformUserId}/tweets`, params, signal));
    },

    async fetchPostsById(ids, signal) {
      if (ids.length < 1 || ids.length > LOOKUP_MAX_IDS) {
        throw new InvalidInput(`a post lookup takes 1 to ${LOOKUP_MAX_IDS} IDs, got ${ids.length}`);
      }
      for (const id of ids) checkId(id, 'post');
      return toPage(await client.get('x:lookup', 'tweets', { ids: ids.join(','), ...POST_QUERY }, signal));
    },

    close: () => client.close(),
  };
  return source;
}
