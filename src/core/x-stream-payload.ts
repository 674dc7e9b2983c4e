// One line of an X stream, read: a post of the filtered stream (`data`,
// `includes`, `matching_rules`), an event of the X Activity API (`data` with
// `event_type`, `filter`, `payload`, `includes`), or one of X's in-band error
// messages (an operational disconnect). Pure: the adapter keeps the raw line
// as a capture; this says what it means.
//
// Quirks read from X's documentation and OpenAPI files:
// - Activity `post.create` payloads are Post objects that may use the 2026-08
//   names (`edit_history_post_ids`, `note_post`, `referenced_posts`,
//   `includes.posts`) where the rest of the API says `tweet`: both are read.
// - `post.delete` carries `includes.users` items wrapped as `{ "data": {...} }`.
// - `event_uuid` may be negative ("-2781149976877970683"): it is kept as text.
import { normalizeXBody } from './x-normalize.js';
import type { NormalizedBody } from './post-model.js';

export type XStreamMessage =
  /** Posts pushed by the filtered stream or an Activity `post.create`. */
  | { kind: 'posts'; body: NormalizedBody; authorIds: string[]; ruleTags: string[]; eventId?: string }
  /** An Activity `post.delete`: the author's post is gone. */
  | { kind: 'deleted'; userId: string; postId: string; eventId?: string }
  /** An Activity profile event (`profile.update.handle`, `.screenname`, ...). */
  | {
      kind: 'profile';
      userId: string;
      eventType: string;
      before: string | null;
      after: string | null;
      eventId?: string;
    }
  /** X closes the stream on purpose (operational disconnect): reconnect. */
  | { kind: 'disconnect'; message: string }
  /** An errors-only message that is not a disconnect. */
  | { kind: 'error'; message: string }
  /** An Activity event onrecord does not subscribe to. */
  | { kind: 'other'; eventType: string }
  /** Not a message X documents: kept raw and reported. */
  | { kind: 'bad'; message: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The 2026-08 OpenAPI names of post fields, and the names the rest of the API (and the normalizer) use. */
const POST_NAMES: Record<string, string> = {
  edit_history_post_ids: 'edit_history_tweet_ids',
  note_post: 'note_tweet',
  referenced_posts: 'referenced_tweets',
};

/** A post object with the `tweet` field names (both spellings are accepted; `tweet` wins when both are present). */
export function withTweetNames(post: unknown): unknown {
  if (!isObject(post)) return post;
  const out: Json = { ...post };
  for (const [postName, tweetName] of Object.entries(POST_NAMES)) {
    if (postName in out) {
      if (!(tweetName in out)) out[tweetName] = out[postName];
      delete out[postName];
    }
  }
  return out;
}

function includesWithTweetNames(includes: unknown): unknown {
  if (!isObject(includes)) return includes;
  const out: Json = { ...includes };
  if (Array.isArray(out.posts)) {
    out.tweets = [...(Array.isArray(out.tweets) ? out.tweets : []), ...out.posts];
    delete out.posts;
  }
  if (Array.isArray(out.tweets)) out.tweets = out.tweets.map(withTweetNames);
  if (Array.isArray(out.users)) out.users = out.users.map((u) => (isObject(u) && isObject(u.data) ? u.data : u));
  return out;
}

/** Reads one line (keep-alive newlines never reach here). */
export function readXStreamLine(line: string): XStreamMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { kind: 'bad', message: `not JSON (${(err as Error).message})` };
  }
  if (!isObject(parsed)) return { kind: 'bad', message: 'not a JSON object' };
  if (isObject(parsed.data) && typeof parsed.data.event_type === 'string') return readActivityEvent(parsed.data);
  if (parsed.data !== undefined) return readPosts(parsed);
  if (Array.isArray(parsed.errors) || typeof parsed.title === 'string') return readErrorMessage(parsed);
  return { kind: 'bad', message: 'neither data nor errors' };
}

function readPosts(envelope: Json): XStreamMessage {
  const body = normalizeXBody({
    data: withTweetNames(envelope.data),
    includes: includesWithTweetNames(envelope.includes),
    ...(envelope.errors !== undefined ? { errors: envelope.errors } : {}),
  });
  const rules = Array.isArray(envelope.matching_rules) ? envelope.matching_rules : [];
  const ruleTags = rules.flatMap((r) => (isObject(r) && typeof r.tag === 'string' ? [r.tag] : []));
  const authorIds = [
    ...new Set(body.posts.filter((p) => p.via === 'data').flatMap((p) => (p.authorId ? [p.authorId] : []))),
  ];
  return { kind: 'posts', body, authorIds, ruleTags };
}

function readActivityEvent(event: Json): XStreamMessage {
  const eventType = event.event_type as string;
  const userId = isObject(event.filter) ? text(event.filter.user_id) : null;
  const eventId = event.event_uuid === undefined ? undefined : String(event.event_uuid);
  const payload = event.payload;
  if (eventType === 'post.create') {
    const posts = readPosts({ data: payload, includes: event.includes });
    return { ...posts, ...(eventId ? { eventId } : {}) } as XStreamMessage;
  }
  if (eventType === 'post.delete') {
    const postId = isObject(payload) ? text(payload.id) : null;
    const author = isObject(payload) ? text(payload.author_id) : null;
    if (!postId || !(author ?? userId)) return { kind: 'bad', message: 'post.delete without payload.id and author' };
    return { kind: 'deleted', userId: (author ?? userId)!, postId, ...(eventId ? { eventId } : {}) };
  }
  if (eventType.startsWith('profile.update.')) {
    if (!userId) return { kind: 'bad', message: `${eventType} without filter.user_id` };
    const before = isObject(payload) ? text(payload.before) : null;
    const after = isObject(payload) ? text(payload.after) : null;
    return { kind: 'profile', userId, eventType, before, after, ...(eventId ? { eventId } : {}) };
  }
  return { kind: 'other', eventType };
}

function readErrorMessage(envelope: Json): XStreamMessage {
  const errors = Array.isArray(envelope.errors) ? envelope.errors.filter(isObject) : [envelope];
  const first = errors[0] ?? {};
  const type = text(first.type) ?? '';
  const message = [text(first.title), text(first.disconnect_type), text(first.detail)].filter(Boolean).join(': ');
  if (type.endsWith('/problems/operational-disconnect') || first.title === 'operational-disconnect') {
    return { kind: 'disconnect', message: message || 'operational disconnect' };
  }
  return { kind: 'error', message: message || 'an errors-only message' };
}
