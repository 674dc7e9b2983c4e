// The service process: opens the context, starts the parts, and handles
// signals in one place: the first SIGINT/SIGTERM stops gracefully (in-flight
// work gets a grace period), a second one forces the exit.
import { openContext } from '../context.js';
import { startService } from './service.js';
import { serviceParts } from './parts.js';

export interface RunServiceOptions {
  env: Record<string, string | undefined>;
  isTty: boolean;
  /** How long a graceful stop may take before the process exits anyway. */
  graceMs?: number;
}

export async function runService(options: RunServiceOptions): Promise<number> {
  const ctx = await openContext({ env: options.env, isTty: options.isTty });
  const log = ctx.logger.child({ component: 'service' });
  let service;
  try {
    service = await startService(ctx, serviceParts());
  } catch (err) {
    log.error({ err }, 'service failed to start');
    await ctx.db.close();
    return 1;
  }
  log.info({ parts: service.parts, instance: ctx.config.instanceId, database: ctx.db.kind }, 'service running');

  let exitCode = 0;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: forcing exit');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      log.error('graceful stop took too long: forcing exit');
      process.exit(1);
    }, options.graceMs ?? 30_000);
    force.unref();
    void service.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await service.done;
    if (!stopping) {
      log.error('a service part ended unexpectedly');
      exitCode = 1;
    }
  } catch (err) {
    log.error({ err }, 'service failed');
    exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.db.close();
    log.info('stopped');
    ctx.logger.flush?.();
  }
  return exitCode;
}
