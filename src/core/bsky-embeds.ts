// What a Bluesky post embeds: images (with their alt text) and video as
// media, a link card as a link, a quoted post as a reference. Read from the
// record the author wrote (blob CIDs, the quoted post's URI) and from the
// AppView's view of it (the CDN addresses, the card as rendered). Embed
// unions are open: an embed type this reader does not know is passed over,
// a known type that does not have its documented shape is a problem. Pure.
import type { z } from 'zod';
import type { NormalizedMedia, NormalizeProblem } from './post-model.js';
import {
  describeIssues,
  externalEmbed,
  externalView,
  imagesEmbed,
  imagesView,
  POST_URI,
  recordEmbed,
  recordWithMediaEmbed,
  videoEmbed,
  videoView,
} from './bsky-payload.js';

export interface EmbedParts {
  media: NormalizedMedia[];
  /** The link card's address, when the post carries one. */
  urls: string[];
  /** The AT URI of the quoted post, when the post quotes one. */
  quoted: string | null;
}

type Schemas = Record<string, z.ZodType<{ $type: string }>>;
const RECORD_SCHEMAS: Schemas = {
  'app.bsky.embed.images': imagesEmbed,
  'app.bsky.embed.video': videoEmbed,
  'app.bsky.embed.external': externalEmbed,
  'app.bsky.embed.record': recordEmbed,
  'app.bsky.embed.recordWithMedia': recordWithMediaEmbed,
};
const VIEW_SCHEMAS: Schemas = {
  'app.bsky.embed.images#view': imagesView,
  'app.bsky.embed.video#view': videoView,
  'app.bsky.embed.external#view': externalView,
};

interface Context {
  platformId: string;
  problems: NormalizeProblem[];
}

/** The embed of that `$type` among known schemas, parsed; undefined when absent or unknown. */
function known<T>(value: unknown, schemas: Schemas, ctx: Context, where: string): T | undefined {
  const type = (value as { $type?: unknown } | null)?.$type;
  const schema = typeof type === 'string' && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as T;
  ctx.problems.push({
    platformId: ctx.platformId,
    code: 'bad_payload',
    message: `${where} ${type}: ${describeIssues(parsed.error, 'embed')}`,
  });
  return undefined;
}

type RecordEmbed = z.infer<
  typeof imagesEmbed | typeof videoEmbed | typeof externalEmbed | typeof recordEmbed | typeof recordWithMediaEmbed
>;
type MediaView = z.infer<typeof imagesView | typeof videoView | typeof externalView>;

export function embedParts(
  recordValue: unknown,
  viewValue: unknown,
  platformId: string,
  problems: NormalizeProblem[],
): EmbedParts {
  const ctx = { platformId, problems };
  const record = known<RecordEmbed>(recordValue, RECORD_SCHEMAS, ctx, 'embed');
  const view = viewValue as { $type?: unknown; media?: unknown } | undefined;
  const withMedia = record?.$type === 'app.bsky.embed.recordWithMedia' ? record : undefined;
  const recordMedia = withMedia ? known<RecordEmbed>(withMedia.media, RECORD_SCHEMAS, ctx, 'embed media') : record;
  const viewMedia = known<MediaView>(
    view?.$type === 'app.bsky.embed.recordWithMedia#view' ? view.media : view,
    VIEW_SCHEMAS,
    ctx,
    'embed view',
  );
  const parts: EmbedParts = { media: mediaOf(recordMedia, viewMedia, ctx), urls: [], quoted: null };
  const card = linkCard(recordMedia, viewMedia);
  if (card) parts.urls.push(card);
  const quotedUri = record?.$type === 'app.bsky.embed.record' ? record.record.uri : withMedia?.record.record.uri;
  if (quotedUri && POST_URI.test(quotedUri)) parts.quoted = quotedUri;
  return parts;
}

function linkCard(record: RecordEmbed | undefined, view: MediaView | undefined): string | undefined {
  if (record?.$type === 'app.bsky.embed.external') return record.external.uri;
  if (view?.$type === 'app.bsky.embed.external#view') return view.external.uri;
  return undefined;
}

function mediaOf(record: RecordEmbed | undefined, view: MediaView | undefined, ctx: Context): NormalizedMedia[] {
  const images = view?.$type === 'app.bsky.embed.images#view' ? view.images : undefined;
  const video = view?.$type === 'app.bsky.embed.video#view' ? view : undefined;
  if (record?.$type === 'app.bsky.embed.images') {
    if (!images) missing(ctx, `${record.images.length} image(s)`);
    return record.images.map((img, i) => {
      const shown = images?.[i];
      return photo(img.image.ref.$link, shown?.fullsize ?? null, shown?.thumb ?? null, shown?.alt ?? img.alt, {
        ...img.aspectRatio,
        ...shown?.aspectRatio,
      });
    });
  }
  if (record?.$type === 'app.bsky.embed.video') {
    if (!video) missing(ctx, 'the video');
    return [toVideo(record.video.ref.$link, video, record.alt, record.aspectRatio)];
  }
  if (images) return images.map((img) => photo(img.fullsize, img.fullsize, img.thumb, img.alt, img.aspectRatio));
  if (video) return [toVideo(video.cid, video, video.alt, video.aspectRatio)];
  return [];
}

function missing(ctx: Context, what: string): void {
  ctx.problems.push({
    platformId: ctx.platformId,
    code: 'media_missing',
    message: `the record embeds ${what} but the AppView's view of the post does not show them (kept by blob CID)`,
  });
}

interface Size {
  width?: number;
  height?: number;
}

function photo(key: string, url: string | null, preview: string | null, alt: string | undefined, size?: Size) {
  return media(key, 'photo', url, preview, alt, size, []);
}

function toVideo(key: string, view: z.infer<typeof videoView> | undefined, alt?: string, size?: Size) {
  const type = view?.presentation === 'gif' ? 'animated_gif' : 'video';
  const variants = view ? [{ contentType: 'application/x-mpegURL', url: view.playlist, bitRate: null }] : [];
  return media(key, type, view?.playlist ?? null, view?.thumbnail ?? null, view?.alt ?? alt, size, variants);
}

function media(
  key: string,
  type: string,
  url: string | null,
  previewUrl: string | null,
  alt: string | undefined,
  size: Size | undefined,
  variants: NormalizedMedia['variants'],
): NormalizedMedia {
  return {
    key,
    type,
    url,
    previewUrl,
    // An empty alt is the author's "no description", kept as none.
    altText: alt ? alt : null,
    width: size?.width ?? null,
    height: size?.height ?? null,
    durationMs: null,
    variants,
  };
}
