// The PostSource for RSS, Atom and JSON feeds (press releases). An account is
// one feed; its platform user ID and its handle are the feed's URL, normalized
// (core/feed-url.ts). A read is one conditional GET through the safe fetcher
// (feed-fetch.ts); the cursor (core/feed-cursor.ts) holds the validators and
// the versions seen, so an unchanged feed costs one 304 and yields nothing, a
// server without validators yields nothing when nothing changed, and a changed
// item yields its new version. A feed is one page (no page tokens).
//
// Items cannot be looked up by ID: a feed shows only its current items, and
// an item that leaves it is not deleted (press offices prune their feeds), so
// lookupBatch is 0 and nothing is ever reported missing.
import { InvalidInput, BadPayload } from '../../core/errors.js';
import {
  decodeFeedCursor,
  encodeFeedCursor,
  newerFeedCursor,
  nextFeedCursor,
  problemFingerprint,
  unreportedProblems,
  unseenVersions,
  type FeedCursor,
} from '../../core/feed-cursor.js';
import { FEED_PLATFORM, feedTitle, normalizeFeed } from '../../core/feed-normalize.js';
import { normalizeFeedUrl } from '../../core/feed-url.js';
import type { Logger } from '../../logger.js';
import type { NormalizedPage, PostSource, RawCapture, UserLookup } from '../../ports/post-source.js';
import { DEFAULT_FETCH_OPTIONS, type SafeFetchOptions } from '../fetch/safe-fetch.js';
import { fetchFeedDocument, type FeedFetchDeps, type FeedResponse } from './feed-fetch.js';
import { parseFeedDocument } from './feed-parse.js';

/** Capture sources: a read of the feed's items, a read to resolve or look up the account. */
export const FEED_CAPTURE_SOURCES = { items: 'feed:items', account: 'feed:account' } as const;

export interface FeedSourceOptions {
  /** The fetch policy (addresses, size, redirects, user agent); default DEFAULT_FETCH_OPTIONS. */
  fetch?: Partial<SafeFetchOptions>;
  /** Time limit of one feed request (connect to last byte), in ms. */
  timeoutMs: number;
  logger: Logger;
  /** The time Retry-After counts from and items without a date take (default: the system clock). */
  now?: () => Date;
}

export interface FeedSource extends PostSource {
  /** Aborts requests in flight; later requests fail at once. */
  close(): void;
}

export function createFeedSource(options: FeedSourceOptions): FeedSource {
  const closing = new AbortController();
  const deps: FeedFetchDeps = {
    fetch: { ...DEFAULT_FETCH_OPTIONS, ...options.fetch, timeoutMs: options.timeoutMs },
    now: options.now ?? (() => new Date()),
  };
  const log = options.logger.child({ component: 'feed-source' });
  const signalFor = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, closing.signal]) : closing.signal);
  const fetchFeed = (url: string, cursor: FeedCursor | null, source: string, signal?: AbortSignal) =>
    fetchFeedDocument(url, cursor, source, deps, signalFor(signal));

  const readAccount = async (handle: string, signal?: AbortSignal): Promise<UserLookup> => {
    const feedUrl = normalizeFeedUrl(handle);
    const res = await fetchFeed(feedUrl, null, FEED_CAPTURE_SOURCES.account, signal);
    if (isGone(res)) return { kind: 'not_found', detail: goneDetail(res), capture: res.capture };
    const title = feedTitle(parseDocument(res), res.url);
    return {
      kind: 'found',
      user: { platformUserId: feedUrl, handle: feedUrl, displayName: title },
      capture: res.capture,
    };
  };

  return {
    platform: FEED_PLATFORM,
    lookupBatch: 0,
    newerCursor: newerFeedCursor,
    resolveAccount: readAccount,
    lookupAccount: readAccount,
    async fetchPage(account, cursor, _pageToken, signal) {
      const feedUrl = normalizeFeedUrl(account.platformUserId);
      const previous = decodeFeedCursor(cursor);
      if (cursor !== null && !previous) log.warn({ feedUrl }, 'the feed cursor is unreadable: the whole feed is read');
      const res = await fetchFeed(feedUrl, previous, FEED_CAPTURE_SOURCES.items, signal);
      if (res.status === 304) return emptyPage(res.capture, cursor);
      if (isGone(res)) return gonePage(res, feedUrl);
      const body = normalizeFeed(parseDocument(res), { feedUrl, documentUrl: res.url, seenAt: deps.now() });
      const next = nextFeedCursor(previous, {
        etag: res.etag,
        lastModified: res.lastModified,
        versions: body.posts.map((p) => p.versionId),
        problems: body.problems.map(problemFingerprint),
      });
      return {
        posts: unseenVersions(previous, body.posts),
        problems: unreportedProblems(previous, body.problems),
        errors: [],
        capture: res.capture,
        newestCursor: next === previous ? cursor : encodeFeedCursor(next),
      };
    },
    async lookupPosts(ids) {
      throw new InvalidInput(`feed items cannot be looked up by ID (${ids.length} asked): a feed shows only its items`);
    },
    close: () => closing.abort(new Error('the feed source is closed')),
  };
}

/** 304 to a request that sent no validators is a server fault, not an unchanged feed. */
function emptyPage(capture: RawCapture, cursor: string | null): NormalizedPage {
  if (cursor === null) throw new BadPayload(`${capture.requestUrl} answered 304 to a request without validators`);
  return { posts: [], problems: [], errors: [], capture, newestCursor: cursor };
}

function isGone(res: FeedResponse): boolean {
  return res.status === 404 || res.status === 410;
}

function goneDetail(res: FeedResponse): string {
  return `the feed ${res.url} answered HTTP ${res.status}${res.status === 410 ? ' (gone for good)' : ''}`;
}

/** A feed that is gone is its account gone: the poll marks the account not_found and tries again later. */
function gonePage(res: FeedResponse, feedUrl: string): NormalizedPage {
  return {
    posts: [],
    problems: [],
    errors: [{ kind: 'not_found', resourceType: 'user', resourceId: feedUrl, detail: goneDetail(res) }],
    capture: res.capture,
    newestCursor: null,
  };
}

function parseDocument(res: FeedResponse): unknown {
  if (res.status === 304) throw new BadPayload(`${res.url} answered 304 to a request without validators`);
  return parseFeedDocument(res.capture);
}
