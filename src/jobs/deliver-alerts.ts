// The alert worker: dispatches new events into deliveries and sends what is
// due, with up to `concurrency` sends in flight. A slot is freed as soon as
// its send settles and refilled at once, so one hanging receiver (cut off
// after ALERT_TIMEOUT) holds one slot, never the others.
//
// Two forms:
//   deliverDueAlerts(ctx)   sends everything due now and returns (poll --once)
//   startAlertWorker(ctx)   runs until stopped (the service's `alerts` part):
//                           woken by LISTEN on PostgreSQL, and by a tick anyway
//
// Claims hold a lease (leased_until, lease_owner): two workers never send one
// delivery at once, and a crashed worker's claims are taken again once their
// lease expires. The lease is several times the send timeout, so it only
// expires when its worker is gone.
import { randomUUID } from 'node:crypto';
import { createAlertsRepository, type ClaimedDelivery } from '../adapters/db/alerts-repository.js';
import { EVENTS_CHANNEL } from '../adapters/db/events-repository.js';
import { listenForNotifications } from '../adapters/db/pg-listener.js';
import { createAlertSinks } from '../adapters/alerts/sinks.js';
import type { Clock } from '../core/clock.js';
import { once, sleep, type Handle } from '../core/lifecycle.js';
import type { Context } from '../context.js';
import type { AlertSinks } from '../ports/alert-sink.js';
import { dispatchEvents } from './dispatch-events.js';
import { sendDelivery, type RetryOptions, type SendDeps, type SendOutcome } from './send-delivery.js';

export interface AlertWorkerOptions {
  /** Default: sinks built from the configuration (closed when done). */
  sinks?: AlertSinks;
  clock?: Clock;
  /** Default: the instance id plus a random suffix. */
  owner?: string;
  concurrency?: number;
  /** Default: max(60 s, 3 × ALERT_TIMEOUT). */
  leaseMs?: number;
  /** Fallback wake-up when no notification comes (default 1 s; 250 ms on the embedded database). */
  tickMs?: number;
  retry?: RetryOptions;
}

export interface DeliverySummary {
  dispatched: number;
  delivered: number;
  failed: number;
  dead: number;
}

const DEFAULT_CONCURRENCY = 16;

function createRunner(ctx: Context, options: AlertWorkerOptions) {
  const ownSinks = !options.sinks;
  const sinks =
    options.sinks ??
    createAlertSinks({
      timeoutMs: ctx.config.ALERT_TIMEOUT,
      smtpUrl: ctx.config.SMTP_URL,
      from: ctx.config.ALERT_FROM,
      allowPrivateTargets: ctx.config.ONRECORD_ALLOW_PRIVATE_TARGETS,
    });
  const clock = options.clock ?? ctx.clock;
  const repo = createAlertsRepository(ctx.db.prisma);
  const owner = options.owner ?? `${ctx.config.instanceId}/${randomUUID().slice(0, 8)}`;
  const logger = ctx.logger.child({ component: 'alerts', owner });
  const deps: SendDeps = { repo, sinks, clock, logger, owner, retry: options.retry };
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const leaseMs = options.leaseMs ?? Math.max(60_000, 3 * ctx.config.ALERT_TIMEOUT);
  const perRule = Math.max(1, Math.ceil(concurrency / 2));
  const inFlight = new Set<Promise<void>>();
  const byRule = new Map<number, number>();
  const summary: DeliverySummary = { dispatched: 0, delivered: 0, failed: 0, dead: 0 };
  let onSettled = () => {};

  function track(claimed: ClaimedDelivery, signal: AbortSignal) {
    const tally = (outcome: SendOutcome) => void (summary[outcome] += 1);
    byRule.set(claimed.ruleId, (byRule.get(claimed.ruleId) ?? 0) + 1);
    const p: Promise<void> = sendDelivery(deps, claimed, signal)
      .then(tally, (err: unknown) => logger.error({ err, delivery: claimed.id }, 'alert delivery crashed'))
      .finally(() => {
        inFlight.delete(p);
        const left = (byRule.get(claimed.ruleId) ?? 1) - 1;
        if (left > 0) byRule.set(claimed.ruleId, left);
        else byRule.delete(claimed.ruleId);
        onSettled();
      });
    inFlight.add(p);
  }

  /** Claims due deliveries into the free slots; returns how many it claimed. */
  async function fill(signal: AbortSignal, dueBy?: Date): Promise<number> {
    let claimedTotal = 0;
    while (!signal.aborted && inFlight.size < concurrency) {
      const free = concurrency - inFlight.size;
      const now = clock.now();
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const room = new Map([...byRule].map(([rule, n]) => [rule, Math.max(0, perRule - n)]));
      const claimed = await repo.claimDue({ now, owner, leaseUntil, limit: free, perRule, room, dueBy });
      for (const c of claimed) track(c, signal);
      claimedTotal += claimed.length;
      if (claimed.length < free) break;
    }
    return claimedTotal;
  }

  return {
    logger,
    inFlight,
    summary,
    fill,
    setOnSettled: (fn: () => void) => (onSettled = fn),
    clock,
    async dispatch() {
      summary.dispatched += (await dispatchEvents(ctx.db.prisma, clock)).events;
    },
    close: () => (ownSinks ? sinks.close() : Promise.resolve()),
  };
}

