// The X Activity API webhook (X_WEBHOOK_PATH, registered with X when the
// configuration asks for it: see config.ts xWebhookUrl). GET answers X's
// Challenge-Response Check; POST is a delivery: its signature over the raw
// body is checked in constant time (refused with 401 otherwise, the body
// kept raw as a problem), then the event goes through the same path as the
// stream's lines (each delivery kept as an `x:webhook` capture with its
// sha256, stored idempotently: one post, one event, one alert). X waits for
// the answer (at most 10 s): 200 once stored, 500 when storing failed (the
// account is then polled at once). No API token: X cannot send one; the
// signature is the authentication.
import type { FastifyInstance } from 'fastify';
import { X_WEBHOOK_PATH, xWebhookUrl } from '../../config.js';
import { WEBHOOK_CAPTURE_SOURCE, WEBHOOK_CHANNEL } from '../../adapters/x/x-activity-webhook.js';
import { lineToItem } from '../../adapters/x/x-stream-items.js';
import { crcAnswer, verifyDelivery, type WebhookSecrets } from '../../core/x-webhook-signature.js';
import { createWebhookIntake, type ServedWebhookLink, type WebhookIntake } from '../../jobs/webhook-intake.js';
import type { StreamItem } from '../../ports/post-stream.js';
import type { AppDeps } from '../app.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by the access hook: the route authenticates its requests itself. */
    isSigned?: boolean;
  }
}

const SIGNED_ROUTE = { isSigned: true };

/** Largest delivery accepted (a post with its includes is a few kilobytes). */
const BODY_LIMIT_BYTES = 1024 * 1024;

export function registerXWebhook(app: FastifyInstance, deps: AppDeps & { xWebhook?: ServedWebhookLink }): void {
  const url = xWebhookUrl(deps.config);
  if (!url || !deps.xWebhook) return;
  const secrets: WebhookSecrets = {
    clientSecret: deps.config.X_CLIENT_SECRET,
    consumerSecret: deps.config.X_CONSUMER_SECRET,
  };
  const logger = deps.logger.child({ component: 'x-webhook' });
  const intake = createWebhookIntake({
    db: deps.db.prisma,
    clock: deps.clock,
    logger: deps.logger,
    link: deps.xWebhook,
    channel: WEBHOOK_CHANNEL,
    platform: 'x',
    stream: 'x',
  });
  app.register(async (scope) => {
    // The signature covers the bytes as sent: the body is kept raw, parsed only once verified.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.get<{ Querystring: { crc_token?: string } }>(
      X_WEBHOOK_PATH,
      { config: SIGNED_ROUTE, schema: { hide: true } },
      async (request, reply) => {
        const answer = crcAnswer(secrets, request.query.crc_token);
        if (!answer.ok) return reply.code(400).send({ error: 'bad_request', message: answer.reason });
        return answer.body;
      },
    );
    scope.post(X_WEBHOOK_PATH, { config: SIGNED_ROUTE, schema: { hide: true } }, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const receivedAt = deps.clock.now();
      const verdict = verifyDelivery(secrets, request.headers, body);
      if (!verdict.ok) {
        logger.warn({ reason: verdict.reason, bytes: body.length }, 'a webhook delivery was refused');
        const problem: StreamItem = {
          kind: 'problem',
          message: `a webhook delivery was refused: ${verdict.reason}`,
          capture: captureOf(url, body, 401),
          receivedAt,
        };
        await keep(intake, problem);
        return reply.code(401).send({ error: 'unauthorized', message: verdict.reason });
      }
      const outcome = lineToItem(body.toString('utf8'), WEBHOOK_CAPTURE_SOURCE, url, receivedAt);
      if (!outcome.item) return reply.code(200).send({ ok: true });
      try {
        const stored = await intake.accept(outcome.item);
        return { ok: true, stored: stored.postsNew, events: stored.events };
      } catch {
        return reply.code(500).send({ error: 'not_stored', message: 'the delivery could not be stored' });
      }
    });
  });
}

function captureOf(url: string, body: Buffer, status: number) {
  return {
    source: WEBHOOK_CAPTURE_SOURCE,
    requestUrl: url,
    httpStatus: status,
    contentType: 'application/json',
    body: body.toString('utf8'),
  };
}

/** A refused delivery kept raw; a failure to keep it does not change the answer. */
async function keep(intake: WebhookIntake, item: StreamItem): Promise<void> {
  await intake.accept(item).catch(() => {});
}
