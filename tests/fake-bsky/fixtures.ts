// Records as the Bluesky app writes them: `app.bsky.feed.post` with its text,
// facets (byte offsets), langs, reply refs and embeds (images with alt text
// and blob refs, video, link cards, quotes, quotes with media), and
// `app.bsky.feed.repost`. Every text here is invented.
import { blobCid } from './fake-bsky-ids.js';
import { POST, REPOST, type FakeBskyState, type FakeRecord } from './fake-bsky-state.js';
import { richText, type RichPart } from './rich-text.js';

export interface ImageSpec {
  alt: string;
  width?: number;
  height?: number;
}

export interface PostSpec {
  text?: string;
  /** Text with links, mentions and tags: facets are computed (byte offsets). */
  rich?: RichPart[];
  /** Facets written as given (e.g. wrong offsets), instead of those of `rich`. */
  facets?: unknown[];
  /** When the client says it posted (default: the fake's clock). */
  at?: string | Date;
  /** The createdAt string written as is, however wrong (a far future, year 0001, no zone). */
  createdAt?: string;
  /** When the AppView indexed it (default: 40 ms after `at`). */
  indexedAt?: string | Date;
  langs?: string[];
  tags?: string[];
  /** The AT URI of the post this one replies to. */
  replyTo?: string;
  /** The AT URI of the post this one quotes. */
  quote?: string;
  images?: ImageSpec[];
  video?: { alt?: string; presentation?: 'default' | 'gif'; width?: number; height?: number };
  external?: { uri: string; title: string; description: string; thumb?: boolean };
}

const blob = (seed: string, mimeType: string, size: number) => ({
  $type: 'blob',
  ref: { $link: blobCid(seed) },
  mimeType,
  size,
});

const aspect = (w?: number, h?: number) => (w && h ? { aspectRatio: { width: w, height: h } } : {});

function mediaEmbed(spec: PostSpec, seed: string): Record<string, unknown> | undefined {
  if (spec.images?.length) {
    return {
      $type: 'app.bsky.embed.images',
      images: spec.images.map((img, i) => ({
        alt: img.alt,
        image: blob(`${seed}/image/${i}`, 'image/jpeg', 184_000 + i),
        ...aspect(img.width, img.height),
      })),
    };
  }
  if (spec.video) {
    const { alt, presentation, width, height } = spec.video;
    return {
      $type: 'app.bsky.embed.video',
      video: blob(`${seed}/video`, 'video/mp4', 4_200_000),
      ...(alt !== undefined ? { alt } : {}),
      ...aspect(width, height),
      ...(presentation ? { presentation } : {}),
    };
  }
  if (spec.external) {
    const { uri, title, description, thumb } = spec.external;
    const card = { uri, title, description, ...(thumb ? { thumb: blob(`${seed}/card`, 'image/jpeg', 52_000) } : {}) };
    return { $type: 'app.bsky.embed.external', external: card };
  }
  return undefined;
}

function embedOf(state: FakeBskyState, spec: PostSpec, seed: string): Record<string, unknown> | undefined {
  const media = mediaEmbed(spec, seed);
  if (!spec.quote) return media;
  const quoted = state.mustRecord(spec.quote);
  const record = { $type: 'app.bsky.embed.record', record: { uri: quoted.uri, cid: quoted.cid } };
  return media ? { $type: 'app.bsky.embed.recordWithMedia', record, media } : record;
}

function replyOf(state: FakeBskyState, parentUri: string) {
  const parent = state.mustRecord(parentUri);
  const parentReply = (parent.value as { reply?: { root: { uri: string; cid: string } } }).reply;
  return {
    root: parentReply?.root ?? { uri: parent.uri, cid: parent.cid },
    parent: { uri: parent.uri, cid: parent.cid },
  };
}

/** The post record a client writes for this spec (keys in the app's own order). */
export function postRecord(state: FakeBskyState, spec: PostSpec, at: Date): Record<string, unknown> {
  const rich = spec.rich ? richText(spec.rich) : { text: spec.text ?? '', facets: [] };
  const facets = spec.facets ?? rich.facets;
  const embed = embedOf(state, spec, `${at.toISOString()}/${rich.text}`);
  return {
    $type: POST,
    text: rich.text,
    createdAt: spec.createdAt ?? at.toISOString(),
    langs: spec.langs ?? ['en'],
    ...(facets.length ? { facets } : {}),
    ...(spec.replyTo ? { reply: replyOf(state, spec.replyTo) } : {}),
    ...(embed ? { embed } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
  };
}

/** The AppView indexes a record shortly after it is written. */
export const INDEX_DELAY_MS = 40;

export function addPost(state: FakeBskyState, author: string, spec: PostSpec, now: () => number): FakeRecord {
  const at = new Date(spec.at ?? now());
  const indexedAt = new Date(spec.indexedAt ?? at.getTime() + INDEX_DELAY_MS);
  return state.addRecord(state.mustActor(author).did, POST, postRecord(state, spec, at), indexedAt);
}

export function addRepost(state: FakeBskyState, by: string, subject: string, at: Date): FakeRecord {
  const post = state.mustRecord(subject);
  const value = { $type: REPOST, subject: { uri: post.uri, cid: post.cid }, createdAt: at.toISOString() };
  return state.addRecord(state.mustActor(by).did, REPOST, value, new Date(at.getTime() + INDEX_DELAY_MS));
}

export interface SeedAccountSpec {
  handle: string;
  displayName?: string;
  posts?: number;
  /** The first post's time (default 2026-03-01T00:00:00Z), then one every `everyMs` (default a minute). */
  start?: string;
  everyMs?: number;
  text?: (i: number) => string;
}

/** An account with `posts` posts, returned oldest first. */
export function seedAccount(state: FakeBskyState, spec: SeedAccountSpec) {
  const start = Date.parse(spec.start ?? '2026-03-01T00:00:00Z');
  const actor =
    state.actorByHandle(spec.handle) ??
    state.addActor({ handle: spec.handle, displayName: spec.displayName ?? spec.handle }, new Date(start - 86_400_000));
  const posts: FakeRecord[] = [];
  for (let i = 0; i < (spec.posts ?? 0); i++) {
    const at = new Date(start + i * (spec.everyMs ?? 60_000));
    const text = spec.text?.(i) ?? `Statement ${i + 1} from ${actor.displayName ?? actor.handle}.`;
    posts.push(addPost(state, actor.did, { text, at }, () => at.getTime()));
  }
  return { actor, posts };
}
