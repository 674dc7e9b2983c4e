// Builds the HTTP app on a test database, with a fixed clock and a silent logger.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/adapters/db/database.js';

export const TEST_TOKEN = 'test-token-5f1c';

export async function buildTestApp(
  db: Database & { url: string },
  env: Record<string, string> = {},
  extra: Partial<AppDeps> = {},
): Promise<FastifyInstance> {
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      ONRECORD_API_TOKEN: TEST_TOKEN,
      ONRECORD_PUBLIC_URL: 'http://onrecord.test',
      // X is configured: without a token every X account shows as blocked (see core/account-hold.ts).
      X_BEARER_TOKEN: 'test-x-bearer',
      ...env,
    },
    { instanceId: 'test' },
  );
  const logger = createLogger({ level: 'silent' });
  const clock = { now: () => new Date('2026-03-01T12:00:00Z') };
  return buildApp({ db, config, logger, clock, ...extra });
}

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };
