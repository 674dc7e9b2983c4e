// Pushed posts, wired for the service: X's channels as X_STREAM allows (auto:
// the Activity API, to this service's webhook when it has a public URL and a
// webhook secret, else on its stream; else the filtered stream), over the X
// API settings polls use, and Bluesky's Jetstream as BSKY_STREAM allows; each
// started beside the scheduler that runs its catch-up polls.
import { createJetstream } from '../adapters/bsky/jetstream-stream.js';
import { createXActivityStream } from '../adapters/x/x-activity-stream.js';
import { createXActivityWebhook } from '../adapters/x/x-activity-webhook.js';
import { createXFilteredStream } from '../adapters/x/x-filtered-stream.js';
import { createXStreamClient } from '../adapters/x/x-stream-client.js';
import { xWebhookUrl, type Config } from '../config.js';
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';
import type { Logger } from '../logger.js';
import type { PostStream } from '../ports/post-stream.js';
import type { SchedulerHandle } from '../jobs/scheduler.js';
import { startStreamJob, type StreamTiming } from '../jobs/stream-posts.js';
import type { ServedWebhookLink } from '../jobs/webhook-intake.js';

export interface StreamChannels {
  channels: PostStream[];
  close(): void;
}

/**
 * The X channels this configuration asks for, best first; undefined when
 * X_STREAM=off or X is not configured. The webhook comes first when the
 * configuration asks for it and this process serves its route (`link`).
 */
export function xStreamChannels(config: Config, logger: Logger, link?: ServedWebhookLink): StreamChannels | undefined {
  if (config.X_STREAM === 'off' || !config.X_BEARER_TOKEN) return undefined;
  const client = createXStreamClient(
    {
      baseUrl: config.X_API_BASE_URL,
      bearerToken: config.X_BEARER_TOKEN,
      timeoutMs: config.X_API_TIMEOUT,
      keepAliveTimeoutMs: config.X_STREAM_KEEPALIVE_TIMEOUT,
      logger,
    },
    logger,
  );
  const activity = createXActivityStream(client, logger);
  const filtered = createXFilteredStream(client, logger);
  const url = xWebhookUrl(config);
  const webhook = url && link ? [createXActivityWebhook(client, logger, { url, link })] : [];
  const byMode = { auto: [...webhook, activity, filtered], activity: [...webhook, activity], filtered: [filtered] };
  return { channels: byMode[config.X_STREAM], close: () => client.close() };
}

/** Starts X's stream job (when configured) beside the scheduler; its catch-up polls go through the scheduler. */
export function startXStream(
  ctx: Context,
  scheduler: SchedulerHandle,
  timing?: Partial<StreamTiming>,
  link?: ServedWebhookLink,
): Handle | undefined {
  const x = xStreamChannels(ctx.config, ctx.logger, link);
  if (!x) return undefined;
  // A delivery this instance failed to store is polled at once, whoever holds the stream.
  if (link) link.catchUp = (ids, reason) => scheduler.requestPolls(ids, `catch-up: ${reason}`, { recheck: false });
  const handle = startPlatformStream(ctx, scheduler, 'x', x, timing);
  return {
    stop: once(async () => {
      if (link) link.catchUp = undefined;
      await handle.stop();
    }),
    done: handle.done,
  };
}

/** Starts Bluesky's Jetstream job (unless BSKY_STREAM=off) beside the scheduler. */
export function startBskyStream(
  ctx: Context,
  scheduler: SchedulerHandle,
  timing?: Partial<StreamTiming>,
): Handle | undefined {
  if (ctx.config.BSKY_STREAM === 'off') return undefined;
  const urls = [ctx.config.BSKY_JETSTREAM_URL, ctx.config.BSKY_JETSTREAM_FALLBACK_URL];
  const jetstream = createJetstream({ urls: [...new Set(urls)], logger: ctx.logger });
  return startPlatformStream(ctx, scheduler, 'bsky', { channels: [jetstream], close: () => {} }, timing);
}

function startPlatformStream(
  ctx: Context,
  scheduler: SchedulerHandle,
  platform: string,
  channels: StreamChannels,
  timing?: Partial<StreamTiming>,
): Handle {
  const leases = ctx.db.streamLeases(ctx.config.instanceId);
  const job = startStreamJob({
    db: ctx.db.prisma,
    clock: ctx.clock,
    logger: ctx.logger,
    name: platform,
    platform,
    channels: channels.channels,
    leases,
    holder: ctx.config.instanceId,
    // A catch-up also re-checks recent posts: deletions while disconnected were not pushed.
    catchUp: (ids, reason) => scheduler.requestPolls(ids, `catch-up: ${reason}`, { recheck: true }),
    timing,
  });
  const stop = once(async () => {
    await job.stop();
    await leases.close();
    channels.close();
  });
  return { stop, done: job.done };
}
