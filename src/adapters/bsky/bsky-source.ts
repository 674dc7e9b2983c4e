// The PostSource for Bluesky: the public AppView (no login) through
// @atproto/api. An account is followed by its DID, so a handle change is only
// a new name. Its posts come from app.bsky.feed.getAuthorFeed, which pages
// only backward: a poll reads from the newest item down and stops at the
// first item the archive's cursor covers (core/bsky-cursor.ts), so an
// unchanged account costs one request. Deletions are noticed by looking
// posts up again with app.bsky.feed.getPosts (25 a call), which leaves out
// what it cannot serve. Callers drive pagination and retries.
import { BadPayload, InvalidInput } from '../../core/errors.js';
import { newerBskyCursor } from '../../core/bsky-cursor.js';
import { normalizeBskyFeed, normalizeBskyPosts } from '../../core/bsky-feed.js';
import { BSKY_PLATFORM, INVALID_HANDLE } from '../../core/bsky-normalize.js';
import { bskyPlatform } from '../../core/bsky-platform.js';
import { DID, POST_URI, REPOST_URI } from '../../core/bsky-payload.js';
import type { NormalizeProblem, PartialErrorKind } from '../../core/post-model.js';
import type { NormalizedPage, PostSource, UserLookup } from '../../ports/post-source.js';
import { createBskyClient, type BskyClientOptions, type BskyResponse } from './bsky-client.js';

export interface BskySourceOptions extends BskyClientOptions {
  /** Items asked for per feed page (1..100, default 100). */
  pageSize?: number;
  /**
   * Pages one read goes back at most (default 30, i.e. 3,000 items): a first
   * read (backfill) of a long-lived account keeps its most recent posts, as
   * X's timeline keeps 3,200.
   */
  maxPages?: number;
}

