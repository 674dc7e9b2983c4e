// The HTTP application: JSON API, OpenAPI document and docs page, web pages,
// feeds, health and metrics. A factory with no listen and no signals: the
// service part (server.ts) listens, tests use app.inject().
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import type { Database } from '../adapters/db/database.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import { accessHook } from './access.js';
import { errorHandler } from './errors.js';
import { storableInputHook } from './storable-input.js';
import { errorSchema, postSchema } from './schemas.js';
import { registerReadApi } from './routes/api-read.js';
import { registerWriteApi, type WriteDeps } from './routes/api-write.js';
import { publicUrl, registerPages } from './routes/pages.js';
import { openapiOptions } from './openapi.js';
import { registerAssets } from './routes/assets.js';
import { registerFeeds } from './routes/feeds.js';
import { registerHealth } from './routes/health.js';
import { registerMetrics } from './routes/metrics.js';
import { registerLogApi } from './routes/log.js';
import { registerEventStream, type LiveOptions } from './routes/events.js';
import { registerLivePosts } from './routes/live-posts.js';
import { registerMediaRoute } from './routes/media.js';
import type { MediaStore } from '../ports/media.js';
import { mediaStoreFromConfig } from '../service/media-part.js';
import { registerActors } from './routes/actors.js';
import { registerXWebhook } from './routes/x-webhook.js';
import type { ServedWebhookLink } from '../jobs/webhook-intake.js';

export interface AppDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** What POST /api/articles needs; absent: the route answers 503. */
  articles?: WriteDeps['articles'];
  /** Tuning of /api/events (tests shorten the keep-alive and the buffer). */
  live?: LiveOptions;
  /** The media store /media/:sha256 reads (default: the one the configuration names). */
  media?: MediaStore;
  /** Serves the X Activity API webhook (when the configuration asks for it) and shares it with the stream job. */
  xWebhook?: ServedWebhookLink;
}

/**
 * Headers on every answer (pages, the docs page, feeds, JSON): nosniff, a
 * Content-Security-Policy that allows only this origin's scripts (the pages
 * and the offline Swagger UI load theirs from /assets and /api/docs) and
 * forbids framing. No HSTS and no upgrade-insecure-requests: the service is
 * often reached over plain HTTP on a private address, and TLS belongs to the
 * proxy in front of it.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      mediaSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
    },
  },
  frameguard: { action: 'deny' as const },
  hsts: false,
};

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
  await app.register(helmet, SECURITY_HEADERS);
  app.addSchema(postSchema);
  app.addSchema(errorSchema);
  await app.register(swagger, openapiOptions(publicUrl(deps)));
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.addHook(
    'onRequest',
    accessHook({ token: deps.config.ONRECORD_API_TOKEN, readAccess: deps.config.ONRECORD_READ_ACCESS }),
  );
  app.addHook('preValidation', storableInputHook);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerReadApi(app, deps);
  registerWriteApi(app, deps);
  registerPages(app, deps);
  registerAssets(app);
  registerFeeds(app, deps);
  registerHealth(app, deps);
  registerMetrics(app, deps);
  const media = deps.media ?? mediaStoreFromConfig(deps.config);
  if (!deps.media) app.addHook('onClose', () => media.close());
  registerLogApi(app, { ...deps, media });
  registerEventStream(app, deps);
  registerLivePosts(app, deps);
  registerMediaRoute(app, { ...deps, media });
  registerActors(app, deps);
  registerXWebhook(app, deps);
  return app;
}
