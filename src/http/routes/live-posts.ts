// GET /live/posts: the cards of new posts that match a page's filters, as
// list items (what the live script puts at the top of a search or account
// page). The filters are the search form's; `post` names the new posts.
import type { FastifyInstance } from 'fastify';
import { createSearchRepository } from '../../adapters/db/search-repository.js';
import { InvalidInput } from '../../core/errors.js';
import { parsePostRef } from '../../core/ids.js';
import { parseFilters } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import { renderLiveCards } from '../pages/live-posts.js';
import { formInput } from './pages.js';

/** The most posts one request may name (a burst is fetched in several). */
const MAX_POSTS = 50;

export function registerLivePosts(app: FastifyInstance, deps: AppDeps): void {
  const search = createSearchRepository(deps.db.prisma);
  app.get<{ Querystring: Record<string, string | string[]> }>(
    '/live/posts',
    { schema: { hide: true } },
    async (request, reply) => {
      const refs = [request.query.post ?? []].flat().map(parsePostRef);
      if (refs.length > MAX_POSTS) throw new InvalidInput(`at most ${MAX_POSTS} "post" parameters, got ${refs.length}`);
      const filters = parseFilters(formInput(request.query));
      const rows = await search.among(filters, refs, { headline: true });
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(renderLiveCards(rows));
    },
  );
}
