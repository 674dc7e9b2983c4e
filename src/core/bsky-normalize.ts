// Turns a parsed Bluesky AppView body (an author feed page, a getPosts
// answer) into normalized posts. A post's natural, immutable ID is its AT URI
// (`at://<did>/app.bsky.feed.post/<rkey>`): the DID stays when the handle
// changes, and the rkey alone is unique only within one account. A version
// is `<AT URI>#<CID>`: the CID is the hash of the record, so reading a post
// again gives the same version, and a record rewritten in place (the
// protocol allows it, the app never does) would give a new one. A repost is
// kept as a post of the reposting account (its own AT URI) that refers to the
// original, and the original is archived as a post of its author. The shape
// is checked item by item: one malformed item is a problem, never a crash,
// and never drops the others. Pure: no I/O, no clock.
import type { NormalizedPost, NormalizedVia, NormalizeProblem } from './post-model.js';
import { bskyPlatform } from './bsky-platform.js';
import { contentSha256 } from './content-sha256.js';
import { parseDatetime } from './bsky-cursor.js';
import { embedParts } from './bsky-embeds.js';
import { facetLists, unique } from './bsky-facets.js';
import { describeIssues, postViewSchema, type PostView, type ReasonRepost } from './bsky-payload.js';

/** The platform's name in the archive. */
export const BSKY_PLATFORM = bskyPlatform.name;

/** What a Bluesky version keeps beyond the neutral fields (stored in the version's data). */
export interface BskyPostData {
  /** The record's AT URI (the post's, or the repost's). */
  uri: string;
  /** The record's CID (null for a repost the AppView showed without it). */
  cid: string | null;
  /** When the AppView indexed the record. */
  indexedAt: string;
  /** The createdAt the author's client wrote, as written (null for a repost). */
  recordCreatedAt: string | null;
  langs: string[];
  /** The DIDs of the accounts mentioned (handles change, DIDs do not). */
  mentionDids: string[];
}

export type BskyNormalizedPost = NormalizedPost & { bsky: BskyPostData };

/**
 * What the AppView shows instead of a handle it cannot verify against the
 * account's DID document (a domain whose DNS record broke): not a name.
 */
export const INVALID_HANDLE = 'handle.invalid';

/** A createdAt before this is a broken clock, not a date (imported archives from the 2000s are kept). */
const EARLIEST_CREDIBLE_MS = Date.UTC(2000, 0, 1);
/** A createdAt this far after indexedAt is a client clock in the future. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

/**
 * When a post was posted: the createdAt its client wrote, unless that is not
 * a datetime, is before 2000, or is later than the AppView indexed the post
 * (clients have sent both); then the time the AppView indexed it.
 */
export function postTime(createdAt: string, indexedAt: string): Date | undefined {
  const created = parseDatetime(createdAt);
  const indexed = parseDatetime(indexedAt);
  const isCredible =
    created !== undefined &&
    created >= EARLIEST_CREDIBLE_MS &&
    (indexed === undefined || created <= indexed + FUTURE_TOLERANCE_MS);
  if (isCredible) return new Date(created);
  return indexed === undefined ? undefined : new Date(indexed);
}

