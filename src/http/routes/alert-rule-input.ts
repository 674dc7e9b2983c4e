// Validation of alert rules sent over HTTP, and the rule list as shown
// (core/alert-rule-view.ts: targets masked, secrets never leave).
import { InvalidInput } from '../../core/errors.js';
import { ALERT_EVENTS, parseAlertEvents, validateRuleRegex } from '../../core/alert-match.js';
import { DIGEST_MODES, type DigestMode } from '../../core/delivery-schedule.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import { parseActorNames } from '../../core/actors.js';
import { ALERT_CHANNELS, type AlertChannel } from '../../ports/alert-sink.js';
import type { AlertsRepository, NewAlertRule } from '../../adapters/db/alerts-repository.js';
import { alertRuleView, type AlertRuleView } from '../../core/alert-rule-view.js';

export interface AlertRuleBody {
  channel: string;
  target: string;
  secret?: string;
  accounts?: string[];
  actors?: string[];
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
    actors: {
      type: 'array',
      items: { type: 'string' },
      description: 'actor names: any of their channels, also those added later (adds to accounts)',
    },
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
    target: { type: 'string', description: 'masked: scheme://host/… for URLs, d…@domain for addresses' },
    hasSecret: { type: 'boolean' },
    accounts: { type: 'array', items: { type: 'string' } },
    actors: { type: 'array', items: { type: 'string' } },
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

/** Every rule as shown (masked), with its delivery counts and failures. */
export async function listRuleViews(alerts: AlertsRepository): Promise<AlertRuleView[]> {
  const [rules, stats] = await Promise.all([alerts.listRules(), alerts.ruleStats()]);
  return rules.map((r) => alertRuleView(r, stats.get(r.id)));
}

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
    actors: parseActorNames(body.actors, 'an actor name'),
    keywords: (body.keywords ?? []).map((k) => k.trim()).filter(Boolean),
    regex: body.regex ? validateRuleRegex(body.regex) : null,
    events: parseAlertEvents((body.events ?? ['new']).join(',')),
    digest: (body.digest ?? 'none') as DigestMode,
  };
}
