// The X Activity API's subscriptions (/2/activity/subscriptions): one per
// (event_type, filter.user_id), tagged by the caller, limited per app
// (self-serve: 1,500). Shapes follow the OpenAPI of 2026-08 (the create answer
// is `{ data: { subscription }, meta: { total_subscriptions } }`, lists page
// with a 16+ character `pagination_token`). X does not document the bodies of
// a duplicate or of the limit; the fake answers 409 `conflict` and 403 with
// a detail naming the limit. Private events need user-context auth, which an
// app bearer token cannot give: 403.
import { PROBLEMS, type ApiResult } from './fake-x-api.js';
import { problem } from './fake-x-responses.js';
import { nextSnowflake } from './snowflakes.js';

export const PUBLIC_EVENTS = [
  'post.create',
  'post.delete',
  'profile.update.bio',
  'profile.update.profile_picture',
  'profile.update.banner_picture',
  'profile.update.screenname',
  'profile.update.geo',
  'profile.update.url',
  'profile.update.verified_badge',
  'profile.update.affiliate_badge',
  'profile.update.handle',
  'broadcast.start',
  'broadcast.end',
  'follow.follow',
  'follow.unfollow',
  'spaces.start',
  'spaces.end',
] as const;
const PRIVATE_EVENTS = [
  'like.create',
  'post.mention.create',
  'post.reply.create',
  'dm.received',
  'mute.mute',
  'block.block',
];

export interface Subscription {
  subscription_id: string;
  event_type: string;
  filter: { user_id: string };
  tag?: string;
  /** The webhook the events are delivered to, besides the stream. */
  webhook_id?: string;
  created_at: string;
  updated_at: string;
}

const PAGE_TOKEN = /^p([0-9]{15,19})$/;

export class SubscriptionStore {
  readonly subscriptions = new Map<string, Subscription>();
  maxSubscriptions = 1500;

  constructor(
    private readonly userExists: (id: string) => boolean,
    private readonly webhookExists: (id: string) => boolean = () => false,
  ) {}

  /** The subscriptions that deliver this event of this user. */
  matching(eventType: string, userId: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.event_type === eventType && s.filter.user_id === userId);
  }

  create(body: unknown): ApiResult {
    const {
      event_type: eventType,
      filter,
      tag,
      webhook_id: webhookId,
    } = (body ?? {}) as { event_type?: unknown; filter?: { user_id?: unknown }; tag?: unknown; webhook_id?: unknown };
    if (typeof eventType === 'string' && PRIVATE_EVENTS.includes(eventType)) {
      return {
        status: 403,
        body: problem(403, 'Forbidden', { detail: `${eventType} requires user-context authentication.` }),
      };
    }
    if (typeof eventType !== 'string' || !(PUBLIC_EVENTS as readonly string[]).includes(eventType)) {
      return invalidRequest(
        'event_type',
        `The \`event_type\` value [${String(eventType)}] is not one of the supported events.`,
      );
    }
    const userId = filter?.user_id;
    if (typeof userId !== 'string' || !/^[0-9]{1,19}$/.test(userId) || !this.userExists(userId)) {
      return invalidRequest('filter.user_id', `The \`filter.user_id\` value [${String(userId)}] is not a valid user.`);
    }
    if (tag !== undefined && (typeof tag !== 'string' || tag.length < 1 || tag.length > 200)) {
      return invalidRequest('tag', 'The `tag` must be 1 to 200 characters.');
    }
    const badWebhook = this.checkWebhook(webhookId);
    if (badWebhook) return badWebhook;
    if (this.matching(eventType, userId).length) {
      return {
        status: 409,
        body: {
          title: 'Conflict',
          detail: `A subscription to ${eventType} for user ${userId} already exists.`,
          type: `${PROBLEMS}conflict`,
        },
      };
    }
    if (this.subscriptions.size >= this.maxSubscriptions) {
      const detail = `You have reached the maximum of ${this.maxSubscriptions} subscriptions for this app.`;
      return { status: 403, body: problem(403, 'Forbidden', { detail }) };
    }
    const now = new Date().toISOString();
    const subscription: Subscription = {
      subscription_id: nextSnowflake(new Date()),
      event_type: eventType,
      filter: { user_id: userId },
      ...(typeof tag === 'string' ? { tag } : {}),
      ...(typeof webhookId === 'string' ? { webhook_id: webhookId } : {}),
      created_at: now,
      updated_at: now,
    };
    this.subscriptions.set(subscription.subscription_id, subscription);
    return { status: 200, body: { data: { subscription }, meta: { total_subscriptions: this.subscriptions.size } } };
  }

  list(query: URLSearchParams): ApiResult {
    const max = Number(query.get('max_results') ?? 100);
    if (!Number.isInteger(max) || max < 1 || max > 1000)
      return invalidRequest('max_results', 'max_results must be 1 to 1000.');
    const token = query.get('pagination_token');
    const after = token === null ? undefined : PAGE_TOKEN.exec(token)?.[1];
    if (token !== null && after === undefined)
      return invalidRequest('pagination_token', 'The pagination token is not valid.');
    const all = [...this.subscriptions.values()].sort((a, b) => a.subscription_id.localeCompare(b.subscription_id));
    const start = after ? all.findIndex((s) => s.subscription_id > after) : 0;
    const page = start < 0 ? [] : all.slice(start, start + max);
    const more = start >= 0 && start + max < all.length;
    const meta = {
      result_count: page.length,
      ...(more ? { next_token: `p${page.at(-1)!.subscription_id.padStart(15, '0')}` } : {}),
    };
    return { status: 200, body: page.length ? { data: page, meta } : { meta } };
  }

  /** PUT: changes the delivery (webhook_id) or the tag; the filter and event type cannot change. */
  update(id: string, body: unknown): ApiResult {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return { status: 404, body: problem(404, 'Not Found', { detail: `No subscription ${id}.` }) };
    const { tag, webhook_id: webhookId } = (body ?? {}) as { tag?: unknown; webhook_id?: unknown };
    const badWebhook = this.checkWebhook(webhookId);
    if (badWebhook) return badWebhook;
    if (tag !== undefined && (typeof tag !== 'string' || tag.length < 1 || tag.length > 200)) {
      return invalidRequest('tag', 'The `tag` must be 1 to 200 characters.');
    }
    if (typeof tag === 'string') subscription.tag = tag;
    if (typeof webhookId === 'string') subscription.webhook_id = webhookId;
    subscription.updated_at = new Date().toISOString();
    return { status: 200, body: { data: { subscription } } };
  }

  private checkWebhook(webhookId: unknown): ApiResult | undefined {
    if (webhookId === undefined) return undefined;
    if (typeof webhookId !== 'string' || !/^[0-9]{1,19}$/.test(webhookId) || !this.webhookExists(webhookId)) {
      return invalidRequest(
        'webhook_id',
        `The \`webhook_id\` value [${String(webhookId)}] is not a webhook of this app.`,
      );
    }
    return undefined;
  }

  remove(id: string): ApiResult {
    if (!this.subscriptions.delete(id)) {
      return { status: 404, body: problem(404, 'Not Found', { detail: `No subscription ${id}.` }) };
    }
    return { status: 200, body: { data: { deleted: true }, meta: { total_subscriptions: this.subscriptions.size } } };
  }
}

function invalidRequest(parameter: string, message: string): ApiResult {
  return {
    status: 400,
    body: {
      errors: [{ parameters: { [parameter]: [] }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}invalid-request`,
    },
  };
}
