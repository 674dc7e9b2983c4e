// The web pages: rendered on the server, readable without JavaScript.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { createAlertsRepository } from '../../adapters/db/alerts-repository.js';
import { createArchiveReadRepository } from '../../adapters/db/archive-read-repository.js';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { InvalidInput, NotFound } from '../../core/errors.js';
import { isRowId, parseAccountRef } from '../../core/ids.js';
import { parseSearchInput, type SearchInput } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import { platformBlocks } from '../../config.js';
import { renderAccountPage, renderAccountsPage } from '../pages/account-pages.js';
import { renderAlertsPage } from '../pages/alerts-page.js';
import { html } from '../pages/html.js';
import { page } from '../pages/layout.js';
import { renderArticlePage, renderPostPage } from '../pages/record-pages.js';
import { renderSearchPage } from '../pages/search-page.js';
import { listRuleViews } from './alert-rule-input.js';
import { articleDetail, postDetail } from './api-read.js';
import { archivedMediaOf } from './media.js';
import { createMediaReads } from '../../adapters/db/media-repository.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

export function publicUrl(deps: AppDeps): string {
  return deps.config.ONRECORD_PUBLIC_URL?.replace(/\/+$/, '') ?? `http://${deps.config.HOST}:${deps.config.PORT}`;
}

export function sendPage(reply: FastifyReply, body: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/** Pages answer errors with a page, not JSON. */
export async function withErrorPage(reply: FastifyReply, render: () => Promise<string>) {
  try {
    return sendPage(reply, await render());
  } catch (err) {
    if (err instanceof NotFound)
      return sendPage(
        reply,
        page(
          'Not found',
          html`<h1>Not found</h1>
            <p>${err.message}</p>`,
        ),
        404,
      );
    if (err instanceof InvalidInput) {
      return sendPage(
        reply,
        page(
          'Bad request',
          html`<h1>Bad request</h1>
            <p class="error">${err.message}</p>`,
        ),
        400,
      );
    }
    throw err;
  }
}

/** Form fields arrive as "x:A, x:B" in one box; the API takes repeated values. */
export function formInput(query: Record<string, string | string[] | undefined>): SearchInput {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const input: SearchInput = {};
  for (const key of ['q', 'platform', 'since', 'until', 'cited', 'edited', 'deleted', 'lang', 'cursor'] as const) {
    const value = first(query[key])?.trim();
    if (value) input[key] = value;
  }
  const accounts = [query.account ?? []]
    .flat()
    .flatMap((a) => a.split(/[\s,]+/))
    .filter(Boolean);
  if (accounts.length) input.account = accounts;
  // One actor per value: a name may hold spaces and commas.
  const actors = [query.actor ?? []]
    .flat()
    .map((a) => a.trim())
    .filter(Boolean);
  if (actors.length) input.actor = actors;
  return input;
}

export function registerPages(app: FastifyInstance, deps: AppDeps): void {
  // Unknown paths: a page for people, JSON for the API and feeds.
  app.setNotFoundHandler(async (request, reply) => {
    if (/^\/(api|feeds|metrics|healthz)\b/.test(request.url)) {
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
    }
    return sendPage(
      reply,
      page(
        'Not found',
        html`<h1>Not found</h1>
          <p>There is no page at this address.</p>`,
      ),
      404,
    );
  });

  const search = createTimedSearchRepository(deps.db.prisma, deps.config.ONRECORD_SEARCH_TIMEOUT);
  const read = createArchiveReadRepository(deps.db.prisma);
  const mediaRepo = createMediaReads(deps.db.prisma);
  const blocks = platformBlocks(deps.config);
  const alerts = createAlertsRepository(deps.db.prisma);
  const actors = createActorsRepository(deps.db.prisma);
  const hide = { schema: { hide: true } };

  app.get<{ Querystring: Record<string, string | string[]> }>('/', hide, async (request, reply) => {
    const input = formInput(request.query);
    let request_;
    try {
      request_ = parseSearchInput(input);
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      return sendPage(reply, renderSearchPage(input, { error: err.message }), 400);
    }
    return sendPage(reply, renderSearchPage(input, await search.search(request_, { headline: true })));
  });

  app.get('/accounts', hide, async (_request, reply) =>
    sendPage(reply, renderAccountsPage(await read.listAccounts(), deps.clock.now(), blocks)),
  );

  app.get<{ Params: { platform: string; handle: string }; Querystring: { cursor?: string } }>(
    '/accounts/:platform/:handle',
    hide,
    async (request, reply) =>
      withErrorPage(reply, async () => {
        const ref = parseAccountRef(`${request.params.platform}:${request.params.handle}`);
        const account = await read.findAccount(ref.platform, ref.handle);
        if (!account) throw new NotFound(`no watched account ${ref.platform}:${ref.handle}`);
        const [perDay, actorNames, timeline] = await Promise.all([
          read.postsPerDay(account.id),
          actors.namesOfAccount(account.id),
          search.search(
            parseSearchInput({
              account: `${account.platform}:${account.handle}`,
              cursor: request.query.cursor,
              limit: 30,
            }),
          ),
        ]);
        const block = blocks.get(account.platform);
        const isFirstPage = !request.query.cursor;
        const now = deps.clock.now();
        return renderAccountPage({ account, perDay, timeline, now, block, isFirstPage, actors: actorNames });
      }),
  );

  app.get<{ Params: { platform: string; id: string } }>('/posts/:platform/:id', hide, async (request, reply) =>
    withErrorPage(reply, async () => {
      const detail = await postDetail(read, request.params.platform, request.params.id);
      const media = await archivedMediaOf(mediaRepo, { platform: detail.post.platform, platformId: detail.post.id });
      return renderPostPage({ ...detail, media });
    }),
  );

  app.get<{ Params: { id: string } }>('/articles/:id', hide, async (request, reply) =>
    withErrorPage(reply, async () => {
      const id = Number(request.params.id);
      if (!/^\d+$/.test(request.params.id) || !isRowId(id)) throw new NotFound(`no article ${request.params.id}`);
      return renderArticlePage(await articleDetail(read, id));
    }),
  );

  app.get('/alerts', hide, async (_request, reply) =>
    sendPage(reply, renderAlertsPage(await listRuleViews(alerts), publicUrl(deps))),
  );
}
