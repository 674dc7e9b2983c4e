// /healthz: is the database reachable, and is every account still being
// archived? 503 when the database is down, an account is failing or its
// platform is blocked (credentials missing: a human must act); silent or
// rate-limited (paused until a reset) accounts make the service "degraded"
// but still 200, as does a pushed stream that is reconnecting (polling covers
// for it). Each stream's state, lag and the accounts it cannot carry are
// listed, with the resources read from X today (what X bills).
// Database errors show a stable code, never the driver's text.
import type { FastifyInstance } from 'fastify';
import { createArchiveReadRepository } from '../../adapters/db/archive-read-repository.js';
import { createStreamsRepository } from '../../adapters/db/streams-repository.js';
import { configuredStreams, platformBlocks } from '../../config.js';
import { publicErrorSummary } from '../../core/errors.js';
import type { AppDeps } from '../app.js';
import { accountView } from './api-read.js';

export function registerHealth(app: FastifyInstance, deps: AppDeps): void {
  const read = createArchiveReadRepository(deps.db.prisma);
  const streamsRepo = createStreamsRepository(deps.db.prisma);
  const blocks = platformBlocks(deps.config);
  app.get(
    '/healthz',
    { schema: { summary: 'Database and account freshness', tags: ['operations'] } },
    async (request, reply) => {
      const started = performance.now();
      try {
        await deps.db.prisma.$queryRaw`SELECT 1`;
      } catch (err) {
        request.log.error({ err }, 'health check: database unreachable');
        const error = publicErrorSummary(err, 'the database did not answer');
        return reply.code(503).send({ status: 'unhealthy', database: { ok: false, ...error }, accounts: [] });
      }
      const database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      const now = deps.clock.now();
      const accounts = (await read.listAccounts()).map((a) => {
        const view = accountView(a, now, blocks);
        return {
          account: view.account,
          ...view.freshness,
          lastPostAt: view.lastPostAt,
          lastSuccessAt: view.lastSuccessAt,
        };
      });
      const count = (state: string) => accounts.filter((a) => a.state === state).length;
      const [failing, blocked, silent] = [count('failing'), count('blocked'), count('silent')];
      const waiting = accounts.filter((a) => a.state === 'paused' && a.until).length;
      const streams = await streamsRepo.status(now, configuredStreams(deps.config));
      const billedReads = { x: await streamsRepo.readsOn('x', now) };
      const reconnecting = streams.filter((s) => s.state === 'reconnecting').length;
      const unhealthy = failing + blocked > 0;
      const status = unhealthy ? 'unhealthy' : silent + waiting + reconnecting ? 'degraded' : 'ok';
      const problems = [...blocks.values()].filter((b) => accounts.some((a) => a.account.startsWith(`${b.platform}:`)));
      return reply.code(unhealthy ? 503 : 200).send({
        status,
        database,
        failing,
        blocked,
        silent,
        paused: waiting,
        problems,
        streams,
        billedReads,
        accounts,
      });
    },
  );
}
