// Builders for fake X data shaped like the documented payloads: users, posts
// (plain, long, reply, quote, repost, with media) and whole seeded accounts.
import { nextSnowflake } from './snowflakes.js';
import {
  toXTime,
  type FakeMedia,
  type FakePlace,
  type FakePoll,
  type FakePost,
  type FakeUser,
  type FakeXState,
} from './fake-x-state.js';

/** A stable numeric user ID derived from the handle, so fixtures are the same on every run. */
export function userIdFor(username: string): string {
  let hash = 2166136261;
  for (const ch of username.toLowerCase()) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return String(1_000_000_000 + (hash % 3_000_000_000));
}

export function makeUser(fields: Partial<FakeUser> & { username: string }): FakeUser {
  return {
    id: userIdFor(fields.username),
    name: `${fields.username} (official)`,
    created_at: '2013-07-15T14:02:11.000Z',
    description: `Official account of ${fields.username}.`,
    protected: false,
    verified: true,
    verified_type: 'government',
    profile_image_url: `https://pbs.twimg.com/profile_images/${fields.username}.jpg`,
    public_metrics: { followers_count: 1000, following_count: 10, tweet_count: 0, listed_count: 5 },
    ...fields,
  };
}

export interface PostSpec {
  /** When it was posted (default now). */
  at?: Date | string;
  text: string;
  author: FakeUser | string;
  id?: string;
  lang?: string;
  replyTo?: FakePost;
  quote?: FakePost;
  /**
   * A repost of this post: as X does, its text becomes `RT @handle: …` cut at
   * 140 characters (no note_tweet), and it carries the original's media keys.
   */
  repostOf?: { post: FakePost; author: FakeUser };
  media?: FakeMedia[];
  /** A poll (registered with the fake by `addPost`). */
  poll?: FakePoll;
  /** A place (registered with the fake by `addPost`), with optional exact [longitude, latitude]. */
  place?: FakePlace;
  coordinates?: [number, number];
  withheld?: { copyright: boolean; country_codes: string[]; scope?: 'tweet' };
  extra?: Partial<FakePost>;
}

const MAX_TEXT = 280;
/** X shortens the text of a repost (`RT @handle: ` included) to this many characters. */
const MAX_REPOST_TEXT = 140;

