// /healthz: is the database reachable, and is every account still being
// archived? 503 when the database is down or an account is failing (a human
// must act); silent accounts make the service "degraded" but still 200.
import type { FastifyInstance } from 'fastify';
import { createArchiveReadRepository } from '../../adapters/db/archive-read-repository.js';
import type { AppDeps } from '../app.js';
import { accountView } from './api-read.js';

export function registerHealth(app: FastifyInstance, deps: AppDeps): void {
  const read = createArchiveReadRepository(deps.db.prisma);
  app.get(
    '/healthz',
    { schema: { summary: 'Database and account freshness', tags: ['operations'] } },
    async (request, reply) => {
      const started = performance.now();
      try {
        await deps.db.prisma.$queryRaw`SELECT 1`;
      } catch (err) {
        request.log.error({ err }, 'health check: database unreachable');
        return reply
          .code(503)
          .send({ status: 'unhealthy', database: { ok: false, error: (err as Error).message }, accounts: [] });
      }
      const database = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
      const now = deps.clock.now();
      const accounts = (await read.listAccounts()).map((a) => {
        const view = accountView(a, now);
        return {
          account: view.account,
          ...view.freshness,
          lastPostAt: view.lastPostAt,
          lastSuccessAt: view.lastSuccessAt,
        };
      });
      const failing = accounts.filter((a) => a.state === 'failing').length;
      const silent = accounts.filter((a) => a.state === 'silent').length;
      const status = failing ? 'unhealthy' : silent ? 'degraded' : 'ok';
      return reply.code(failing ? 503 : 200).send({ status, database, failing, silent, accounts });
    },
  );
}
