// `alerts test`: sends a sample alert to a rule's receiver now, outside the
// delivery queue, and returns the receiver's answer.
import { randomUUID } from 'node:crypto';
import { createAlertsRepository } from '../adapters/db/alerts-repository.js';
import { createAlertSinks } from '../adapters/alerts/sinks.js';
import type { AlertMessage } from '../core/alert-messages.js';
import { postUrl } from '../core/ids.js';
import { PLATFORMS, platformDescriptor } from '../core/platforms.js';
import type { PostView } from '../core/post-view.js';
import type { Context } from '../context.js';
import type { SendResult } from '../ports/alert-sink.js';

export async function sendTestAlert(ctx: Context, ruleId: number): Promise<SendResult & { deliveryId: string }> {
  const rule = await createAlertsRepository(ctx.db.prisma).getRule(ruleId);
  const deliveryId = randomUUID();
  const message = sampleMessage(deliveryId, rule.id, rule.accounts[0] ?? `${PLATFORMS[0]}:onrecord`, ctx.clock.now());
  const sinks = createAlertSinks({
    timeoutMs: ctx.config.ALERT_TIMEOUT,
    smtpUrl: ctx.config.SMTP_URL,
    from: ctx.config.ALERT_FROM,
    allowPrivateTargets: ctx.config.ONRECORD_ALLOW_PRIVATE_TARGETS,
  });
  try {
    const alert = { id: deliveryId, channel: rule.channel, target: rule.target, secret: rule.secret, message };
    return { ...(await sinks.forChannel(rule.channel).send(alert)), deliveryId };
  } finally {
    await sinks.close();
  }
}

/** A made-up post, marked as a test, shaped exactly like a real alert's. */
export function sampleMessage(deliveryId: string, ruleId: number, account: string, now: Date): AlertMessage {
  const platform = account.slice(0, account.indexOf(':'));
  const handle = account.slice(account.indexOf(':') + 1);
  const id = platformDescriptor(platform)?.samplePostId(now) ?? String(now.getTime());
  const post: PostView = {
    id,
    platform,
    account,
    text: 'This is a test alert from onrecord: the rule and its receiver work.',
    createdAt: now.toISOString(),
    url: postUrl(platform, handle, id),
    lang: 'en',
    status: 'available',
    edited: false,
    editIds: [id],
    urls: [],
    mentions: [],
    hashtags: [],
    cashtags: [],
    media: [],
    mediaKeys: [],
    referencedPosts: [],
    repostOf: null,
    withheld: null,
    poll: null,
    geo: null,
    conversationId: id,
    inReplyToUserId: null,
    firstSeenAt: now.toISOString(),
    firstSeenBy: 'poll',
    statusChangedAt: null,
  };
  return { deliveryId, ruleId, type: 'test', items: [{ eventId: 0, kind: 'new', at: now, post }] };
}