/** Entities X would find in a text: URLs (kept as given), hashtags and mentions. */
export function entitiesOf(text: string): Record<string, unknown> | undefined {
  const collect = (re: RegExp, make: (m: RegExpExecArray) => Record<string, unknown>) =>
    [...text.matchAll(re)].map((m) => ({ start: m.index!, end: m.index! + m[0].length, ...make(m) }));
  const urls = collect(/https?:\/\/\S+/g, (m) => ({
    url: m[0],
    expanded_url: m[0],
    display_url: m[0].replace(/^https?:\/\//, '').slice(0, 26),
  }));
  const hashtags = collect(/#(\w+)/g, (m) => ({ tag: m[1] }));
  const mentions = collect(/@(\w{1,15})/g, (m) => ({ username: m[1] }));
  const cashtags = collect(/\$([A-Za-z]{1,6})\b/g, (m) => ({ tag: m[1] }));
  const out: Record<string, unknown> = {};
  if (cashtags.length) out.cashtags = cashtags;
  if (urls.length) out.urls = urls;
  if (hashtags.length) out.hashtags = hashtags;
  if (mentions.length) out.mentions = mentions;
  return Object.keys(out).length ? out : undefined;
}

export function makePost(spec: PostSpec): FakePost {
  const at = new Date(spec.at ?? Date.now());
  const id = spec.id ?? nextSnowflake(at);
  const authorId = typeof spec.author === 'string' ? spec.author : spec.author.id;
  const fullText = spec.repostOf ? `RT @${spec.repostOf.author.username}: ${spec.repostOf.post.text}` : spec.text;
  const max = spec.repostOf ? MAX_REPOST_TEXT : MAX_TEXT;
  const isLong = fullText.length > max;
  const text = isLong ? `${fullText.slice(0, max - 1)}…` : fullText;
  const references = [
    ...(spec.replyTo ? [{ type: 'replied_to' as const, id: spec.replyTo.id }] : []),
    ...(spec.quote ? [{ type: 'quoted' as const, id: spec.quote.id }] : []),
    ...(spec.repostOf ? [{ type: 'retweeted' as const, id: spec.repostOf.post.id }] : []),
  ];
  const post: FakePost = {
    id,
    text,
    author_id: authorId,
    created_at: toXTime(at),
    conversation_id: spec.replyTo ? (spec.replyTo.conversation_id ?? spec.replyTo.id) : id,
    lang: spec.lang ?? 'en',
    possibly_sensitive: false,
    reply_settings: 'everyone',
    edit_history_tweet_ids: [id],
    edit_controls: {
      edits_remaining: 5,
      is_edit_eligible: !spec.repostOf,
      editable_until: toXTime(new Date(at.getTime() + 30 * 60_000)),
    },
    public_metrics: {
      retweet_count: 0,
      reply_count: 0,
      like_count: 0,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 0,
    },
  };
  const entities = entitiesOf(text);
  if (entities) post.entities = entities;
  if (isLong && !spec.repostOf)
    post.note_tweet = { text: fullText, ...(entitiesOf(fullText) ? { entities: entitiesOf(fullText) } : {}) };
  if (spec.replyTo) post.in_reply_to_user_id = spec.replyTo.author_id;
  if (references.length) post.referenced_tweets = references;
  const mediaKeys = spec.media?.map((m) => m.media_key) ?? spec.repostOf?.post.attachments?.media_keys ?? [];
  const attachments = {
    ...(mediaKeys.length ? { media_keys: mediaKeys } : {}),
    ...(spec.poll ? { poll_ids: [spec.poll.id] } : {}),
  };
  if (Object.keys(attachments).length) post.attachments = attachments;
  if (spec.place || spec.coordinates) {
    post.geo = {
      ...(spec.place ? { place_id: spec.place.id } : {}),
      ...(spec.coordinates ? { coordinates: { type: 'Point', coordinates: spec.coordinates } } : {}),
    };
  }
  if (spec.withheld) post.withheld = spec.withheld;
  return { ...post, ...spec.extra };
}

let mediaSequence = 0;

export function makeMedia(type: FakeMedia['type'] = 'photo', fields: Partial<FakeMedia> = {}): FakeMedia {
  const n = `${2029215278298038528n + BigInt(++mediaSequence)}`;
  const prefix = { photo: '3', video: '7', animated_gif: '16' }[type];
  const base: FakeMedia = { media_key: `${prefix}_${n}`, type, width: 1280, height: 720 };
  if (type === 'photo')
    return { ...base, url: `https://pbs.twimg.com/media/${n}.jpg`, alt_text: 'A photo.', ...fields };
  return {
    ...base,
    preview_image_url: `https://pbs.twimg.com/ext_tw_video_thumb/${n}/pu/img/thumb.jpg`,
    ...(type === 'video' ? { duration_ms: 31233 } : {}),
    variants: [
      { content_type: 'application/x-mpegURL', url: `https://video.twimg.com/ext_tw_video/${n}/pu/pl/v.m3u8` },
      { bit_rate: 832000, content_type: 'video/mp4', url: `https://video.twimg.com/ext_tw_video/${n}/pu/vid/v.mp4` },
    ],
    ...fields,
  };
}

export interface SeedAccountSpec {
  username: string;
  /** How many posts to create (default 0). */
  posts?: number;
  /** Time of the oldest post (default 2026-03-01T00:00:00Z). */
  start?: Date | string;
  /** Time between two posts (default one minute). */
  everyMs?: number;
  /** Text of the i-th post, oldest first (default `Statement N from <handle>`). */
  text?: (i: number) => string;
  user?: Partial<FakeUser>;
}

/** Adds a user and `posts` posts (oldest first, one `everyMs` apart). Returns them oldest first. */
export function seedAccount(
  target: { state: FakeXState } | FakeXState,
  spec: SeedAccountSpec,
): { user: FakeUser; posts: FakePost[] } {
  const state = 'state' in target ? target.state : target;
  const user = state.addUser(makeUser({ username: spec.username, ...spec.user }));
  const start = new Date(spec.start ?? '2026-03-01T00:00:00Z').getTime();
  const every = spec.everyMs ?? 60_000;
  const posts: FakePost[] = [];
  for (let i = 0; i < (spec.posts ?? 0); i++) {
    const text = spec.text ? spec.text(i) : `Statement ${i + 1} from ${spec.username}`;
    posts.push(state.addPost(makePost({ author: user, at: new Date(start + i * every), text })));
  }
  return { user, posts };
}
