// The HTTP application: JSON API, OpenAPI document and docs page, web pages,
// feeds, health and metrics. A factory with no listen and no signals: the
// service part (server.ts) listens, tests use app.inject().
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import type { Database } from '../adapters/db/database.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import { accessHook } from './access.js';
import { errorHandler } from './errors.js';
import { errorSchema, postSchema } from './schemas.js';
import { registerReadApi } from './routes/api-read.js';
import { registerWriteApi, type WriteDeps } from './routes/api-write.js';
import { publicUrl, registerPages } from './routes/pages.js';
import { openapiOptions } from './openapi.js';
import { registerAssets } from './routes/assets.js';
import { registerFeeds } from './routes/feeds.js';
import { registerHealth } from './routes/health.js';
import { registerMetrics } from './routes/metrics.js';

export interface AppDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** What POST /api/articles needs; absent: the route answers 503. */
  articles?: WriteDeps['articles'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    // Fastify's own request logs are two multi-field lines per request at info: one line at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  app.setErrorHandler(errorHandler);
  app.addSchema(postSchema);
  app.addSchema(errorSchema);
  await app.register(swagger, openapiOptions(publicUrl(deps)));
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.addHook(
    'onRequest',
    accessHook({ token: deps.config.ONRECORD_API_TOKEN, readAccess: deps.config.ONRECORD_READ_ACCESS }),
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerReadApi(app, deps);
  registerWriteApi(app, deps);
  registerPages(app, deps);
  registerAssets(app);
  registerFeeds(app, deps);
  registerHealth(app, deps);
  registerMetrics(app, deps);
  return app;
}
