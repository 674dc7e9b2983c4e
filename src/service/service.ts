// The long-running service: starts each part (poller, alert delivery, HTTP
// server) on one context and stops them in reverse order. No signal handling
// here: see run-service.ts.
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';

export interface ServicePart {
  name: string;
  start(ctx: Context): Promise<Handle>;
}

export interface ServiceHandle extends Handle {
  /** The parts that started, in order. */
  readonly parts: readonly string[];
}

export async function startService(ctx: Context, parts: ServicePart[]): Promise<ServiceHandle> {
  const started: { name: string; handle: Handle }[] = [];
  try {
    for (const part of parts) {
      started.push({ name: part.name, handle: await part.start(ctx) });
      ctx.logger.info({ component: 'service', part: part.name }, 'started');
    }
  } catch (err) {
    await stopAll(ctx, started);
    throw err;
  }
  const stop = once(() => stopAll(ctx, started));
  // The service is done when any part ends on its own (which is a failure) or all stop.
  const done = Promise.race(started.map((s) => s.handle.done)).then(() => stop());
  return { stop, done, parts: started.map((s) => s.name) };
}

async function stopAll(ctx: Context, started: { name: string; handle: Handle }[]): Promise<void> {
  for (const { name, handle } of [...started].reverse()) {
    try {
      await handle.stop();
      ctx.logger.info({ component: 'service', part: name }, 'stopped');
    } catch (err) {
      ctx.logger.error({ component: 'service', part: name, err }, 'part failed to stop cleanly');
    }
  }
}