const didOf = (uri: string | undefined) => (uri ? (/^at:\/\/([^/]+)\//.exec(uri)?.[1] ?? null) : null);

export function malformed(value: unknown, message: string): NormalizeProblem {
  const uri = (value as { uri?: unknown } | null)?.uri;
  return { ...(typeof uri === 'string' ? { platformId: uri } : {}), code: 'bad_payload', message };
}

/** One `postView` as a version of its post, or a problem. */
export function normalizePostView(
  value: unknown,
  via: NormalizedVia,
  problems: NormalizeProblem[],
): BskyNormalizedPost | undefined {
  const parsed = postViewSchema.safeParse(value);
  if (!parsed.success) {
    problems.push(malformed(value, `malformed post: ${describeIssues(parsed.error, 'post')}`));
    return undefined;
  }
  const v: PostView = parsed.data;
  const r = v.record;
  const time = postTime(r.createdAt, v.indexedAt);
  if (!time) {
    problems.push(malformed(v, `post ${v.uri} has neither a valid createdAt nor a valid indexedAt`));
    return undefined;
  }
  const facets = facetLists(r.text, r.facets, v.uri, problems);
  const embeds = embedParts(r.embed, v.embed, v.uri, problems);
  const content = {
    text: r.text,
    lang: r.langs?.[0] ?? null,
    conversationId: r.reply?.root.uri ?? v.uri,
    inReplyToUserId: didOf(r.reply?.parent.uri),
    referencedPosts: [
      ...(r.reply ? [{ type: 'replied_to', id: r.reply.parent.uri }] : []),
      ...(embeds.quoted ? [{ type: 'quoted', id: embeds.quoted }] : []),
    ],
    urls: unique([...facets.urls, ...embeds.urls]),
    mentions: facets.mentions,
    hashtags: unique([...facets.hashtags, ...(r.tags ?? [])]),
    media: embeds.media,
  };
  const data = {
    uri: v.uri,
    cid: v.cid,
    indexedAt: v.indexedAt,
    recordCreatedAt: r.createdAt,
    langs: r.langs ?? [],
    mentionDids: facets.mentionDids,
  };
  return version(v, time, content, facets.cashtags, via, data);
}

type Content = Pick<
  NormalizedPost,
  | 'text'
  | 'lang'
  | 'conversationId'
  | 'inReplyToUserId'
  | 'referencedPosts'
  | 'urls'
  | 'mentions'
  | 'hashtags'
  | 'media'
>;

function version(
  record: { uri: string; cid?: string; author: { did: string; handle: string; displayName?: string } },
  time: Date,
  content: Content,
  cashtags: string[],
  via: NormalizedVia,
  data: BskyPostData,
  repostOf: string | null = null,
): BskyNormalizedPost {
  return {
    platform: BSKY_PLATFORM,
    platformId: record.uri,
    versionId: record.cid ? `${record.uri}#${record.cid}` : record.uri,
    editIds: [record.uri],
    versionCreatedAt: time,
    createdAt: time,
    authorId: record.author.did,
    authorHandle: record.author.handle === INVALID_HANDLE ? null : record.author.handle,
    authorName: record.author.displayName || null,
    ...content,
    cashtags,
    mediaKeys: content.media.map((m) => m.key),
    repostOf,
    withheld: null,
    poll: null,
    geo: null,
    via,
    contentSha256: contentSha256({
      ...content,
      cashtags: cashtags.length ? cashtags : undefined,
      repostOf: repostOf ?? undefined,
    }),
    bsky: data,
  };
}

/** The repost itself: a post of the reposting account that shows the original's words and media. */
export function normalizeRepost(
  reason: ReasonRepost,
  original: BskyNormalizedPost,
  problems: NormalizeProblem[],
): BskyNormalizedPost | undefined {
  const at = parseDatetime(reason.indexedAt);
  if (!reason.uri || at === undefined) {
    const message = `the AppView showed a repost of ${original.platformId} by ${reason.by.did} without its AT URI or time: only the reposted post is kept`;
    problems.push({ platformId: original.platformId, code: 'repost_incomplete', message });
    return undefined;
  }
  const { text, lang, urls, mentions, hashtags, media } = original;
  const content = { text, lang, urls, mentions, hashtags, media };
  const refs = [{ type: 'retweeted', id: original.platformId }];
  const full = { ...content, conversationId: reason.uri, inReplyToUserId: null, referencedPosts: refs };
  const data = { ...original.bsky, uri: reason.uri, cid: reason.cid ?? null, indexedAt: reason.indexedAt };
  const record = { uri: reason.uri, cid: reason.cid, author: reason.by };
  return version(
    record,
    new Date(at),
    full,
    original.cashtags,
    'data',
    { ...data, recordCreatedAt: null },
    original.platformId,
  );
}
