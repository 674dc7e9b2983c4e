// Turns a parsed X API v2 body (a user timeline page, a lookup by IDs, a
// search page) into normalized posts, as their readers saw them: text decoded
// from X's HTML escaping, the full text of long posts (note_tweet, in data and
// in includes), the full original of a repost (from includes.tweets) archived
// as a post of its own author, every media key, withheld countries, cashtags,
// polls and places. Pure: no I/O, no clock. The shape is checked per post, so
// one malformed post is reported as a problem and never drops the others.
import { contentSha256 } from './content-sha256.js';
import { compareIds } from './ids.js';
import { snowflakeTime } from './x-snowflake.js';
import { decodeXText, entityLists, linkedUrls, unique } from './x-entities.js';
import {
  includedTweet,
  problemFor,
  readErrors,
  readIncludes,
  type Includes,
  type NormalizeProblem,
} from './x-includes.js';
import { tweetSchema, type Tweet } from './x-payload.js';

import { pollIdentity, toGeo, toWithheld, type NormalizedMedia } from './x-post-extras.js';

export type { NormalizedMedia, PostGeo, PostPlace, PostPoll, PostWithheld } from './x-post-extras.js';
export { PARTIAL_ERROR_KINDS } from './x-includes.js';
export type { NormalizeProblem, PartialError, PartialErrorKind, ProblemCode } from './x-includes.js';

export { NORMALIZED_VIA } from './post-model.js';
export type { NormalizedBody, NormalizedPost, NormalizedVia, ReferencedPost } from './post-model.js';
import type { NormalizedBody, NormalizedPost, NormalizedVia, ReferencedPost } from './post-model.js';

export function normalizeXBody(body: unknown): NormalizedBody {
  const out: NormalizedBody = { posts: [], problems: [], errors: [] };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    out.problems.push({ code: 'bad_payload', message: `body is not a JSON object (${describe(body)})` });
    return out;
  }
  const envelope = body as Record<string, unknown>;
  const includes = readIncludes(envelope.includes, out.problems);
  out.errors = readErrors(envelope.errors, out.problems);
  const data = envelope.data;
  if (data === undefined) return out;
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    const parsed = tweetSchema.safeParse(item);
    if (parsed.success) out.posts.push(...normalizeDataTweet(parsed.data, includes, out.problems));
    else out.problems.push(problemFor(item, parsed.error));
  }
  out.posts.push(...earlierVersions(out.posts, includes, out.problems));
  return out;
}

/** A post of `data`, and for a repost the original it reposts (when X included it). */
function normalizeDataTweet(t: Tweet, includes: Includes, problems: NormalizeProblem[]): NormalizedPost[] {
  const retweetedId = referencesOf(t).find((r) => r.type === 'retweeted')?.id;
  if (!retweetedId) return [normalizeTweet(t, includes, problems, 'data')];
  const original = includedTweet(includes, retweetedId, problems);
  if (!original) {
    problems.push({
      platformId: t.id,
      code: 'repost_incomplete',
      message: `the reposted post ${retweetedId} is not in includes.tweets: the repost keeps X's shortened "RT" text`,
    });
    return [normalizeTweet(t, includes, problems, 'data', { id: retweetedId })];
  }
  return [
    normalizeTweet(t, includes, problems, 'data', { id: retweetedId, tweet: original }),
    normalizeTweet(original, includes, problems, 'retweeted'),
  ];
}

/**
 * Earlier versions of edited posts, which X sends in includes.tweets when the
 * edit_history_tweet_ids expansion is asked for: a post first seen after it was
 * edited still gets every version's text.
 */
