// The shapes of a Bluesky AppView body that the normalizer reads, as zod
// schemas written from the app.bsky lexicons (feed.defs, feed.post,
// richtext.facet, embed.*). Only what the archive keeps is described; every
// other field passes through untouched (the raw body is kept in its capture).
// A post's `record` is typed "unknown" by the lexicons: it is checked here. Pure.
import { z } from 'zod';

/** A DID as the lexicons' `did` format allows it (did:plc:…, did:web:…). */
export const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;
/** The AT URI of a post record: `at://<did>/app.bsky.feed.post/<rkey>`. */
export const POST_URI = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._:~-]{1,512})$/;
/** The AT URI of a repost record: `at://<did>/app.bsky.feed.repost/<rkey>`. */
export const REPOST_URI = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.repost\/([A-Za-z0-9._:~-]{1,512})$/;

export const REASON_REPOST = 'app.bsky.feed.defs#reasonRepost';
export const REASON_PIN = 'app.bsky.feed.defs#reasonPin';
export const POST_TYPE = 'app.bsky.feed.post';

const did = z.string().regex(DID);
const atUri = z.string().startsWith('at://');
const cid = z.string().min(8);

export const authorSchema = z.object({
  did,
  handle: z.string().min(1),
  displayName: z.string().optional(),
});
export type Author = z.infer<typeof authorSchema>;

const strongRef = z.object({ uri: atUri, cid: z.string() });

/** An `app.bsky.feed.post` record as its author wrote it (facets and embed are read item by item). */
export const recordSchema = z.object({
  $type: z.literal(POST_TYPE).optional(),
  text: z.string(),
  createdAt: z.string(),
  facets: z.array(z.unknown()).optional(),
  reply: z.object({ root: strongRef, parent: strongRef }).optional(),
  embed: z.unknown().optional(),
  langs: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});
export type PostRecord = z.infer<typeof recordSchema>;

/** `app.bsky.feed.defs#postView`. */
export const postViewSchema = z.object({
  uri: z.string().regex(POST_URI),
  cid,
  author: authorSchema,
  record: recordSchema,
  embed: z.unknown().optional(),
  indexedAt: z.string(),
});
export type PostView = z.infer<typeof postViewSchema>;

export const reasonRepostSchema = z.object({
  $type: z.literal(REASON_REPOST),
  by: authorSchema,
  uri: z.string().regex(REPOST_URI).optional(),
  cid: cid.optional(),
  indexedAt: z.string(),
});
export type ReasonRepost = z.infer<typeof reasonRepostSchema>;

/** `app.bsky.feed.defs#feedViewPost`: the post, and why the feed shows it (a repost, a pin). */
export const feedItemSchema = z.object({
  post: z.unknown(),
  reason: z.object({ $type: z.string() }).loose().optional(),
});

/** `app.bsky.richtext.facet`: a byte range of the UTF-8 text and what it stands for. */
export const facetSchema = z.object({
  index: z.object({ byteStart: z.number().int().min(0), byteEnd: z.number().int().min(0) }),
  features: z.array(z.object({ $type: z.string() }).loose()),
});
export type Facet = z.infer<typeof facetSchema>;

export const linkFeature = z.object({ $type: z.literal('app.bsky.richtext.facet#link'), uri: z.string().min(1) });
export const mentionFeature = z.object({ $type: z.literal('app.bsky.richtext.facet#mention'), did });
export const tagFeature = z.object({ $type: z.literal('app.bsky.richtext.facet#tag'), tag: z.string().min(1) });

const aspectRatio = z.object({ width: z.number(), height: z.number() }).optional();

export const imagesView = z.object({
  $type: z.literal('app.bsky.embed.images#view'),
  images: z.array(z.object({ thumb: z.string(), fullsize: z.string(), alt: z.string(), aspectRatio })),
});

export const videoView = z.object({
  $type: z.literal('app.bsky.embed.video#view'),
  cid: z.string(),
  playlist: z.string(),
  thumbnail: z.string().optional(),
  alt: z.string().optional(),
  aspectRatio,
  presentation: z.string().optional(),
});

export const externalView = z.object({
  $type: z.literal('app.bsky.embed.external#view'),
  external: z.object({ uri: z.string(), title: z.string(), description: z.string(), thumb: z.string().optional() }),
});

/** A blob reference in a record (`{$type: blob, ref: {$link: cid}, mimeType, size}`). */
const blob = z.object({ ref: z.object({ $link: z.string() }), mimeType: z.string().optional() }).loose();

/** The record's own embeds: images and video carry the blobs' CIDs, the stable media keys. */
export const imagesEmbed = z.object({
  $type: z.literal('app.bsky.embed.images'),
  images: z.array(z.object({ image: blob, alt: z.string().optional(), aspectRatio })),
});
export const videoEmbed = z.object({
  $type: z.literal('app.bsky.embed.video'),
  video: blob,
  alt: z.string().optional(),
  aspectRatio,
});
export const externalEmbed = z.object({
  $type: z.literal('app.bsky.embed.external'),
  external: z.object({ uri: z.string() }).loose(),
});
export const recordEmbed = z.object({ $type: z.literal('app.bsky.embed.record'), record: strongRef });
export const recordWithMediaEmbed = z.object({
  $type: z.literal('app.bsky.embed.recordWithMedia'),
  record: z.object({ record: strongRef }).loose(),
  media: z.object({ $type: z.string() }).loose(),
});

/** The first three issues of a failed parse, for a problem's message. */
export function describeIssues(error: z.ZodError, what: string): string {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || `(${what})`}: ${i.message}`);
  return issues.join('; ');
}
