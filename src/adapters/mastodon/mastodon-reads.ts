// The pages of a Mastodon read, one request each: an account's statuses
// (forward from the cursor with min_id, or backward for the backfill, the
// next page taken from the `Link` header), the edit history of a status
// edited since it was archived, and a status looked up again. Which edits are
// new is asked of `known` (the archive's version IDs): such a status is left
// out of its page and comes whole from its history page right after, so a
// read cut short never leaves an edit stored without the versions before it.
import { BadPayload, InvalidInput } from '../../core/errors.js';
import { newestMastodonCursor } from '../../core/mastodon-cursor.js';
import { qualifyId } from '../../core/mastodon-ids.js';
import {
  editedVersionId,
  normalizeHistory,
  normalizeStatuses,
  readStatus,
  readStatuses,
} from '../../core/mastodon-normalize.js';
import { statusSchema, type MastodonStatus } from '../../core/mastodon-payload.js';
import { nextPageToken, type PageToken } from '../../core/mastodon-page-token.js';
import type { NormalizedPost, PartialError } from '../../core/post-model.js';
import type { NormalizedPage } from '../../ports/post-source.js';
import type { MastodonClient, MastodonResponse } from './mastodon-client.js';

/** Which of these version IDs the archive already holds. */
export type KnownVersions = (versionIds: string[]) => Promise<Set<string>>;

export interface ReadDeps {
  client: MastodonClient;
  known: KnownVersions;
  /** Called with the version IDs of edits a page returns (the default `known` remembers them). */
  returned: (versionIds: string[]) => void;
  pageSize: number;
  maxPagesPerRead: number;
}

export const SOURCES = {
  account: 'mastodon:account',
  timeline: 'mastodon:timeline',
  status: 'mastodon:status',
  history: 'mastodon:history',
} as const;

function gone(response: MastodonResponse, resourceType: string, resourceId: string): PartialError {
  const status = response.capture.httpStatus;
  const kind = resourceType === 'user' && status === 410 ? 'suspended' : 'not_found';
  return {
    kind,
    resourceType,
    resourceId,
    detail: `the server answered ${status} ${status === 410 ? 'Gone' : 'Not Found'}`,
  };
}

function page(
  response: MastodonResponse,
  body: Pick<NormalizedPage, 'posts' | 'problems' | 'errors'>,
  extra: Partial<NormalizedPage>,
): NormalizedPage {
  return {
    ...body,
    capture: response.capture,
    newestCursor: null,
    ...(response.rateLimit ? { rateLimit: response.rateLimit } : {}),
    ...extra,
  };
}

function editsOf(posts: NormalizedPost[]): string[] {
  return posts.filter((p) => p.versionId !== p.platformId).map((p) => p.versionId);
}

/** The account's own statuses edited since the archive last saw them (their history is read next). */
async function newlyEdited(deps: ReadDeps, statuses: MastodonStatus[], server: string): Promise<MastodonStatus[]> {
  const edited = statuses.flatMap((s) => {
    const versionId = editedVersionId(s, server);
    return versionId ? [{ s, versionId }] : [];
  });
  if (edited.length === 0) return [];
  const known = await deps.known(edited.map((e) => e.versionId));
  return edited.filter((e) => !known.has(e.versionId)).map((e) => e.s);
}

