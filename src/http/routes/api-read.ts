// The read side of the API: posts (search and one post), accounts, articles.
import type { FastifyInstance } from 'fastify';
import { createArchiveReadRepository, type AccountSummary } from '../../adapters/db/archive-read-repository.js';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { NotFound } from '../../core/errors.js';
import { assessFreshness } from '../../core/freshness.js';
import type { PlatformBlock } from '../../core/account-hold.js';
import { platformBlocks } from '../../config.js';
import { formatAccountRef, parsePostRef } from '../../core/ids.js';
import { toPostView } from '../../core/post-view.js';
import { parseSearchInput, toSearchHit, type SearchInput } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import {
  accountSchema,
  articleSchema,
  citationSchema,
  rowIdParamsSchema,
  searchQuerySchema,
  versionSchema,
} from '../schemas.js';

const errors = { 400: { $ref: 'Error#' }, 404: { $ref: 'Error#' } };

/** An account as the API and health show it; `blocks` are the platforms this process cannot poll. */
export function accountView(a: AccountSummary, now: Date, blocks: ReadonlyMap<string, PlatformBlock>) {
  return {
    account: formatAccountRef(a.platform, a.handle),
    platform: a.platform,
    handle: a.handle,
    displayName: a.displayName,
    status: a.status,
    posts: a.postCount,
    lastPostAt: a.lastPostAt?.toISOString() ?? null,
    lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
    lastError: a.lastError,
    freshness: assessFreshness(a, now, blocks.get(a.platform)),
  };
}

export function registerReadApi(app: FastifyInstance, deps: AppDeps): void {
  const search = createTimedSearchRepository(deps.db.prisma, deps.config.ONRECORD_SEARCH_TIMEOUT);
  const read = createArchiveReadRepository(deps.db.prisma);
  const blocks = platformBlocks(deps.config);

  app.get<{ Querystring: SearchInput }>(
    '/api/posts',
    {
      schema: {
        summary: 'Search posts (best first; without q, newest first)',
        tags: ['posts'],
        querystring: searchQuerySchema,
        response: {
          200: {
            type: 'object',
            properties: {
              posts: { type: 'array', items: { $ref: 'Post#' } },
              next: { type: ['string', 'null'], description: 'cursor of the next page, null on the last' },
              mode: {
                type: 'string',
                enum: ['fulltext', 'recent', 'similar'],
                description: 'similar: nothing contains the words, these are near-misses (trigrams)',
              },
            },
            required: ['posts', 'next'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const page = await search.search(parseSearchInput(request.query));
      return { posts: page.rows.map(toSearchHit), next: page.next, mode: page.mode };
    },
  );

  app.get<{ Params: { platform: string; id: string } }>(
    '/api/posts/:platform/:id',
    {
      schema: {
        summary: 'One post (by any ID of its edit chain), with its versions and the articles citing it',
        tags: ['posts'],
        params: { type: 'object', properties: { platform: { type: 'string' }, id: { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            properties: {
              post: { $ref: 'Post#' },
              versions: { type: 'array', items: versionSchema },
              citations: { type: 'array', items: citationSchema },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => postDetail(read, request.params.platform, request.params.id),
  );

  app.get<{ Querystring: { q?: string } }>(
    '/api/accounts',
    {
      schema: {
        summary: 'Watched accounts with their activity and freshness (q: handles like it, by trigrams)',
        tags: ['accounts'],
        querystring: { type: 'object', properties: { q: { type: 'string' } } },
        response: {
          200: { type: 'object', properties: { accounts: { type: 'array', items: accountSchema } } },
        },
      },
    },
    async (request) => {
      const accounts = await read.listAccounts();
      const q = request.query.q?.trim();
      const now = deps.clock.now();
      if (!q) return { accounts: accounts.map((a) => accountView(a, now, blocks)) };
      const similar = await search.similarAccounts(q, 50);
      const byId = new Map(accounts.map((a) => [a.id, a]));
      return { accounts: similar.flatMap((s) => (byId.has(s.id) ? [accountView(byId.get(s.id)!, now, blocks)] : [])) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/articles/:id',
    {
      schema: {
        summary: 'One article with its references to posts',
        tags: ['articles'],
        params: rowIdParamsSchema,
        response: { 200: articleSchema, ...errors },
      },
    },
    async (request) => articleDetail(read, request.params.id),
  );
}

export async function postDetail(read: ReturnType<typeof createArchiveReadRepository>, platform: string, id: string) {
  const ref = parsePostRef(`${platform}:${id}`);
  const post = await read.findPost(ref.platform, ref.id);
  if (!post) throw new NotFound(`no archived post ${ref.platform}:${ref.id}`);
  return {
    post: toPostView(post),
    versions: post.versions.map((v) => ({
      versionId: v.versionId,
      text: v.text,
      createdAt: v.createdAt.toISOString(),
      capturedAt: v.capturedAt.toISOString(),
    })),
    citations: post.references.map((r) => ({
      article: { ...r.article, publishedAt: r.article.publishedAt?.toISOString() ?? null },
      kind: r.kind,
      confidence: r.confidence,
      witnessedText: r.witnessedText,
      differsFromArchive: r.differsFromArchive,
    })),
  };
}

export async function articleDetail(read: ReturnType<typeof createArchiveReadRepository>, id: number) {
  const article = await read.findArticle(id);
  if (!article) throw new NotFound(`no article ${id}`);
  return {
    ...article,
    publishedAt: article.publishedAt?.toISOString() ?? null,
    references: article.references.map((r) => ({
      kind: r.kind,
      confidence: r.confidence,
      status: r.status,
      citedPlatformId: r.citedPlatformId,
      citedHandle: r.citedHandle,
      witnessedText: r.witnessedText,
      differsFromArchive: r.differsFromArchive,
      post: r.post ? toPostView(r.post) : null,
    })),
  };
}