function earlierVersions(posts: NormalizedPost[], includes: Includes, problems: NormalizeProblem[]): NormalizedPost[] {
  const seen = new Set(posts.map((p) => p.versionId));
  const found: NormalizedPost[] = [];
  for (const post of posts.filter((p) => p.via === 'data')) {
    for (const id of post.editIds) {
      if (seen.has(id) || !includes.tweets.has(id)) continue;
      seen.add(id);
      const t = includedTweet(includes, id, problems);
      if (t) found.push(normalizeTweet(t, includes, problems, 'edit_history'));
    }
  }
  return found;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function referencesOf(t: Tweet): ReferencedPost[] {
  return (t.referenced_tweets ?? t.referenced_posts ?? []).map((r) => ({ type: r.type, id: r.id }));
}

/** What a post shows: its own words, or for a repost the full words of the post it reposts. */
function shownWords(t: Tweet, reposted?: { id: string; tweet?: Tweet }) {
  const shown = reposted?.tweet ?? t;
  const longNote = shown.note_tweet ?? shown.note_post;
  const ents = longNote ? (longNote.entities ?? shown.entities) : shown.entities;
  const ownIds = reposted ? [t.id, reposted.id] : [t.id];
  return {
    text: decodeXText(longNote?.text ?? shown.text),
    urls: linkedUrls(ents?.urls ?? [], ownIds),
    ...entityLists(ents),
    mediaKeys: unique(t.attachments?.media_keys ?? reposted?.tweet?.attachments?.media_keys ?? []),
    pollId: (t.attachments?.poll_ids ?? reposted?.tweet?.attachments?.poll_ids ?? [])[0],
  };
}

function normalizeTweet(
  t: Tweet,
  includes: Includes,
  problems: NormalizeProblem[],
  via: NormalizedVia,
  reposted?: { id: string; tweet?: Tweet },
): NormalizedPost {
  const editIds = editChain(t);
  const platformId = editIds[0]!;
  const words = shownWords(t, reposted);
  const versionCreatedAt = t.created_at ? new Date(t.created_at) : secondsOf(snowflakeTime(t.id));
  const createdAt = platformId === t.id ? versionCreatedAt : (secondsOf(snowflakeTime(platformId)) ?? versionCreatedAt);
  const media = mediaOf(t.id, words.mediaKeys, includes, problems);
  const poll = words.pollId ? (includes.polls.get(words.pollId) ?? null) : null;
  const geo = toGeo(t, includes.places);
  const content = {
    text: words.text,
    lang: t.lang ?? null,
    conversationId: t.conversation_id ?? null,
    inReplyToUserId: t.in_reply_to_user_id ?? null,
    referencedPosts: referencesOf(t),
    urls: words.urls,
    mentions: words.mentions,
    hashtags: words.hashtags,
    media,
  };
  const author = t.author_id ? includes.users.get(t.author_id) : undefined;
  return {
    platform: 'x',
    platformId,
    versionId: t.id,
    editIds,
    versionCreatedAt: versionCreatedAt ?? new Date(0),
    createdAt: createdAt ?? new Date(0),
    authorId: t.author_id ?? null,
    authorHandle: author?.username ?? null,
    authorName: author?.name ?? null,
    ...content,
    cashtags: words.cashtags,
    mediaKeys: words.mediaKeys,
    repostOf: reposted?.id ?? null,
    withheld: toWithheld(t),
    poll,
    geo,
    via,
    contentSha256: contentSha256({
      ...content,
      // Added fields count only when present, so that the sha of a post without them is unchanged.
      cashtags: words.cashtags.length ? words.cashtags : undefined,
      repostOf: reposted?.id,
      poll: pollIdentity(poll),
      geo: geo ?? undefined,
    }),
  };
}

/** The details of each media key found in includes.media; a key without details is a problem. */
function mediaOf(id: string, keys: string[], includes: Includes, problems: NormalizeProblem[]): NormalizedMedia[] {
  const missing = keys.filter((k) => !includes.media.has(k));
  if (missing.length > 0) {
    problems.push({
      platformId: id,
      code: 'media_missing',
      message: `media ${missing.join(', ')} of post ${id} not in includes.media (kept as keys; a lookup of the post fills them in)`,
    });
  }
  return keys.flatMap((k) => {
    const m = includes.media.get(k);
    return m ? [m] : [];
  });
}

/** Oldest first; the version's own ID is always part of its chain. */
function editChain(t: Tweet): string[] {
  const chain = t.edit_history_tweet_ids ?? t.edit_history_post_ids ?? [t.id];
  return unique(chain.includes(t.id) ? chain : [...chain, t.id]).sort(compareIds);
}

/** X prints created_at to the second; a time taken from a snowflake is cut the same way. */
function secondsOf(time: Date | undefined): Date | undefined {
  return time && new Date(Math.floor(time.getTime() / 1000) * 1000);
}

/** Re-exported: the hash of a version is the same for every platform (core/content-sha256.ts). */
export { contentSha256 };
