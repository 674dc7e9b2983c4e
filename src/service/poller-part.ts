// The service part that polls the watched accounts on schedule, and the poll
// deps that the CLI shares (sources from src/service/sources.ts).
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';
import { RECHECK_INTERVAL_MS, type PollDeps } from '../jobs/poll-account.js';
import { sweepPerRecheck } from '../jobs/deletion-sweep.js';
import { startScheduler } from '../jobs/scheduler.js';
import { createStreamCoverage } from '../jobs/stream-coverage.js';
import type { ServicePart } from './service.js';
import { openSources, type ConfiguredSources } from './sources.js';
import { startBskyStream, startXStream } from './stream-part.js';
import type { ServedWebhookLink } from '../jobs/webhook-intake.js';

/** What a poll needs, built from an open context and its sources. */
export function pollDepsFromContext(ctx: Context, sources: ConfiguredSources): PollDeps {
  return {
    db: ctx.db.prisma,
    sources: sources.registry,
    clock: ctx.clock,
    logger: ctx.logger,
    sweepPerRecheck: sweepPerRecheck(ctx.config.ONRECORD_SWEEP_PER_DAY, RECHECK_INTERVAL_MS),
  };
}

/** The poller; `link`: this process serves the X webhook route (see http/server.ts), so the webhook may be used. */
export function createPollerPart(link?: ServedWebhookLink): ServicePart {
  return { name: 'poller', start: (ctx) => startPoller(ctx, link) };
}

export const pollerPart: ServicePart = createPollerPart();

async function startPoller(ctx: Context, link?: ServedWebhookLink): Promise<Handle> {
  const log = ctx.logger.child({ component: 'poller' });
  const sources = await openSources(ctx);
  for (const block of sources.blocks.values()) {
    // The rest of the service (HTTP API, alerts, other platforms) still runs. One line says what to set;
    // health, pages, `accounts list` and the onrecord_accounts_not_polled metric show the block per account.
    log.error({ platform: block.platform, code: block.code, settings: block.settings }, block.reason);
  }
  if (sources.registry.platforms().length === 0) return idle();
  const locks = ctx.db.accountLocks(ctx.config.instanceId);
  // Accounts a healthy stream carries are polled at the reconciliation interval.
  const intervals = createStreamCoverage(ctx.db.prisma, ctx.clock, ctx.config.ONRECORD_RECONCILE_INTERVAL);
  const scheduler = startScheduler({
    ...pollDepsFromContext(ctx, sources),
    locks,
    intervals,
    maxConcurrentPolls: ctx.config.ONRECORD_POLL_CONCURRENCY,
  });
  const streams = [
    sources.registry.get('x') ? startXStream(ctx, scheduler, undefined, link) : undefined,
    sources.registry.get('bsky') ? startBskyStream(ctx, scheduler) : undefined,
  ];
  const stop = once(async () => {
    await Promise.all(streams.map((s) => s?.stop()));
    await scheduler.stop();
    await locks.close();
    sources.close();
  });
  return { stop, done: scheduler.done };
}

/** A part with nothing to do that stops when asked. */
function idle(): Handle {
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  return { stop: once(async () => stopped()), done };
}
