// The X Activity API as a PostStream: per-account subscriptions to the public
// events onrecord needs (a post created or deleted, a handle or display name
// changed), tagged "onrecord" so that other subscriptions of the app are
// never touched, delivered on the persistent stream GET /2/activity/stream
// (or, with a `webhookId`, also to that webhook: see x-activity-webhook.ts).
// The Activity API is X's only push signal for deletions and renames.
import { SourceUnavailable } from '../../core/errors.js';
import type { Logger } from '../../logger.js';
import type { PostStream, StreamAccount, StreamCoverage } from '../../ports/post-stream.js';
import { probeAnswer } from './x-filtered-stream.js';
import { lineToItem } from './x-stream-items.js';
import type { XAnswer, XStreamClient } from './x-stream-client.js';

export const ACTIVITY_STREAM = 'x:activity';
export const ACTIVITY_CAPTURE_SOURCE = 'x:activity';
export const ACTIVITY_TAG = 'onrecord';
/** The events subscribed for each account. */
export const ACTIVITY_EVENTS = [
  'post.create',
  'post.delete',
  'profile.update.handle',
  'profile.update.screenname',
] as const;
const SUBSCRIPTIONS = 'activity/subscriptions';

type Json = Record<string, unknown>;

interface Subscription {
  id: string;
  eventType: string;
  userId: string;
  tag?: string;
  webhookId?: string;
}

function toSubscription(item: Json): Subscription | undefined {
  const filter = (item.filter ?? {}) as Json;
  if (
    typeof item.subscription_id !== 'string' ||
    typeof item.event_type !== 'string' ||
    typeof filter.user_id !== 'string'
  ) {
    return undefined;
  }
  return {
    id: item.subscription_id,
    eventType: item.event_type,
    userId: filter.user_id,
    ...(typeof item.tag === 'string' ? { tag: item.tag } : {}),
    ...(typeof item.webhook_id === 'string' ? { webhookId: item.webhook_id } : {}),
  };
}

export function failure(answer: XAnswer): string {
  const body = answer.body;
  const first = Array.isArray(body.errors) ? ((body.errors[0] ?? {}) as Json) : body;
  return `X answered ${answer.status} ${[first.title, first.detail ?? first.message].filter(Boolean).join(': ')}`.trim();
}

const key = (eventType: string, userId: string) => `${eventType} ${userId}`;

export interface ActivityOptions {
  tag?: string;
  /** The webhook X delivers to besides the stream (undefined: the stream only). */
  webhookId?(): string | undefined;
}

export function createXActivityStream(
  client: XStreamClient,
  logger: Logger,
  { tag = ACTIVITY_TAG, webhookId = () => undefined }: ActivityOptions = {},
): PostStream {
  const log = logger.child({ component: 'x-activity-stream' });

  async function listSubscriptions(signal?: AbortSignal): Promise<Subscription[]> {
    const all: Subscription[] = [];
    let token: string | undefined;
    do {
      const query = { max_results: '1000', ...(token ? { pagination_token: token } : {}) };
      const answer = await client.request('GET', SUBSCRIPTIONS, query, undefined, signal);
      if (answer.status >= 300)
        throw new SourceUnavailable(`listing the Activity API subscriptions failed: ${failure(answer)}`);
      for (const item of (answer.body.data as Json[] | undefined) ?? []) {
        const subscription = toSubscription(item);
        if (subscription) all.push(subscription);
      }
      token = (answer.body.meta as Json | undefined)?.next_token as string | undefined;
    } while (token);
    return all;
  }

  /** Creates one subscription; undefined when it exists or was made, else why not. */
  async function subscribe(eventType: string, userId: string, signal?: AbortSignal): Promise<string | undefined> {
    const answer = await client.request(
      'POST',
      SUBSCRIPTIONS,
      {},
      { event_type: eventType, filter: { user_id: userId }, tag, ...webhookBody() },
      signal,
    );
    // 409: the app holds this subscription already (another tool's, or ours from a sync cut short): it delivers.
    if (answer.status < 300 || answer.status === 409) return undefined;
    return `subscription_refused: ${failure(answer)}`;
  }

  const webhookBody = () => {
    const id = webhookId();
    return id ? { webhook_id: id } : {};
  };

  /** Our subscriptions made before the webhook (or for another one) are pointed at it (PUT changes only the delivery). */
  async function pointAtWebhook(existing: Subscription[], signal?: AbortSignal): Promise<void> {
    const id = webhookId();
    if (!id) return;
    for (const s of existing.filter((x) => x.tag === tag && x.webhookId !== id)) {
      const answer = await client.request('PUT', `${SUBSCRIPTIONS}/${s.id}`, {}, { webhook_id: id }, signal);
      if (answer.status >= 300)
        log.warn({ subscription: s.id, status: answer.status }, 'a subscription was not pointed at the webhook');
    }
  }

  async function sync(accounts: StreamAccount[], signal?: AbortSignal): Promise<StreamCoverage> {
    const existing = await listSubscriptions(signal);
    const present = new Set(existing.map((s) => key(s.eventType, s.userId)));
    const wanted = new Set(accounts.flatMap((a) => ACTIVITY_EVENTS.map((e) => key(e, a.platformUserId))));
    const refused = new Map<number, string>();
    let created = 0;
    for (const account of accounts) {
      for (const eventType of ACTIVITY_EVENTS) {
        if (present.has(key(eventType, account.platformUserId)) || refused.has(account.accountId)) continue;
        const reason = await subscribe(eventType, account.platformUserId, signal);
        if (reason) refused.set(account.accountId, reason);
        else created += 1;
      }
    }
    const stale = existing.filter((s) => s.tag === tag && !wanted.has(key(s.eventType, s.userId)));
    await pointAtWebhook(
      existing.filter((s) => !stale.includes(s)),
      signal,
    );
    for (const s of stale) {
      const answer = await client.request('DELETE', `${SUBSCRIPTIONS}/${s.id}`, {}, undefined, signal);
      if (answer.status >= 300 && answer.status !== 404)
        log.warn({ subscription: s.id, status: answer.status }, 'a stale subscription was not deleted');
    }
    log.info(
      { accounts: accounts.length, created, deleted: stale.length, refused: refused.size },
      'Activity API subscriptions synced',
    );
    return {
      covered: accounts.filter((a) => !refused.has(a.accountId)).map((a) => a.accountId),
      uncovered: [...refused].map(([accountId, reason]) => ({ accountId, reason })),
    };
  }

  return {
    name: ACTIVITY_STREAM,
    async probe(signal) {
      return probeAnswer(await client.request('GET', SUBSCRIPTIONS, { max_results: '1' }, undefined, signal));
    },
    sync,
    connect(handlers) {
      const requestUrl = `${client.baseUrl}/2/activity/stream`;
      const connection = client.connect(
        'activity/stream',
        {},
        {
          onOpen: handlers.onOpen,
          onActivity: handlers.onActivity,
          onLine(line, receivedAt) {
            const outcome = lineToItem(line, ACTIVITY_CAPTURE_SOURCE, requestUrl, receivedAt);
            if (outcome.item) handlers.onItem(outcome.item);
            if (outcome.end) connection.close(outcome.end);
          },
        },
      );
      return connection;
    },
  };
}
