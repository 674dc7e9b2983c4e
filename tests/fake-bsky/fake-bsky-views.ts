// The AppView's views of accounts and records, as the app.bsky lexicons define
// them (actor.defs#profileViewBasic/#profileViewDetailed, feed.defs#postView,
// #feedViewPost, #reasonRepost, #reasonPin, embed.*#view): records are shown
// as written, embeds are hydrated (CDN addresses for blobs, the quoted post's
// view), counts are counted. A quoted post that is gone shows as viewNotFound.
import { blobCid } from './fake-bsky-ids.js';
import { POST, type FakeActor, type FakeBskyState, type FakeRecord } from './fake-bsky-state.js';

export interface ViewContext {
  state: FakeBskyState;
  /** Image CDN base (https://cdn.bsky.app on the network). */
  cdn: string;
  /** Video CDN base (https://video.bsky.app on the network). */
  video: string;
}

type Json = Record<string, unknown>;

const opt = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });

export function profileBasic(ctx: ViewContext, actor: FakeActor): Json {
  return {
    did: actor.did,
    handle: actor.handle,
    ...opt('displayName', actor.displayName),
    avatar: `${ctx.cdn}/img/avatar/plain/${actor.did}/${blobCid(`${actor.did}/avatar`)}@jpeg`,
    labels: [],
    createdAt: actor.createdAt,
  };
}

export function profileDetailed(ctx: ViewContext, actor: FakeActor): Json {
  const posts = ctx.state.recordsOf(actor.did).filter((r) => r.collection === POST);
  return {
    ...profileBasic(ctx, actor),
    ...opt('description', actor.description),
    associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
    followersCount: 1200,
    followsCount: 40,
    postsCount: posts.filter((r) => !r.deleted).length,
    indexedAt: actor.indexedAt,
    ...opt('pinnedPost', actor.pinnedPost),
  };
}

const blobLink = (blob: unknown) => (blob as { ref?: { $link?: string } } | undefined)?.ref?.$link ?? '';

function imagesView(ctx: ViewContext, did: string, embed: Json): Json {
  const images = embed.images as { alt: string; image: unknown; aspectRatio?: unknown }[];
  return {
    $type: 'app.bsky.embed.images#view',
    images: images.map((img) => ({
      thumb: `${ctx.cdn}/img/feed_thumbnail/plain/${did}/${blobLink(img.image)}@jpeg`,
      fullsize: `${ctx.cdn}/img/feed_fullsize/plain/${did}/${blobLink(img.image)}@jpeg`,
      alt: img.alt,
      ...opt('aspectRatio', img.aspectRatio),
    })),
  };
}

function videoView(ctx: ViewContext, did: string, embed: Json): Json {
  const cid = blobLink(embed.video);
  const base = `${ctx.video}/watch/${encodeURIComponent(did)}/${cid}`;
  return {
    $type: 'app.bsky.embed.video#view',
    cid,
    playlist: `${base}/playlist.m3u8`,
    thumbnail: `${base}/thumbnail.jpg`,
    ...opt('alt', embed.alt),
    ...opt('aspectRatio', embed.aspectRatio),
    ...opt('presentation', embed.presentation),
  };
}

function externalView(ctx: ViewContext, did: string, embed: Json): Json {
  const card = embed.external as { uri: string; title: string; description: string; thumb?: unknown };
  const thumb = card.thumb ? `${ctx.cdn}/img/feed_thumbnail/plain/${did}/${blobLink(card.thumb)}@jpeg` : undefined;
  return {
    $type: 'app.bsky.embed.external#view',
    external: { uri: card.uri, title: card.title, description: card.description, ...opt('thumb', thumb) },
  };
}

function quotedView(ctx: ViewContext, ref: { uri: string }, depth: number): Json {
  const quoted = ctx.state.record(ref.uri);
  if (!ctx.state.isServed(quoted) || quoted.collection !== POST) {
    return { $type: 'app.bsky.embed.record#viewNotFound', uri: ref.uri, notFound: true };
  }
  const inner = quoted.value.embed as Json | undefined;
  const embeds = inner && depth < 1 ? [embedView(ctx, quoted.did, inner, depth + 1)] : undefined;
  return {
    $type: 'app.bsky.embed.record#viewRecord',
    uri: quoted.uri,
    cid: quoted.cid,
    author: profileBasic(ctx, ctx.state.actors.get(quoted.did)!),
    value: quoted.value,
    labels: [],
    likeCount: 0,
    ...ctx.state.counts(quoted.uri),
    indexedAt: quoted.indexedAt,
    ...opt('embeds', embeds),
  };
}

export function embedView(ctx: ViewContext, did: string, embed: Json, depth = 0): Json | undefined {
  switch (embed.$type) {
    case 'app.bsky.embed.images':
      return imagesView(ctx, did, embed);
    case 'app.bsky.embed.video':
      return videoView(ctx, did, embed);
    case 'app.bsky.embed.external':
      return externalView(ctx, did, embed);
    case 'app.bsky.embed.record':
      return {
        $type: 'app.bsky.embed.record#view',
        record: quotedView(ctx, embed.record as { uri: string }, depth),
      };
    case 'app.bsky.embed.recordWithMedia': {
      const record = (embed.record as { record: { uri: string } }).record;
      return {
        $type: 'app.bsky.embed.recordWithMedia#view',
        record: { $type: 'app.bsky.embed.record#view', record: quotedView(ctx, record, depth) },
        media: embedView(ctx, did, embed.media as Json, depth),
      };
    }
  }
  return undefined;
}

export function postView(ctx: ViewContext, record: FakeRecord): Json {
  const embed = record.value.embed as Json | undefined;
  return {
    uri: record.uri,
    cid: record.cid,
    author: profileBasic(ctx, ctx.state.actors.get(record.did)!),
    record: record.value,
    ...opt('embed', embed && embedView(ctx, record.did, embed)),
    bookmarkCount: 0,
    ...ctx.state.counts(record.uri),
    likeCount: 0,
    indexedAt: record.indexedAt,
    labels: [],
  };
}

function replyRefView(ctx: ViewContext, uri: string): Json {
  const record = ctx.state.record(uri);
  if (!ctx.state.isServed(record)) return { $type: 'app.bsky.feed.defs#notFoundPost', uri, notFound: true };
  return { $type: 'app.bsky.feed.defs#postView', ...postView(ctx, record) };
}

/** One feed item: the post, the thread it replies to, and why it is there (a repost, a pin). */
export function feedViewPost(ctx: ViewContext, post: FakeRecord, reason?: FakeRecord | 'pin'): Json {
  const reply = post.value.reply as { root: { uri: string }; parent: { uri: string } } | undefined;
  const by = reason && reason !== 'pin' ? ctx.state.actors.get(reason.did) : undefined;
  return {
    post: postView(ctx, post),
    ...opt('reply', reply && { root: replyRefView(ctx, reply.root.uri), parent: replyRefView(ctx, reply.parent.uri) }),
    ...opt(
      'reason',
      reason === 'pin'
        ? { $type: 'app.bsky.feed.defs#reasonPin' }
        : reason && {
            $type: 'app.bsky.feed.defs#reasonRepost',
            by: profileBasic(ctx, by!),
            uri: reason.uri,
            cid: reason.cid,
            indexedAt: reason.indexedAt,
          },
    ),
  };
}
