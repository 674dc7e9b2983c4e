// An author feed page and a getPosts answer, normalized: which items of a
// page are new above the archive's cursor (core/bsky-cursor.ts), each as its
// versions (core/bsky-normalize.ts), and which requested posts the AppView no
// longer serves. Pure.
import { InvalidInput } from './errors.js';
import type { NormalizedBody, NormalizeProblem, PartialError } from './post-model.js';
import {
  cursorOf,
  formatBskyCursor,
  isAfter,
  isBelow,
  parseBskyCursor,
  parseDatetime,
  type FeedPosition,
} from './bsky-cursor.js';
import { unique } from './bsky-facets.js';
import { malformed, normalizePostView, normalizeRepost, type BskyNormalizedPost } from './bsky-normalize.js';
import {
  describeIssues,
  feedItemSchema,
  REASON_PIN,
  REASON_REPOST,
  reasonRepostSchema,
  type ReasonRepost,
} from './bsky-payload.js';

export interface BskyFeedPage extends NormalizedBody {
  posts: BskyNormalizedPost[];
  /** The cursor of the newest item this page showed after the given cursor (null when none). */
  newestCursor: string | null;
  /** True once the page reached an item below the cursor's window: older pages hold nothing new. */
  reachedCursor: boolean;
  /** True when the page showed an item the cursor remembers (the read is at the archive's newest items). */
  metCursor: boolean;
}

interface FeedItem {
  position: FeedPosition;
  isPinned: boolean;
  post: unknown;
  repost?: ReasonRepost;
}

/** Where an item stands in the feed, read before (and apart from) normalizing it. */
function readItem(raw: unknown, problems: NormalizeProblem[]): FeedItem | undefined {
  const item = feedItemSchema.safeParse(raw);
  if (!item.success) {
    problems.push({ code: 'bad_payload', message: `malformed feed item: ${describeIssues(item.error, 'item')}` });
    return undefined;
  }
  const { post, reason } = item.data;
  const view = post as { uri?: unknown; indexedAt?: unknown; record?: { createdAt?: unknown } } | null;
  const uri = typeof view?.uri === 'string' ? view.uri : undefined;
  if (reason?.$type === REASON_REPOST) {
    const repost = reasonRepostSchema.safeParse(reason);
    const at = repost.success ? parseDatetime(repost.data.indexedAt) : undefined;
    if (repost.success && uri && at !== undefined) {
      const key = repost.data.uri ?? `${uri}#reposted-by-${repost.data.by.did}`;
      return { position: { at, key }, isPinned: false, post, repost: repost.data };
    }
  } else {
    const times = [parseDatetime(view?.record?.createdAt), parseDatetime(view?.indexedAt)];
    const known = times.filter((t): t is number => t !== undefined);
    if (uri && known.length > 0) {
      return { position: { at: Math.min(...known), key: uri }, isPinned: reason?.$type === REASON_PIN, post };
    }
  }
  problems.push(malformed(post, 'feed item without a post URI and a valid time (or with a malformed repost reason)'));
  return undefined;
}

function normalizeItem(item: FeedItem, problems: NormalizeProblem[]): BskyNormalizedPost[] {
  const post = normalizePostView(item.post, item.repost ? 'retweeted' : 'data', problems);
  if (!post || !item.repost) return post ? [post] : [];
  const repost = normalizeRepost(item.repost, post, problems);
  return repost ? [repost, post] : [post];
}

function arrayField(body: unknown, field: string, problems: NormalizeProblem[]): unknown[] | undefined {
  const value =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined;
  if (Array.isArray(value)) return value;
  problems.push({ code: 'bad_payload', message: `the body has no "${field}" array` });
  return undefined;
}

/**
 * One author feed page: the items new above `cursor` (all of them when
 * null), newest first as the feed has them; the first item below the
 * cursor's window ends the read. A pinned item (shown on top whatever its
 * age) never ends the read; it is kept only when it is itself new.
 */
export function normalizeBskyFeed(body: unknown, cursor: string | null): BskyFeedPage {
  const after = cursor === null ? undefined : parseBskyCursor(cursor);
  if (cursor !== null && !after) throw new InvalidInput(`"${cursor}" is not a Bluesky feed cursor`);
  const out: BskyFeedPage = {
    posts: [],
    problems: [],
    errors: [],
    newestCursor: null,
    reachedCursor: false,
    metCursor: false,
  };
  const seen: FeedPosition[] = [];
  for (const raw of arrayField(body, 'feed', out.problems) ?? []) {
    const item = readItem(raw, out.problems);
    if (!item) continue;
    if (after && isBelow(item.position, after) && !item.isPinned) {
      out.reachedCursor = true;
      break;
    }
    if (after && !isAfter(item.position, after)) {
      out.metCursor ||= !item.isPinned;
      continue;
    }
    seen.push(item.position);
    out.posts.push(...normalizeItem(item, out.problems));
  }
  const newest = cursorOf(seen);
  out.newestCursor = newest && formatBskyCursor(newest);
  return out;
}

/**
 * A getPosts answer. The AppView leaves out what it cannot serve (a deleted
 * post, a post of a deactivated or suspended account): each requested URI
 * that is absent is a `not_found` partial error.
 */
export function normalizeBskyPosts(body: unknown, requested: string[]): NormalizedBody {
  const out: NormalizedBody = { posts: [], problems: [], errors: [] };
  const views = arrayField(body, 'posts', out.problems);
  if (!views) return out;
  for (const view of views) {
    const post = normalizePostView(view, 'data', out.problems);
    if (post) out.posts.push(post);
  }
  const served = new Set(views.map((v) => (v as { uri?: unknown } | null)?.uri));
  out.errors = unique(requested)
    .filter((uri) => !served.has(uri))
    .map((uri): PartialError => ({
      kind: 'not_found',
      resourceType: 'post',
      resourceId: uri,
      detail: `${uri} is not served by the AppView (deleted, or its account is deactivated or suspended)`,
    }));
  return out;
}
