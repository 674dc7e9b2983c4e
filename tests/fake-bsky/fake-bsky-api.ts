// The XRPC methods the fake AppView serves, with the semantics of Bluesky's
// own AppView (bluesky-social/atproto, packages/bsky): parameter checks as
// its XRPC server makes them (400 InvalidRequest), an author feed newest
// first by sortAt then CID with a keyset cursor `<ms>__<cid>` (a v1 cursor
// with `::` answers an empty feed), the `filter` values, pinned posts on the
// first page with includePins, getPosts of at most 25 URIs where what cannot
// be served is simply absent, and profiles that answer AccountTakedown or
// AccountDeactivated.
import { POST, REPOST, type FakeActor, type FakeBskyState, type FakeRecord } from './fake-bsky-state.js';
import { feedViewPost, postView, profileDetailed, type ViewContext } from './fake-bsky-views.js';

export const NSIDS = [
  'app.bsky.feed.getAuthorFeed',
  'app.bsky.feed.getPosts',
  'app.bsky.actor.getProfile',
  'com.atproto.identity.resolveHandle',
  'com.atproto.repo.getRecord',
] as const;
export type Nsid = (typeof NSIDS)[number];

/** An XRPC error answer: `{ error, message }` with its status. */
export class XrpcFail extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

const invalid = (message: string) => new XrpcFail(400, 'InvalidRequest', message);

