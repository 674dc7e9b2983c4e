// The write side of the API (bearer token required, see access.ts): adding
// articles, and managing alert rules. GET /api/alerts is a read.
import type { FastifyInstance } from 'fastify';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { createAlertsRepository } from '../../adapters/db/alerts-repository.js';
import { SourceUnavailable } from '../../core/errors.js';
import { rowIdParamsSchema } from '../schemas.js';
import type { AddArticleInput, AddArticleResult } from '../../jobs/link-article.js';
import type { AppDeps } from '../app.js';
import { alertRuleView } from '../../core/alert-rule-view.js';
import {
  alertRuleBodySchema,
  alertRuleViewSchema,
  listRuleViews,
  parseAlertRuleBody,
  type AlertRuleBody,
} from './alert-rule-input.js';

export interface WriteDeps {
  articles?: { add(input: AddArticleInput): Promise<AddArticleResult> };
}

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' } };
const security = [{ bearer: [] }];

export function registerWriteApi(app: FastifyInstance, deps: AppDeps): void {
  const alerts = createAlertsRepository(deps.db.prisma);
  const actors = createActorsRepository(deps.db.prisma);

  app.post<{ Body: AddArticleInput }>(
    '/api/articles',
    {
      // The page is evidence: kept exactly (the job stores storable text beside it).
      config: { keepsRawBody: true },
      schema: {
        summary: 'Add an article (a URL to fetch, or the page itself) and link the posts it cites',
        tags: ['articles'],
        security,
        body: {
          type: 'object',
          required: ['source'],
          additionalProperties: false,
          properties: {
            source: { type: 'string', description: 'a URL, or the HTML or text of the article' },
            url: { type: 'string' },
            title: { type: 'string' },
            publishedAt: { type: 'string' },
          },
        },
        response: { ...errors },
      },
    },
    async (request, reply) => {
      if (!deps.articles) throw new SourceUnavailable('adding articles is not available on this server');
      const result = await deps.articles.add(request.body);
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/alerts',
    {
      schema: {
        summary: 'Alert rules (targets masked, secrets never shown)',
        tags: ['alerts'],
        response: { 200: { type: 'object', properties: { rules: { type: 'array', items: alertRuleViewSchema } } } },
      },
    },
    async () => ({ rules: await listRuleViews(alerts) }),
  );

  app.post<{ Body: AlertRuleBody }>(
    '/api/alerts',
    {
      schema: {
        summary: 'Add an alert rule',
        tags: ['alerts'],
        security,
        body: alertRuleBodySchema,
        response: { 201: alertRuleViewSchema, ...errors },
      },
    },
    async (request, reply) => {
      const parsed = parseAlertRuleBody(request.body);
      const rule = await alerts.addRule({ ...parsed, actors: await actors.requireNames(parsed.actors ?? []) });
      return reply.code(201).send(alertRuleView(rule));
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/alerts/:id',
    {
      schema: {
        summary: 'Remove an alert rule and its deliveries',
        tags: ['alerts'],
        security,
        params: rowIdParamsSchema,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      await alerts.removeRule(request.params.id);
      return reply.code(204).send();
    },
  );
}
