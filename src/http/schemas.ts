// JSON schemas of the API: they validate requests, shape responses and make
// the OpenAPI document. The post shape mirrors core/post-view.ts.

import { MAX_ROW_ID } from '../core/ids.js';

const nullableString = { type: ['string', 'null'] } as const;
const anyJson = {} as const;

export const postSchema = {
  $id: 'Post',
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the first ID of the edit chain' },
    platform: { type: 'string' },
    account: { ...nullableString, description: 'platform:handle' },
    text: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    url: { type: 'string' },
    lang: nullableString,
    status: { type: 'string', enum: ['available', 'deleted', 'unavailable', 'suspended', 'withheld'] },
    edited: { type: 'boolean' },
    editIds: { type: 'array', items: { type: 'string' } },
    urls: { type: 'array', items: { type: 'string' } },
    mentions: { type: 'array', items: { type: 'string' } },
    hashtags: { type: 'array', items: { type: 'string' } },
    cashtags: { type: 'array', items: { type: 'string' } },
    media: anyJson,
    mediaKeys: { type: 'array', items: { type: 'string' }, description: 'every media key, with details or not' },
    referencedPosts: anyJson,
    repostOf: { ...nullableString, description: 'for a repost: the ID of the post it reposts' },
    withheld: { ...anyJson, description: '{ copyright, countryCodes, scope } where X withholds the post, or null' },
    poll: { ...anyJson, description: '{ id, options: [{ position, label, votes }], votingStatus, ... } as captured' },
    geo: { ...anyJson, description: '{ placeId, coordinates: [lon, lat] | null, place } or null' },
    conversationId: nullableString,
    inReplyToUserId: nullableString,
    firstSeenAt: { type: 'string', format: 'date-time' },
    firstSeenBy: { type: 'string' },
    statusChangedAt: nullableString,
    score: { type: 'number', description: 'relevance (search results only)' },
    cited: { type: 'boolean', description: 'cited by at least one article (search results only)' },
    citations: { type: 'integer', description: 'how many articles cite the post (search results only)' },
  },
  required: ['id', 'platform', 'account', 'text', 'createdAt', 'url', 'status'],
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

export const searchQuerySchema = {
  type: 'object',
  properties: {
    q: { type: 'string', description: 'words: "a phrase", OR, -excluded' },
    account: {
      type: 'array',
      items: { type: 'string' },
      description: 'platform:handle (repeat for several)',
    },
    actor: {
      type: 'array',
      items: { type: 'string' },
      description: 'an actor name: posts of any of its channels (repeat for several; adds to account)',
    },
    platform: { type: 'string', description: 'a platform name (x, ...): only its posts' },
    since: { type: 'string', description: 'first UTC day, YYYY-MM-DD (inclusive)' },
    until: { type: 'string', description: 'last UTC day, YYYY-MM-DD (inclusive)' },
    cited: { type: 'string', enum: ['true', 'false'] },
    edited: { type: 'string', enum: ['true', 'false'] },
    deleted: { type: 'string', enum: ['true', 'false'] },
    lang: { type: 'string' },
    cursor: { type: 'string', description: 'the `next` of the previous page' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
  },
} as const;

export const versionSchema = {
  type: 'object',
  properties: {
    versionId: { type: 'string' },
    text: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    capturedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const articleSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url: nullableString,
    title: nullableString,
    siteName: nullableString,
    publishedAt: nullableString,
  },
} as const;

export const citationSchema = {
  type: 'object',
  properties: {
    article: articleSummarySchema,
    kind: { type: 'string' },
    confidence: { type: 'number' },
    witnessedText: nullableString,
    differsFromArchive: { type: 'boolean' },
  },
} as const;

export const accountSchema = {
  type: 'object',
  properties: {
    account: { type: 'string' },
    platform: { type: 'string' },
    handle: { type: 'string' },
    displayName: nullableString,
    status: { type: 'string' },
    posts: { type: 'integer' },
    lastPostAt: nullableString,
    lastSuccessAt: nullableString,
    lastError: nullableString,
    freshness: {
      type: 'object',
      properties: {
        state: { type: 'string' },
        reason: nullableString,
        silentForMs: { type: ['number', 'null'] },
        usualGapMs: { type: ['number', 'null'] },
        code: { type: 'string', description: 'why polling stopped (missing_credentials, rate_limited, ...)' },
        until: { type: 'string', format: 'date-time', description: 'when a pause ends' },
      },
    },
  },
} as const;

export const referenceSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    confidence: { type: 'number' },
    status: { type: 'string' },
    citedPlatformId: nullableString,
    citedHandle: nullableString,
    witnessedText: nullableString,
    differsFromArchive: { type: 'boolean' },
    post: { anyOf: [{ $ref: 'Post#' }, { type: 'null' }] },
  },
} as const;

export const articleSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    key: { type: 'string' },
    url: nullableString,
    canonicalUrl: nullableString,
    title: nullableString,
    byline: nullableString,
    siteName: nullableString,
    publishedAt: nullableString,
    text: { type: 'string' },
    references: { type: 'array', items: referenceSchema },
  },
} as const;

/** Route params of one row by id: beyond int4 it names no row, and is refused as input (400). */
export const rowIdParamsSchema = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ROW_ID } },
  required: ['id'],
} as const;
