// The service part that polls the watched accounts on schedule, and the
// wiring of the X source from configuration that the CLI shares.
import { createXSource, type XSource } from '../adapters/x/x-source.js';
import { platformBlocks, type Config } from '../config.js';
import type { Context } from '../context.js';
import { ConfigError } from '../core/errors.js';
import { once, type Handle } from '../core/lifecycle.js';
import { RECHECK_INTERVAL_MS, type PollDeps } from '../jobs/poll-account.js';
import { sweepPerRecheck } from '../jobs/deletion-sweep.js';
import { restoreSourceGate } from '../jobs/source-gate.js';
import { startScheduler } from '../jobs/scheduler.js';
import type { Logger } from '../logger.js';
import type { ServicePart } from './service.js';

/** The X source configured by X_API_BASE_URL, X_BEARER_TOKEN and X_API_TIMEOUT. */
export function xSourceFromConfig(config: Config, logger: Logger): XSource {
  const block = platformBlocks(config).get('x');
  if (block || !config.X_BEARER_TOKEN) throw new ConfigError(block?.reason ?? 'X_BEARER_TOKEN is not set');
  return createXSource({
    baseUrl: config.X_API_BASE_URL,
    bearerToken: config.X_BEARER_TOKEN,
    timeoutMs: config.X_API_TIMEOUT,
    logger,
  });
}

/** What a poll needs, built from an open context (a usage cap met earlier is remembered). */
export async function pollDepsFromContext(ctx: Context, source: XSource): Promise<PollDeps> {
  return {
    db: ctx.db.prisma,
    source,
    clock: ctx.clock,
    logger: ctx.logger,
    gate: await restoreSourceGate(ctx.db.prisma, source.platform, ctx.clock),
    sweepPerRecheck: sweepPerRecheck(ctx.config.ONRECORD_SWEEP_PER_DAY, RECHECK_INTERVAL_MS),
  };
}

export const pollerPart: ServicePart = {
  name: 'poller',
  async start(ctx): Promise<Handle> {
    const log = ctx.logger.child({ component: 'poller' });
    const block = platformBlocks(ctx.config).get('x');
    if (block) {
      // The rest of the service (HTTP API, alerts) still runs. One line says what to set; health,
      // pages, `accounts list` and the onrecord_accounts_not_polled metric show the block per account.
      log.error({ platform: block.platform, code: block.code, settings: block.settings }, block.reason);
      return idle();
    }
    const source = xSourceFromConfig(ctx.config, ctx.logger);
    const locks = ctx.db.accountLocks(ctx.config.instanceId);
    const scheduler = startScheduler({ ...(await pollDepsFromContext(ctx, source)), locks });
    const stop = once(async () => {
      await scheduler.stop();
      await locks.close();
      source.close();
    });
    return { stop, done: scheduler.done };
  },
};

/** A part with nothing to do that stops when asked. */
function idle(): Handle {
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return { stop: once(async () => stopped()), done };
}