/**
 * Dispatches every undispatched event and sends every delivery due now
 * (retries included), waiting for the sends to settle. Deliveries leased by
 * a running service are left to it.
 */
export async function deliverDueAlerts(
  ctx: Context,
  options: AlertWorkerOptions & { signal?: AbortSignal } = {},
): Promise<DeliverySummary> {
  const runner = createRunner(ctx, options);
  const signal = options.signal ?? new AbortController().signal;
  try {
    await runner.dispatch();
    // What is due now; a send that fails during this run waits for the next one.
    const dueBy = runner.clock.now();
    await runner.fill(signal, dueBy);
    while (runner.inFlight.size > 0) {
      await Promise.race(runner.inFlight);
      await runner.fill(signal, dueBy);
    }
    return { ...runner.summary };
  } finally {
    await Promise.allSettled(runner.inFlight);
    await runner.close();
  }
}

/** Runs the worker until stop(): in-flight sends get `graceMs` to settle, then are aborted. */
export async function startAlertWorker(
  ctx: Context,
  options: AlertWorkerOptions & { graceMs?: number } = {},
): Promise<Handle> {
  const runner = createRunner(ctx, options);
  const aborter = new AbortController();
  const waker = createWaker();
  runner.setOnSettled(waker.wake);
  let stopping = false;
  // Dispatch runs when events may be waiting (a notification, a tick, a
  // failure); a settled send only frees a slot to refill.
  let eventsDue = true;
  const onNotify = () => {
    eventsDue = true;
    waker.wake();
  };
  const listener =
    ctx.db.kind === 'postgres' && ctx.db.url
      ? listenForNotifications(() => ctx.db.url!, EVENTS_CHANNEL, onNotify, runner.logger)
      : undefined;
  const tickMs = options.tickMs ?? (ctx.db.kind === 'pglite' ? 250 : 1000);
  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        if (eventsDue) {
          eventsDue = false;
          await runner.dispatch();
        }
        await runner.fill(aborter.signal);
        failures = 0;
      } catch (err) {
        failures += 1;
        eventsDue = true;
        runner.logger.error({ err }, 'alert worker cycle failed; retrying');
      }
      const woken = await waker.wait(failures > 0 ? Math.min(30_000, tickMs * 2 ** failures) : tickMs);
      if (!woken) eventsDue = true;
    }
    const grace = new AbortController();
    await Promise.race([Promise.allSettled(runner.inFlight), sleep(options.graceMs ?? 10_000, grace.signal)]);
    grace.abort();
    aborter.abort();
    await Promise.allSettled(runner.inFlight);
  })();
  const stop = once(async () => {
    stopping = true;
    waker.wake();
    await loop;
    await listener?.close();
    await runner.close();
  });
  return { stop, done: loop.then(() => stop()) };
}

/**
 * A wake-up that is never lost: a wake() before or during wait() makes it (or
 * the next one) return at once. wait() tells whether it was woken (true) or
 * timed out (false).
 */
function createWaker() {
  let pending = false;
  let resolve = () => {};
  return {
    wake() {
      pending = true;
      resolve();
    },
    async wait(ms: number): Promise<boolean> {
      if (pending) {
        pending = false;
        return true;
      }
      const timer = new AbortController();
      const woken = new Promise<boolean>((r) => (resolve = () => r(true)));
      const result = await Promise.race([woken, sleep(ms, timer.signal).then(() => false)]);
      timer.abort();
      pending = false;
      return result;
    },
  };
}