const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const AT_URI = /^at:\/\/[a-zA-Z0-9._:%-]+(\/[a-zA-Z0-9.-]+(\/[a-zA-Z0-9._~:@!$&')(*+,;=%-]+)?)?$/;

function one(q: URLSearchParams, name: string, required = false): string | undefined {
  const value = q.get(name) ?? undefined;
  if (required && value === undefined) throw invalid(`Error: Params must have the property "${name}"`);
  return value;
}

function identifier(q: URLSearchParams, name: string): string {
  const value = one(q, name, true)!;
  if (!DID.test(value) && !HANDLE.test(value)) throw invalid(`Error: ${name} must be a valid did or a handle`);
  return value;
}

function integer(q: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = one(q, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw invalid(`Error: ${name} must be an integer`);
  if (n < min) throw invalid(`Error: ${name} can not be less than ${min}`);
  if (n > max) throw invalid(`Error: ${name} can not be greater than ${max}`);
  return n;
}

interface Item {
  sortAt: string;
  cid: string;
  post: FakeRecord;
  repost?: FakeRecord;
}

const hasReply = (r: FakeRecord) => r.value.reply !== undefined;
const embedType = (r: FakeRecord) => {
  const embed = r.value.embed as { $type?: string; media?: { $type?: string } } | undefined;
  return embed?.$type === 'app.bsky.embed.recordWithMedia' ? embed.media?.$type : embed?.$type;
};

/** Whether the filter lets a post (or a repost of it) into the author feed. */
function passes(filter: string, did: string, post: FakeRecord, isRepost: boolean): boolean {
  switch (filter) {
    case 'posts_no_replies':
      return isRepost || !hasReply(post);
    case 'posts_with_media':
      return !isRepost && embedType(post) === 'app.bsky.embed.images';
    case 'posts_with_video':
      return !isRepost && embedType(post) === 'app.bsky.embed.video';
    case 'posts_and_author_threads': {
      const root = (post.value.reply as { root?: { uri?: string } } | undefined)?.root?.uri;
      return isRepost || !root || root.startsWith(`at://${did}/`);
    }
  }
  return true;
}

/** The feed items of an account before hydration: its posts and reposts, newest first. */
function skeleton(state: FakeBskyState, did: string, filter: string): Item[] {
  const items: Item[] = [];
  for (const r of state.recordsOf(did)) {
    if (r.deleted) continue;
    if (r.collection === POST && passes(filter, did, r, false)) items.push({ sortAt: r.sortAt, cid: r.cid, post: r });
    if (r.collection === REPOST) {
      const subject = state.record((r.value.subject as { uri: string }).uri);
      if (subject && !subject.deleted && passes(filter, did, subject, true)) {
        items.push({ sortAt: r.sortAt, cid: r.cid, post: subject, repost: r });
      }
    }
  }
  return items.sort((a, b) => (a.sortAt < b.sortAt ? 1 : a.sortAt > b.sortAt ? -1 : a.cid < b.cid ? 1 : -1));
}

const pack = (item: Item) => `${Date.parse(item.sortAt)}__${item.cid}`;

function unpack(cursor: string): { sortAt: string; cid: string } {
  const [time, cid, ...rest] = cursor.split('__');
  const ms = Number(time);
  if (!time || !cid || rest.length || !/^\d+$/.test(time) || !Number.isFinite(ms)) throw invalid('Malformed cursor');
  return { sortAt: new Date(ms).toISOString(), cid };
}

function activeActor(state: FakeBskyState, id: string): FakeActor {
  const actor = state.actor(id);
  if (!actor || actor.status !== 'active') throw invalid('Profile not found');
  return actor;
}

export function getAuthorFeed(ctx: ViewContext, q: URLSearchParams): Json {
  const actor = activeActor(ctx.state, identifier(q, 'actor'));
  const limit = integer(q, 'limit', 1, 100, 50);
  const filter = one(q, 'filter') ?? 'posts_with_replies';
  const cursor = one(q, 'cursor');
  if (cursor?.includes('::')) return { feed: [] };
  const after = cursor ? unpack(cursor) : undefined;
  const page = skeleton(ctx.state, actor.did, filter)
    .filter((i) => !after || i.sortAt < after.sortAt || (i.sortAt === after.sortAt && i.cid < after.cid))
    .slice(0, limit);
  // Hydration drops what cannot be shown (a repost of a post whose account is gone): a page may come short.
  const feed = page.filter((i) => ctx.state.isServed(i.post)).map((i) => feedViewPost(ctx, i.post, i.repost));
  const pinned = actor.pinnedPost && ctx.state.record(actor.pinnedPost.uri);
  if (!cursor && one(q, 'includePins') === 'true' && ctx.state.isServed(pinned) && pinned.did === actor.did) {
    const rest = feed.filter((f) => (f.post as Json).uri !== pinned.uri || f.reason);
    return {
      feed: [feedViewPost(ctx, pinned, 'pin'), ...rest],
      ...(page.length ? { cursor: pack(page.at(-1)!) } : {}),
    };
  }
  return { feed, ...(page.length ? { cursor: pack(page.at(-1)!) } : {}) };
}

export function getPosts(ctx: ViewContext, q: URLSearchParams): Json {
  const uris = q.getAll('uris');
  if (uris.length === 0) throw invalid('Error: Params must have the property "uris"');
  if (uris.length > 25) throw invalid('Error: uris must not have more than 25 elements');
  uris.forEach((uri, i) => {
    if (!AT_URI.test(uri)) throw invalid(`Error: uris/${i} must be a valid at-uri`);
  });
  const served = [...new Set(uris)]
    .map((uri) => ctx.state.record(uri))
    .filter((r): r is FakeRecord => ctx.state.isServed(r) && r.collection === POST);
  return { posts: served.map((r) => postView(ctx, r)) };
}

export function getProfile(ctx: ViewContext, q: URLSearchParams): Json {
  const actor = ctx.state.actor(identifier(q, 'actor'));
  if (!actor) throw invalid('Profile not found');
  if (actor.status === 'takendown') throw new XrpcFail(400, 'AccountTakedown', 'Account has been suspended');
  if (actor.status === 'deactivated') throw new XrpcFail(400, 'AccountDeactivated', 'Account is deactivated');
  return profileDetailed(ctx, actor);
}

export function resolveHandle(ctx: ViewContext, q: URLSearchParams): Json {
  const handle = one(q, 'handle', true)!;
  if (!HANDLE.test(handle)) throw invalid('Error: handle must be a valid handle');
  const actor = ctx.state.actorByHandle(handle);
  if (!actor) throw invalid('Unable to resolve handle');
  return { did: actor.did };
}

export function getRecord(ctx: ViewContext, q: URLSearchParams): Json {
  const repo = identifier(q, 'repo');
  const collection = one(q, 'collection', true)!;
  const rkey = one(q, 'rkey', true)!;
  const actor = ctx.state.actor(repo);
  if (!actor || actor.status !== 'active') throw invalid(`Could not find repo: ${repo}`);
  const uri = `at://${actor.did}/${collection}/${rkey}`;
  const record = ctx.state.record(uri);
  if (!ctx.state.isServed(record)) throw new XrpcFail(400, 'RecordNotFound', `Could not locate record: ${uri}`);
  return { uri, cid: record.cid, value: record.value };
}

export const HANDLERS: Record<Nsid, (ctx: ViewContext, q: URLSearchParams) => Json> = {
  'app.bsky.feed.getAuthorFeed': getAuthorFeed,
  'app.bsky.feed.getPosts': getPosts,
  'app.bsky.actor.getProfile': getProfile,
  'com.atproto.identity.resolveHandle': resolveHandle,
  'com.atproto.repo.getRecord': getRecord,
};
