// Actors over HTTP: the API (`GET /api/actors`, `GET /api/actors/:name`) and
// the pages (`/actors`, `/actors/:name`: its channels and the posts of all of
// them). Their feeds are in feeds.ts, their search filter (`actor=`) in the
// search API and page.
import type { FastifyInstance } from 'fastify';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { actorView, parseActorName } from '../../core/actors.js';
import { parseSearchInput } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import { renderActorPage, renderActorsPage } from '../pages/actor-pages.js';
import { sendPage, withErrorPage } from './pages.js';

const errors = { 400: { $ref: 'Error#' }, 404: { $ref: 'Error#' } };

export const actorSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    channels: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          account: { type: 'string', description: 'platform:handle' },
          platform: { type: 'string' },
          handle: { type: 'string' },
          displayName: { type: ['string', 'null'] },
          status: { type: 'string' },
        },
        required: ['account', 'platform', 'handle', 'status'],
      },
    },
  },
  required: ['name', 'createdAt', 'channels'],
} as const;

export function registerActors(app: FastifyInstance, deps: AppDeps): void {
  const actors = createActorsRepository(deps.db.prisma);
  const search = createTimedSearchRepository(deps.db.prisma, deps.config.ONRECORD_SEARCH_TIMEOUT);
  const hide = { schema: { hide: true } };

  app.get(
    '/api/actors',
    {
      schema: {
        summary: 'Actors: people and offices with several channels (accounts on any platform)',
        tags: ['actors'],
        response: { 200: { type: 'object', properties: { actors: { type: 'array', items: actorSchema } } } },
      },
    },
    async () => ({ actors: (await actors.list()).map(actorView) }),
  );

  app.get<{ Params: { name: string } }>(
    '/api/actors/:name',
    {
      schema: {
        summary: 'One actor with its channels (the name in any case)',
        tags: ['actors'],
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        response: { 200: actorSchema, ...errors },
      },
    },
    async (request) => actorView(await actors.get(parseActorName(request.params.name))),
  );

  app.get('/actors', hide, async (_request, reply) =>
    sendPage(reply, renderActorsPage((await actors.list()).map(actorView))),
  );

  app.get<{ Params: { name: string }; Querystring: { cursor?: string } }>(
    '/actors/:name',
    hide,
    async (request, reply) =>
      withErrorPage(reply, async () => {
        const actor = actorView(await actors.get(parseActorName(request.params.name)));
        const timeline = await search.search(
          parseSearchInput({ actor: actor.name, cursor: request.query.cursor, limit: 30 }),
        );
        return renderActorPage({ actor, timeline, isFirstPage: !request.query.cursor });
      }),
  );
}
