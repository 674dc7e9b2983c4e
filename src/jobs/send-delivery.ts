// Sends one claimed delivery and settles it: delivered on a 2xx (or SMTP
// acceptance), otherwise back to pending with a back-off, or dead once it has
// failed for DELIVERY_GIVE_UP_MS. Never throws for a receiver's failure.
import type { AlertsRepository, ClaimedDelivery, EventRecord } from '../adapters/db/alerts-repository.js';
import type { AlertItem, AlertMessage } from '../core/alert-messages.js';
import type { BackoffPolicy } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { afterFailure, parseDigestKey } from '../core/delivery-schedule.js';
import type { PostView } from '../core/post-view.js';
import type { Logger } from '../logger.js';
import type { AlertSinks, SendResult } from '../ports/alert-sink.js';

export type SendOutcome = 'delivered' | 'failed' | 'dead';

export interface RetryOptions {
  policy?: BackoffPolicy;
  giveUpMs?: number;
  random?: () => number;
}

export interface SendDeps {
  repo: AlertsRepository;
  sinks: AlertSinks;
  clock: Clock;
  logger: Logger;
  /** This worker's name in lease_owner. */
  owner: string;
  retry?: RetryOptions;
}

export async function sendDelivery(
  deps: SendDeps,
  claimed: ClaimedDelivery,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  const log = deps.logger.child({ delivery: claimed.id, rule: claimed.ruleId, attempt: claimed.attempts });
  const events = claimed.event ? [claimed.event] : claimed.digestKey ? await deps.repo.eventsOf(claimed) : [];
  if (events.length === 0) {
    await deps.repo.markDead({
      id: claimed.id,
      owner: deps.owner,
      statusCode: null,
      error: 'its events no longer exist',
    });
    return 'dead';
  }
  const { channel, target, secret } = claimed.rule;
  const alert = { id: claimed.id, channel, target, secret, message: toMessage(claimed, events) };
  const result = await deps.sinks
    .forChannel(channel)
    .send(alert, signal)
    .catch((err: unknown): SendResult => ({ status: 'failed', statusCode: null, error: (err as Error).message }));
  return settle(deps, claimed, result, log);
}

async function settle(deps: SendDeps, claimed: ClaimedDelivery, result: SendResult, log: Logger): Promise<SendOutcome> {
  const base = { id: claimed.id, owner: deps.owner, statusCode: result.statusCode };
  if (result.status === 'accepted') {
    // The receiver has it. If the lease was lost meanwhile, another worker may
    // send it again under the same delivery id: receivers dedupe on it.
    if (!(await deps.repo.markDelivered({ ...base, now: deps.clock.now() })))
      log.warn('delivered after losing the lease');
    log.info({ statusCode: result.statusCode }, 'alert delivered');
    return 'delivered';
  }
  const firstDueAt = claimed.digestKey !== null ? parseDigestKey(claimed.digestKey).end : claimed.createdAt;
  const decision = afterFailure({ attempts: claimed.attempts, firstDueAt, now: deps.clock.now() }, deps.retry);
  if (decision.kind === 'dead') {
    await deps.repo.markDead({ ...base, error: result.error });
    log.error({ statusCode: result.statusCode, error: result.error }, 'alert delivery is dead: gave up retrying');
    return 'dead';
  }
  await deps.repo.markFailed({ ...base, error: result.error, retryAt: decision.at });
  log.warn({ statusCode: result.statusCode, error: result.error, retryAt: decision.at }, 'alert delivery failed');
  return 'failed';
}

export function toMessage(
  claimed: Pick<ClaimedDelivery, 'id' | 'ruleId' | 'digestKey'>,
  events: EventRecord[],
): AlertMessage {
  const items = events.map(toItem);
  if (claimed.digestKey === null) return { deliveryId: claimed.id, ruleId: claimed.ruleId, type: 'event', items };
  const period = parseDigestKey(claimed.digestKey);
  return {
    deliveryId: claimed.id,
    ruleId: claimed.ruleId,
    type: 'digest',
    items,
    digest: { key: period.key, start: period.start, end: period.end },
  };
}

function toItem(event: EventRecord): AlertItem {
  const payload = event.payload as { post: PostView; previousText?: string; article?: AlertItem['article'] };
  return {
    eventId: event.id,
    kind: event.kind,
    at: event.createdAt,
    post: payload.post,
    ...(payload.previousText !== undefined ? { previousText: payload.previousText } : {}),
    ...(payload.article ? { article: payload.article } : {}),
  };
}