/** The next timeline page's query: from the Link header, or built from the page's own IDs. */
function nextTimelineQuery(token: PageToken, response: MastodonResponse, statuses: unknown[], deps: ReadDeps) {
  const isFull = statuses.length >= deps.pageSize;
  const rel = token.mode === 'forward' ? 'prev' : 'next';
  if (statuses.length === 0 || (token.mode === 'forward' && !isFull)) return null;
  const link = response.links.get(rel);
  if (link) {
    const target = new URL(link, 'https://link.invalid');
    // Only the query is taken: the host is the server's public one, not the base URL read from.
    if (target.pathname.endsWith(`/api/v1/accounts/${token.accountId}/statuses`)) return target.searchParams.toString();
  }
  if (!isFull) return null;
  const ids = statuses.map((s) => (s as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
  const edge = token.mode === 'forward' ? ids[0] : ids.at(-1);
  return edge
    ? new URLSearchParams({
        limit: String(deps.pageSize),
        [token.mode === 'forward' ? 'min_id' : 'max_id']: edge,
      }).toString()
    : null;
}

export async function timelinePage(deps: ReadDeps, token: PageToken, signal?: AbortSignal): Promise<NormalizedPage> {
  const { server, accountId } = token;
  const path = `/api/v1/accounts/${encodeURIComponent(accountId!)}/statuses`;
  const response = await deps.client.get(
    server,
    SOURCES.timeline,
    path,
    new URLSearchParams(token.timeline ?? ''),
    signal,
  );
  if (response.json === undefined) {
    return page(
      response,
      { posts: [], problems: [], errors: [gone(response, 'user', qualifyId(server, accountId!))] },
      {},
    );
  }
  if (!Array.isArray(response.json)) {
    throw new BadPayload(`${server} answered statuses that are not a JSON array`, { capture: response.capture });
  }
  const read = readStatuses(response.json, server);
  const pages = token.pages + 1;
  let timeline = nextTimelineQuery(token, response, response.json, deps);
  // A read stops at its page budget; forward, the cursor then moves to what was read and the next poll goes on.
  const room = deps.maxPagesPerRead - pages;
  if (room < (timeline ? 1 : 0)) timeline = null;
  const deferred = (await newlyEdited(deps, read.statuses, server)).slice(0, Math.max(0, room - (timeline ? 1 : 0)));
  const posts = normalizeStatuses(
    read.statuses.filter((s) => !deferred.includes(s)),
    server,
  );
  deps.returned(editsOf(posts));
  const next = nextPageToken({ ...token, pages, histories: deferred, timeline });
  return page(
    response,
    { posts, problems: read.problems, errors: [] },
    {
      newestCursor: newestMastodonCursor(read.statuses.map((s) => s.id)),
      ...(next ? { nextPageToken: next } : {}),
    },
  );
}

export async function historyPage(deps: ReadDeps, token: PageToken, signal?: AbortSignal): Promise<NormalizedPage> {
  const parsed = statusSchema.safeParse(token.histories[0]);
  if (!parsed.success) throw new InvalidInput('the page token names a status that is not readable');
  const status = parsed.data;
  const path = `/api/v1/statuses/${encodeURIComponent(status.id)}/history`;
  const response = await deps.client.get(token.server, SOURCES.history, path, undefined, signal);
  const next = nextPageToken({ ...token, pages: token.pages + 1, histories: token.histories.slice(1) });
  const extra = next ? { nextPageToken: next } : {};
  if (response.json === undefined) {
    // Deleted since its page was read: it existed, so it is archived, then marked deleted.
    const posts = normalizeStatuses([status], token.server);
    const errors = [gone(response, 'status', qualifyId(token.server, status.id))];
    return page(response, { posts, problems: [], errors }, extra);
  }
  const body = normalizeHistory(response.json, status, token.server);
  deps.returned(editsOf(body.posts));
  return page(response, body, extra);
}

/** One status looked up again: deleted (404/410), as it stands, or, newly edited, continued by its history. */
export async function lookupPage(deps: ReadDeps, server: string, localId: string, signal?: AbortSignal) {
  const path = `/api/v1/statuses/${encodeURIComponent(localId)}`;
  const response = await deps.client.get(server, SOURCES.status, path, undefined, signal);
  if (response.json === undefined) {
    return page(
      response,
      { posts: [], problems: [], errors: [gone(response, 'status', qualifyId(server, localId))] },
      {},
    );
  }
  const read = readStatus(response.json, server);
  const deferred = await newlyEdited(deps, read.statuses, server);
  const posts = normalizeStatuses(
    read.statuses.filter((s) => !deferred.includes(s)),
    server,
  );
  deps.returned(editsOf(posts));
  const next = nextPageToken({
    server,
    accountId: null,
    mode: 'lookup',
    pages: 1,
    histories: deferred,
    timeline: null,
  });
  return page(response, { posts, problems: read.problems, errors: [] }, next ? { nextPageToken: next } : {});
}
