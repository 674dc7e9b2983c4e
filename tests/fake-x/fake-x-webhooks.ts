// X's V2 Webhooks API, played: POST /2/webhooks registers a URL only after
// a Challenge-Response Check of it (a GET with a fresh `crc_token`, answered
// within 3 s with `{"response_token": "sha256=" + base64(HMAC-SHA256(secret,
// token))}`), GET lists, DELETE removes, PUT re-checks (and re-enables).
// Activity events of subscriptions naming a webhook are POSTed to it as
// JSON, each signed over the raw body: `x-twitter-webhooks-signature` with
// the OAuth 1.0 consumer secret, `x-twitter-webhooks-signature-oauth2` with
// the OAuth 2.0 client secret (each when the app has that secret). X does not
// document its refusal bodies; the fake answers 400 problems whose detail
// names X's documented reasons (CrcValidationFailed, UrlValidationFailed,
// DuplicateUrlFailed, WebhookLimitExceeded, WebhookIdInvalid). A failed
// delivery is not retried (the conservative reading: only polls catch up).
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { PROBLEMS, type ApiResult } from './fake-x-api.js';
import { nextSnowflake } from './snowflakes.js';

export interface FakeWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}

export interface WebhookDelivery {
  webhookId: string;
  eventType: string;
  postId?: string;
  body: string;
  /** The receiver's status; 0 when it was not reached (or the delivery was dropped). */
  status: number;
  at: number;
}

const CRC_TIMEOUT_MS = 3000;
const DELIVERY_TIMEOUT_MS = 10_000;

const sign = (secret: string, message: string) =>
  `sha256=${createHmac('sha256', secret).update(message).digest('base64')}`;

function refused(reason: string, detail: string, status = 400): ApiResult {
  return {
    status,
    body: { errors: [{ message: reason }], title: 'Invalid Request', detail, type: `${PROBLEMS}invalid-request` },
  };
}

export class WebhookStore {
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly deliveries: WebhookDelivery[] = [];
  /** The app's secrets (X signs and checks CRCs with them). */
  consumerSecret: string | undefined = 'fake-x-consumer-secret';
  clientSecret: string | undefined = undefined;
  /** `x`: https and no port, as X requires; `local`: any http(s) URL (a test's 127.0.0.1:port). */
  urlRule: 'x' | 'local' = 'x';
  maxWebhooks = 1;
  /** Copies of each delivery (X may deliver an event more than once). */
  copies = 1;
  /** Deliveries lost on the way (never reach the receiver), counted down. */
  dropNext = 0;
  private readonly events = new EventEmitter();

  async create(body: unknown): Promise<ApiResult> {
    const url = (body as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !this.isUrlAllowed(url)) {
      return refused('UrlValidationFailed', `The url [${String(url)}] must be https, without a port.`);
    }
    if ([...this.webhooks.values()].some((w) => w.url === url)) {
      return refused('DuplicateUrlFailed', `A webhook for ${url} already exists.`);
    }
    if (this.webhooks.size >= this.maxWebhooks) {
      return refused('WebhookLimitExceeded', `The app has reached its ${this.maxWebhooks} webhooks.`, 403);
    }
    const crc = await this.crc(url);
    if (!crc.ok) return refused('CrcValidationFailed', `The CRC of ${url} failed: ${crc.why}.`);
    const hook: FakeWebhook = { id: nextSnowflake(new Date()), url, valid: true, created_at: new Date().toISOString() };
    this.webhooks.set(hook.id, hook);
    return { status: 200, body: { data: hook } };
  }

  list(): ApiResult {
    const data = [...this.webhooks.values()];
    return { status: 200, body: { data, meta: { result_count: data.length } } };
  }

  remove(id: string): ApiResult {
    if (!this.webhooks.delete(id)) return refused('WebhookIdInvalid', `No webhook ${id}.`, 404);
    return { status: 200, body: { data: { deleted: true } } };
  }

  /** PUT: a CRC now; the webhook is valid again only if it passes. */
  async validate(id: string): Promise<ApiResult> {
    const hook = this.webhooks.get(id);
    if (!hook) return refused('WebhookIdInvalid', `No webhook ${id}.`, 404);
    const crc = await this.crc(hook.url);
    hook.valid = crc.ok;
    if (!crc.ok) return refused('CrcValidationFailed', `The CRC of ${hook.url} failed: ${crc.why}.`);
    return { status: 200, body: { data: { valid: true } } };
  }

  /** X's periodic check of every webhook; those that fail are marked invalid and receive nothing. */
  async checkAll(): Promise<void> {
    for (const hook of this.webhooks.values()) hook.valid = (await this.crc(hook.url)).ok;
  }

  /** POSTs one event to a webhook (unless it is invalid or unknown), signed; `copies` times. */
  deliver(webhookId: string, message: unknown, eventType: string, postId?: string): void {
    const hook = this.webhooks.get(webhookId);
    if (!hook?.valid) return;
    const body = JSON.stringify(message);
    for (let i = 0; i < this.copies; i++) void this.post(hook, body, eventType, postId);
  }

  /** Resolves once `count` deliveries have been answered (or lost). */
  async waitForDeliveries(count: number, timeoutMs = 10_000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.deliveries.length < count) {
      await once(this.events, 'delivered', { signal }).catch(() => {
        throw new Error(`fake X: ${this.deliveries.length} of ${count} webhook deliveries after ${timeoutMs} ms`);
      });
    }
  }

  signatureHeaders(body: string): Record<string, string> {
    return {
      ...(this.consumerSecret ? { 'x-twitter-webhooks-signature': sign(this.consumerSecret, body) } : {}),
      ...(this.clientSecret ? { 'x-twitter-webhooks-signature-oauth2': sign(this.clientSecret, body) } : {}),
    };
  }

  private isUrlAllowed(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (this.urlRule === 'local') return parsed.protocol === 'https:' || parsed.protocol === 'http:';
    return parsed.protocol === 'https:' && parsed.port === '';
  }

  private async crc(url: string): Promise<{ ok: true } | { ok: false; why: string }> {
    const secret = this.clientSecret ?? this.consumerSecret;
    if (!secret) return { ok: false, why: 'the app has no secret' };
    const token = randomBytes(24).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('crc_token', token);
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(CRC_TIMEOUT_MS), redirect: 'manual' });
      if (res.status < 200 || res.status >= 300) return { ok: false, why: `the URL answered ${res.status}` };
      const answer = (await res.json().catch(() => ({}))) as { response_token?: unknown };
      return answer.response_token === sign(secret, token) ? { ok: true } : { ok: false, why: 'wrong response_token' };
    } catch (err) {
      return { ok: false, why: `the URL did not answer (${(err as Error).message})` };
    }
  }

  private async post(hook: FakeWebhook, body: string, eventType: string, postId?: string): Promise<void> {
    const delivery: WebhookDelivery = { webhookId: hook.id, eventType, body, status: 0, at: Date.now() };
    if (postId) delivery.postId = postId;
    if (this.dropNext > 0) {
      this.dropNext -= 1;
    } else {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.signatureHeaders(body) },
          body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        delivery.status = res.status;
        await res.arrayBuffer().catch(() => {});
      } catch {
        delivery.status = 0;
      }
    }
    this.deliveries.push(delivery);
    this.events.emit('delivered');
  }
}
