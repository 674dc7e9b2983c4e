// The PostSource for X (API v2, app bearer token): users by handle or ID, one
// timeline page per call, posts by ID. Callers drive pagination and retries.
import { BadPayload, InvalidInput } from '../../core/errors.js';
import type { PostSource, SourcePage, SourceUser, TimelineQuery, UserLookup } from '../../ports/post-source.js';
import { createXClient, type XClientOptions, type XResponse } from './x-client.js';
import { LOOKUP_MAX_IDS, POST_QUERY, TIMELINE_PAGE_SIZE, USER_QUERY } from './x-fields.js';

export type XSourceOptions = XClientOptions;

export interface XSource extends PostSource {
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

function toPage(response: XResponse): SourcePage {
  const meta = response.body.meta as { next_token?: unknown } | undefined;
  const nextToken = typeof meta?.next_token === 'string' && meta.next_token ? meta.next_token : undefined;
  return {
    capture: response.capture,
    body: response.body,
    ...(nextToken ? { nextToken } : {}),
    ...(response.rateLimit ? { rateLimit: response.rateLimit } : {}),
  };
}

export function createXSource(options: XSourceOptions): XSource {
  const client = createXClient(options);

  return {
    platform: 'x',

    async resolveUser(handle, signal) {
      const bare = handle.replace(/^@/, '');
      if (!HANDLE.test(bare)) throw new InvalidInput(`"${handle}" is not a valid X handle (1–15 letters, digits or _)`);
      return toUserLookup(await client.get('x:user', `users/by/username/${bare}`, USER_QUERY, signal));
    },

    async lookupUserById(platformUserId, signal) {
      checkId(platformUserId, 'user');
      return toUserLookup(await client.get('x:user', `users/${platformUserId}`, USER_QUERY, signal));
    },

    async fetchTimelinePage(platformUserId: string, query: TimelineQuery, signal?: AbortSignal) {
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
}
