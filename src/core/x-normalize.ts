// Turns a parsed X API v2 body (a user timeline page or a lookup by IDs) into
// normalized posts. Pure: no I/O, no clock. The shape is checked per post, so
// one malformed post is reported as a problem and never drops the others.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { compareIds, snowflakeTime } from './ids.js';

export interface NormalizedMedia {
  key: string;
  type: string;
  url: string | null;
  previewUrl: string | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  variants: { contentType: string | null; url: string; bitRate: number | null }[];
}

export interface ReferencedPost {
  type: string;
  id: string;
}

/** One version of one post, as the archive stores it. */
export interface NormalizedPost {
  platform: 'x';
  /** The natural key: the first ID of the edit chain. */
  platformId: string;
  /** This version's own ID. */
  versionId: string;
  /** The whole edit chain known from this version, oldest first. */
  editIds: string[];
  /** The full text (note_tweet when the post is long). */
  text: string;
  lang: string | null;
  /** When this version was posted. */
  versionCreatedAt: Date;
  /** When the post (the first version of the chain) was posted. */
  createdAt: Date;
  authorId: string | null;
  authorHandle: string | null;
  conversationId: string | null;
  inReplyToUserId: string | null;
  referencedPosts: ReferencedPost[];
  urls: string[];
  mentions: string[];
  hashtags: string[];
  media: NormalizedMedia[];
  /** sha256 over the normalized content of this version (see contentOf). */
  contentSha256: string;
}

export interface NormalizeProblem {
  platformId?: string;
  code: 'bad_payload';
  message: string;
}

export const PARTIAL_ERROR_KINDS = ['not_found', 'suspended', 'not_authorized', 'other'] as const;
export type PartialErrorKind = (typeof PARTIAL_ERROR_KINDS)[number];

/** An entry of the body's `errors` array (HTTP 200 partial errors). */
export interface PartialError {
  kind: PartialErrorKind;
  resourceType: string | null;
  resourceId: string | null;
  detail: string;
}

export interface NormalizedBody {
  posts: NormalizedPost[];
  problems: NormalizeProblem[];
  errors: PartialError[];
}

const id = z.string().regex(/^\d{1,19}$/);
const entityUrl = z.object({
  url: z.string().optional(),
  expanded_url: z.string().optional(),
  unwound_url: z.string().optional(),
  media_key: z.string().optional(),
});
const entities = z
  .object({
    urls: z.array(entityUrl).optional(),
    mentions: z.array(z.object({ username: z.string() })).optional(),
    hashtags: z.array(z.object({ tag: z.string() })).optional(),
  })
  .optional();
const note = z.object({ text: z.string(), entities }).optional();

const tweetSchema = z.object({
  id,
  text: z.string(),
  edit_history_tweet_ids: z.array(id).min(1).optional(),
  edit_history_post_ids: z.array(id).min(1).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  author_id: id.optional(),
  conversation_id: id.optional(),
  in_reply_to_user_id: id.optional(),
  lang: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id })).optional(),
  referenced_posts: z.array(z.object({ type: z.string(), id })).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
  entities,
  note_tweet: note,
  note_post: note,
});
type Tweet = z.infer<typeof tweetSchema>;

const mediaSchema = z.object({
  media_key: z.string(),
  type: z.string(),
  url: z.string().optional(),
  preview_image_url: z.string().optional(),
  alt_text: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration_ms: z.number().optional(),
  variants: z
    .array(z.object({ url: z.string(), content_type: z.string().optional(), bit_rate: z.number().optional() }))
    .optional(),
});
const userSchema = z.object({ id, username: z.string() });
const errorSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  resource_type: z.string().optional(),
  resource_id: z.string().optional(),
  value: z.unknown().optional(),
});

interface Includes {
  media: Map<string, NormalizedMedia>;
  users: Map<string, string>;
  /** Included posts by ID, unparsed (only earlier versions of edited posts are read from them). */
  tweets: Map<string, unknown>;
}

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
    if (parsed.success) out.posts.push(normalizeTweet(parsed.data, includes));
    else out.problems.push(problemFor(item, parsed.error));
  }
  out.posts.push(...earlierVersions(out.posts, includes, out.problems));
  return out;
}

/**
 * Earlier versions of edited posts, which X sends in includes.tweets when the
 * edit_history_tweet_ids expansion is asked for: a post first seen after it was
 * edited still gets every version's text.
 */
function earlierVersions(posts: NormalizedPost[], includes: Includes, problems: NormalizeProblem[]): NormalizedPost[] {
  const seen = new Set(posts.map((p) => p.versionId));
  const found: NormalizedPost[] = [];
  for (const id of posts.flatMap((p) => p.editIds)) {
    const raw = includes.tweets.get(id);
    if (raw === undefined || seen.has(id)) continue;
    seen.add(id);
    const parsed = tweetSchema.safeParse(raw);
    if (parsed.success) found.push(normalizeTweet(parsed.data, includes));
    else problems.push(problemFor(raw, parsed.error));
  }
  return found;
}

