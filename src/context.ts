// Builds what every entry point needs: configuration, the root logger and an
// open, migrated database. Entry points build the rest of the graph from it.
import { hostname } from 'node:os';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { migrate } from './adapters/db/migrate.js';
import { systemClock, type Clock } from './core/clock.js';
import { createLogger, type Logger } from './logger.js';

export interface Context {
  config: Config;
  logger: Logger;
  db: Database;
  clock: Clock;
}

export interface ContextOptions {
  env: Record<string, string | undefined>;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  logger?: Logger;
  isTty?: boolean;
}

export function configFromEnv(env: Record<string, string | undefined>): Config {
  return loadConfig(env, { instanceId: `${hostname()}:${process.pid}` });
}

export async function openContext(options: ContextOptions): Promise<Context> {
  const config = configFromEnv(options.env);
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, pretty: options.isTty ?? false });
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.ONRECORD_DATA_DIR });
  try {
    if (options.migrate !== false) {
      const result = await migrate(db);
      if (result.applied.length) logger.info({ applied: result.applied }, 'migrations applied');
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return { config, logger, db, clock: systemClock };
}

export async function withContext<T>(options: ContextOptions, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await openContext(options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
    ctx.logger.flush?.();
  }
}
