// Validation of alert rules sent over HTTP, and how rules are shown: targets
// (webhook URLs often embed a token) are masked, secrets never leave.
import { InvalidInput } from '../../core/errors.js';
import { ALERT_EVENTS, parseAlertEvents, validateRuleRegex } from '../../core/alert-match.js';
import { DIGEST_MODES, type DigestMode } from '../../core/delivery-schedule.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import { ALERT_CHANNELS, type AlertChannel } from '../../ports/alert-sink.js';
import type {
  AlertRuleRecord,
  AlertsRepository,
  NewAlertRule,
  RuleDeliveryStats,
} from '../../adapters/db/alerts-repository.js';

export interface AlertRuleBody {
  channel: string;
  target: string;
  secret?: string;
  accounts?: string[];
  keywords?: string[];
  regex?: string;
  events?: string[];
  digest?: string;
}

export const alertRuleBodySchema = {
  type: 'object',
  required: ['channel', 'target'],
  additionalProperties: false,
  properties: {
    channel: { type: 'string', enum: [...ALERT_CHANNELS] },
    target: { type: 'string', description: 'webhook URL, or an email address for email' },
    secret: { type: 'string', description: 'HMAC secret of webhook signatures' },
    accounts: { type: 'array', items: { type: 'string' }, description: 'platform:handle; empty = every account' },
    keywords: { type: 'array', items: { type: 'string' } },
    regex: { type: 'string' },
    events: { type: 'array', items: { type: 'string', enum: [...ALERT_EVENTS] } },
    digest: { type: 'string', enum: [...DIGEST_MODES] },
  },
} as const;

export const alertRuleViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    channel: { type: 'string' },
    target: { type: 'string', description: 'masked except on creation' },
    hasSecret: { type: 'boolean' },
    accounts: { type: 'array', items: { type: 'string' } },
    keywords: { type: 'array', items: { type: 'string' } },
    regex: { type: ['string', 'null'] },
    events: { type: 'array', items: { type: 'string' } },
    digest: { type: 'string' },
    enabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    deliveries: {
      type: 'object',
      description: 'delivery counts of the rule, and the error of its latest failing or dead delivery',
      properties: {
        pending: { type: 'integer' },
        retrying: { type: 'integer' },
        delivered: { type: 'integer' },
        dead: { type: 'integer' },
        digested: { type: 'integer' },
        lastError: { type: ['string', 'null'] },
      },
    },
  },
} as const;

const NO_DELIVERIES: RuleDeliveryStats = {
  pending: 0,
  retrying: 0,
  delivered: 0,
  dead: 0,
  digested: 0,
  lastError: null,
};

/** Every rule as shown (masked), with its delivery counts and failures. */
export async function listRuleViews(alerts: AlertsRepository) {
  const [rules, stats] = await Promise.all([alerts.listRules(), alerts.ruleStats()]);
  return rules.map((r) => ({ ...alertRuleView(r), deliveries: stats.get(r.id) ?? NO_DELIVERIES }));
}

export type AlertRuleListView = Awaited<ReturnType<typeof listRuleViews>>[number];

export function parseAlertRuleBody(body: AlertRuleBody): NewAlertRule {
  const channel = body.channel as AlertChannel;
  if (channel === 'email') {
    if (!/^[^\s@]+@[^\s@]+$/.test(body.target)) throw new InvalidInput(`not an email address: ${body.target}`);
  } else if (!/^https?:\/\/\S+$/.test(body.target)) {
    throw new InvalidInput(`the target of a ${channel} rule must be an http(s) URL`);
  }
  return {
    channel,
    target: body.target,
    secret: body.secret ?? null,
    accounts: (body.accounts ?? []).map((a) => {
      const ref = parseAccountRef(a);
      return formatAccountRef(ref.platform, ref.handle);
    }),
    keywords: (body.keywords ?? []).map((k) => k.trim()).filter(Boolean),
    regex: body.regex ? validateRuleRegex(body.regex) : null,
    events: parseAlertEvents((body.events ?? ['new']).join(',')),
    digest: (body.digest ?? 'none') as DigestMode,
  };
}

/** scheme://host/… for URLs, a…@domain for addresses. */
export function maskTarget(target: string): string {
  if (target.includes('@') && !target.includes('://')) {
    const [user, domain] = target.split('@');
    return `${user?.slice(0, 1) ?? ''}…@${domain ?? ''}`;
  }
  try {
    const u = new URL(target);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '…';
  }
}

/** A stored rule; the channel is any string so that rows read by other queries fit too. */
export type RuleLike = Omit<AlertRuleRecord, 'channel'> & { channel: string };

export type AlertRuleView = ReturnType<typeof alertRuleView>;

export function alertRuleView(rule: RuleLike, options: { unmasked?: boolean } = {}) {
  const { secret, target, createdAt, ...rest } = rule;
  return {
    ...rest,
    target: options.unmasked ? target : maskTarget(target),
    hasSecret: Boolean(secret),
    createdAt: createdAt.toISOString(),
  };
}