function problemFor(item: unknown, error: z.ZodError): NormalizeProblem {
  const raw = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined;
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(post)'}: ${i.message}`);
  return {
    ...(typeof raw === 'string' || typeof raw === 'number' ? { platformId: String(raw) } : {}),
    code: 'bad_payload',
    message: `malformed post: ${issues.join('; ')}`,
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function readIncludes(value: unknown, problems: NormalizeProblem[]): Includes {
  const includes: Includes = { media: new Map(), users: new Map(), tweets: new Map() };
  if (typeof value !== 'object' || value === null) return includes;
  const { media, users, tweets } = value as { media?: unknown; users?: unknown; tweets?: unknown };
  for (const item of Array.isArray(tweets) ? tweets : []) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id === 'string') includes.tweets.set(id, item);
  }
  for (const item of Array.isArray(media) ? media : []) {
    const m = mediaSchema.safeParse(item);
    if (m.success) includes.media.set(m.data.media_key, toMedia(m.data));
    else problems.push({ code: 'bad_payload', message: 'malformed includes.media entry' });
  }
  for (const item of Array.isArray(users) ? users : []) {
    const u = userSchema.safeParse(item);
    if (u.success) includes.users.set(u.data.id, u.data.username);
  }
  return includes;
}

function toMedia(m: z.infer<typeof mediaSchema>): NormalizedMedia {
  return {
    key: m.media_key,
    type: m.type,
    url: m.url ?? null,
    previewUrl: m.preview_image_url ?? null,
    altText: m.alt_text ?? null,
    width: m.width ?? null,
    height: m.height ?? null,
    durationMs: m.duration_ms ?? null,
    variants: (m.variants ?? []).map((v) => ({
      contentType: v.content_type ?? null,
      url: v.url,
      bitRate: v.bit_rate ?? null,
    })),
  };
}

function readErrors(value: unknown, problems: NormalizeProblem[]): PartialError[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ code: 'bad_payload', message: 'errors is not an array' });
    return [];
  }
  return value.flatMap((item) => {
    const e = errorSchema.safeParse(item);
    if (!e.success) return [];
    const resourceId = e.data.resource_id ?? (typeof e.data.value === 'string' ? e.data.value : null);
    return [
      {
        kind: errorKind(e.data),
        resourceType: e.data.resource_type ?? null,
        resourceId,
        detail: e.data.detail ?? e.data.title ?? 'unknown error',
      },
    ];
  });
}

/** Problem type hosts vary (api.twitter.com, api.x.com): match on the suffix. */
function errorKind(e: z.infer<typeof errorSchema>): PartialErrorKind {
  const type = e.type ?? '';
  if (/suspended/i.test(e.detail ?? '')) return 'suspended';
  if (type.endsWith('/problems/resource-not-found')) return 'not_found';
  if (type.endsWith('/problems/not-authorized-for-resource')) return 'not_authorized';
  return 'other';
}

function normalizeTweet(t: Tweet, includes: Includes): NormalizedPost {
  const editIds = editChain(t);
  const platformId = editIds[0]!;
  const longNote = t.note_tweet ?? t.note_post;
  const text = longNote?.text ?? t.text;
  const ents = longNote ? (longNote.entities ?? t.entities) : t.entities;
  const versionCreatedAt = t.created_at ? new Date(t.created_at) : secondsOf(snowflakeTime(t.id));
  const createdAt = platformId === t.id ? versionCreatedAt : (secondsOf(snowflakeTime(platformId)) ?? versionCreatedAt);
  const mediaKeys = t.attachments?.media_keys ?? [];
  const content = {
    text,
    lang: t.lang ?? null,
    conversationId: t.conversation_id ?? null,
    inReplyToUserId: t.in_reply_to_user_id ?? null,
    referencedPosts: (t.referenced_tweets ?? t.referenced_posts ?? []).map((r) => ({ type: r.type, id: r.id })),
    urls: unique(expandedUrls(ents?.urls ?? [], t.id)),
    mentions: unique((ents?.mentions ?? []).map((m) => m.username)),
    hashtags: unique((ents?.hashtags ?? []).map((h) => h.tag)),
    media: mediaKeys.flatMap((key) => {
      const m = includes.media.get(key);
      return m ? [m] : [];
    }),
  };
  return {
    platform: 'x',
    platformId,
    versionId: t.id,
    editIds,
    versionCreatedAt: versionCreatedAt ?? new Date(0),
    createdAt: createdAt ?? new Date(0),
    authorId: t.author_id ?? null,
    authorHandle: t.author_id ? (includes.users.get(t.author_id) ?? null) : null,
    ...content,
    contentSha256: contentSha256(content),
  };
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

/** Expanded link targets, without the t.co links X adds for the post's own media. */
function expandedUrls(urls: z.infer<typeof entityUrl>[], ownId: string): string[] {
  const selfMedia = new RegExp(`^https?://(?:www\\.)?(?:x|twitter)\\.com/[^/]+/status/${ownId}/(?:photo|video)/\\d+`);
  return urls.flatMap((u) => {
    if (u.media_key) return [];
    const target = u.unwound_url ?? u.expanded_url ?? u.url;
    if (!target || selfMedia.test(target)) return [];
    return [target];
  });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/**
 * The content a version's sha256 covers: what the post says and shows, not
 * counters (metrics change without the post changing).
 */
export function contentSha256(content: Record<string, unknown>): string {
  return createHash('sha256').update(stableJson(content)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
