// The X Activity API delivered to this service's webhook instead of a
// stream connection (X's V2 Webhooks API): the webhook is registered with
// POST /2/webhooks (X sends a CRC to the URL first and refuses it unless
// answered; an https URL without a port, reachable from the internet),
// re-validated with PUT /2/webhooks/:id when X marked it invalid, and each
// subscription names it (`webhook_id`). The "connection" is the HTTP route
// receiving deliveries (ports/webhook-link.ts); it ends when X no longer
// lists the webhook as valid, so that the job registers it again (and
// catches up by polls). When X refuses the webhook, the probe says so and
// the next channel (the persistent stream) is used.
import type { Logger } from '../../logger.js';
import type { PostStream, StreamConnection } from '../../ports/post-stream.js';
import type { WebhookLink } from '../../ports/webhook-link.js';
import { createXActivityStream, failure } from './x-activity-stream.js';
import type { XStreamClient } from './x-stream-client.js';

export const WEBHOOK_CHANNEL = 'x:webhook';
export const WEBHOOK_CAPTURE_SOURCE = 'x:webhook';

type Json = Record<string, unknown>;

export type WebhookOutcome = { ok: true; id: string } | { ok: false; reason: string; isDefinite: boolean };

interface Registered {
  id: string;
  url: string;
  valid: boolean;
}

async function listWebhooks(client: XStreamClient, signal?: AbortSignal): Promise<Registered[] | WebhookOutcome> {
  const answer = await client.request('GET', 'webhooks', {}, undefined, signal);
  if (answer.status >= 300) {
    const isDefinite = answer.status === 401 || answer.status === 403;
    return { ok: false, reason: `listing the webhooks failed: ${failure(answer)}`, isDefinite };
  }
  const data = Array.isArray(answer.body.data) ? (answer.body.data as Json[]) : [];
  return data.flatMap((w) =>
    typeof w.id === 'string' && typeof w.url === 'string' ? [{ id: w.id, url: w.url, valid: w.valid === true }] : [],
  );
}

/** The webhook of `url`, registered (or re-validated) if needed. */
export async function ensureWebhook(client: XStreamClient, url: string, signal?: AbortSignal): Promise<WebhookOutcome> {
  const listed = await listWebhooks(client, signal);
  if (!Array.isArray(listed)) return listed;
  const found = listed.find((w) => w.url === url);
  if (found?.valid) return { ok: true, id: found.id };
  const answer = found
    ? await client.request('PUT', `webhooks/${found.id}`, {}, undefined, signal)
    : await client.request('POST', 'webhooks', {}, { url }, signal);
  const data = (answer.body.data ?? {}) as Json;
  if (answer.status >= 300 || data.valid === false) {
    const why = answer.status >= 300 ? failure(answer) : 'X marked it invalid after its CRC';
    return { ok: false, reason: `X refused the webhook ${url}: ${why}`, isDefinite: answer.status < 500 };
  }
  const id = found?.id ?? (typeof data.id === 'string' ? data.id : undefined);
  return id ? { ok: true, id } : { ok: false, reason: 'X answered a webhook without an id', isDefinite: false };
}

export interface ActivityWebhookOptions {
  /** The public URL X delivers to (ONRECORD_PUBLIC_URL + the route's path). */
  url: string;
  link: WebhookLink;
  /** How long the probe waits for the HTTP server to listen. */
  listenTimeoutMs?: number;
  /** How often the open "connection" asks X whether the webhook is still valid. */
  checkEveryMs?: number;
}

export function createXActivityWebhook(
  client: XStreamClient,
  logger: Logger,
  options: ActivityWebhookOptions,
): PostStream {
  const log = logger.child({ component: 'x-activity-webhook' });
  let webhookId: string | undefined;
  const subscriptions = createXActivityStream(client, logger, { webhookId: () => webhookId });

  /** Ends the connection once X no longer lists the webhook as valid (a failed hourly CRC, a deletion). */
  function watch(connection: StreamConnection): void {
    const timer = setInterval(
      () => {
        void listWebhooks(client)
          .then((listed) => {
            if (!Array.isArray(listed)) return;
            const mine = listed.find((w) => w.id === webhookId);
            if (mine?.valid) return;
            const message = mine ? 'X marked the webhook invalid' : 'X no longer lists the webhook';
            connection.close({ failure: 'dropped', message });
          })
          .catch((err: unknown) => log.warn({ err }, 'checking the webhook failed (tried again later)'));
      },
      options.checkEveryMs ?? 5 * 60_000,
    );
    void connection.ended.then(() => clearInterval(timer));
  }

  return {
    name: WEBHOOK_CHANNEL,
    async probe(signal) {
      const allowed = await subscriptions.probe(signal);
      if (!allowed.allowed) return allowed;
      if (!(await options.link.whenListening(options.listenTimeoutMs ?? 30_000, signal))) {
        return {
          allowed: false,
          reason: 'the HTTP server does not listen: the webhook cannot answer X',
          isDefinite: false,
        };
      }
      const outcome = await ensureWebhook(client, options.url, signal);
      if (!outcome.ok) {
        log.warn({ url: options.url, reason: outcome.reason }, 'the webhook is not usable: falling back');
        return { allowed: false, reason: outcome.reason, isDefinite: outcome.isDefinite };
      }
      webhookId = outcome.id;
      log.info({ url: options.url, webhook: webhookId }, 'webhook registered with X');
      return { allowed: true };
    },
    sync: (accounts, signal) => subscriptions.sync(accounts, signal),
    connect(handlers) {
      const connection = options.link.attach(handlers);
      watch(connection);
      return connection;
    },
  };
}