export interface BskySource extends PostSource {
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** getPosts takes at most 25 URIs (its lexicon's maxLength). */
export const LOOKUP_MAX_URIS = 25;
export const FEED_FILTER = 'posts_with_replies';

/** A handle as users type it (`@Agency.Example.gov`), or a DID; refused when it is neither. */
export const toActor = (text: string): string => bskyPlatform.parseHandle(text);

/** What an XRPC error about an account means for it; undefined when it is not about the account. */
function accountGone(xrpc: { error: string; message: string }): { kind: PartialErrorKind; detail: string } | undefined {
  if (xrpc.error === 'AccountTakedown')
    return { kind: 'suspended', detail: xrpc.message || 'Account has been suspended' };
  if (xrpc.error === 'AccountDeactivated') return { kind: 'not_found', detail: `${xrpc.message} (deactivated)` };
  if (/^Profile not found$/i.test(xrpc.message)) return { kind: 'not_found', detail: xrpc.message };
  return undefined;
}

function refused(response: BskyResponse): never {
  const { error, message } = response.xrpcError!;
  throw new InvalidInput(`the AppView refused the request: ${error}${message ? `: ${message}` : ''}`);
}

function toUserLookup(response: BskyResponse): UserLookup {
  const { capture } = response;
  if (response.xrpcError) {
    const gone = accountGone(response.xrpcError);
    if (!gone) refused(response);
    return { kind: gone.kind === 'suspended' ? 'suspended' : 'not_found', detail: gone.detail, capture };
  }
  const { did, handle, displayName } = response.body as { did?: unknown; handle?: unknown; displayName?: unknown };
  if (typeof did !== 'string' || !DID.test(did) || typeof handle !== 'string') {
    throw new BadPayload('the AppView returned a profile without a valid did or handle', { capture });
  }
  const name = typeof displayName === 'string' && displayName ? displayName : null;
  // A handle the AppView cannot verify is no name: the account is named by its DID until it can.
  const shown = handle === INVALID_HANDLE ? did : handle;
  return { kind: 'found', user: { platformUserId: did, handle: shown, displayName: name }, capture };
}

/** The library's lexicon check, reported once per page when the reader itself found nothing wrong. */
function lexiconProblems(response: BskyResponse, problems: NormalizeProblem[]): NormalizeProblem[] {
  if (!response.lexiconError || problems.length > 0) return problems;
  return [{ code: 'bad_payload', message: `the answer does not match the lexicon: ${response.lexiconError}` }];
}

/** A read's page token: how many pages it has read, and the AppView's cursor for the next one. */
function parsePageToken(token: string | undefined): { pages: number; cursor?: string } {
  if (token === undefined) return { pages: 0 };
  const match = /^(\d+) (.+)$/s.exec(token);
  if (!match) throw new InvalidInput(`"${token}" is not a Bluesky page token`);
  return { pages: Number(match[1]), cursor: match[2] };
}

export function createBskySource(options: BskySourceOptions): BskySource {
  const client = createBskyClient(options);
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 30;

  const profile = (actor: string, signal?: AbortSignal) =>
    client.call('bsky:profile', (agent, opts) => agent.app.bsky.actor.getProfile({ actor }, opts), signal);

  async function fetchPage(
    account: { platformUserId: string },
    cursor: string | null,
    pageToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<NormalizedPage> {
    const actor = account.platformUserId;
    if (!DID.test(actor)) throw new InvalidInput(`"${actor}" is not a DID`);
    const token = parsePageToken(pageToken);
    const params = { actor, limit: pageSize, filter: FEED_FILTER, ...(token.cursor ? { cursor: token.cursor } : {}) };
    const response = await client.call(
      'bsky:feed',
      (agent, opts) => agent.app.bsky.feed.getAuthorFeed(params, opts),
      signal,
    );
    const { capture, rateLimit } = response;
    if (response.xrpcError) {
      const gone = accountGone(response.xrpcError);
      if (!gone) refused(response);
      const error = { ...gone, resourceType: 'user', resourceId: actor };
      return {
        posts: [],
        problems: [],
        errors: [error],
        capture,
        newestCursor: null,
        ...(rateLimit ? { rateLimit } : {}),
      };
    }
    const page = normalizeBskyFeed(response.body, cursor);
    const next = typeof response.body.cursor === 'string' && response.body.cursor ? response.body.cursor : undefined;
    const items = Array.isArray(response.body.feed) ? response.body.feed.length : 0;
    // A short page that met the archive's newest items is the end (the next page would be empty).
    const isEnd = page.reachedCursor || (page.metCursor && items < pageSize);
    const hasMore = next !== undefined && items > 0 && !isEnd && token.pages + 1 < maxPages;
    return {
      posts: page.posts,
      problems: lexiconProblems(response, page.problems),
      errors: page.errors,
      capture,
      newestCursor: page.newestCursor,
      ...(hasMore ? { nextPageToken: `${token.pages + 1} ${next}` } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }

  /**
   * Posts by AT URI. A repost's URI is sent too, but getPosts serves posts
   * only: a repost is neither found nor reported missing (its withdrawal is
   * not noticed; the original it reposts is looked up as a post of its own).
   */
  async function lookupPosts(ids: string[], signal?: AbortSignal): Promise<NormalizedPage> {
    if (ids.length < 1 || ids.length > LOOKUP_MAX_URIS) {
      throw new InvalidInput(`a Bluesky post lookup takes 1 to ${LOOKUP_MAX_URIS} AT URIs, got ${ids.length}`);
    }
    const bad = ids.find((id) => !POST_URI.test(id) && !REPOST_URI.test(id));
    if (bad) throw new InvalidInput(`"${bad}" is not the AT URI of a Bluesky post or repost`);
    const response = await client.call(
      'bsky:posts',
      (agent, opts) => agent.app.bsky.feed.getPosts({ uris: ids }, opts),
      signal,
    );
    if (response.xrpcError) refused(response);
    const body = normalizeBskyPosts(
      response.body,
      ids.filter((id) => POST_URI.test(id)),
    );
    const { capture, rateLimit } = response;
    const problems = lexiconProblems(response, body.problems);
    return { ...body, problems, capture, newestCursor: null, ...(rateLimit ? { rateLimit } : {}) };
  }

  return {
    platform: BSKY_PLATFORM,
    lookupBatch: LOOKUP_MAX_URIS,
    newerCursor: newerBskyCursor,
    resolveAccount: async (handle, signal) => toUserLookup(await profile(toActor(handle), signal)),
    lookupAccount: async (did, signal) => {
      if (!DID.test(did)) throw new InvalidInput(`"${did}" is not a DID`);
      return toUserLookup(await profile(did, signal));
    },
    fetchPage,
    lookupPosts,
    close: () => client.close(),
  };
}
