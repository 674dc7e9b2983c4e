// How an alert rule is shown, the same way everywhere (CLI table and --json,
// HTTP API, web page): never its secret, and its target masked, because
// webhook URLs (Slack, Discord, and many generic ones) carry a token in their
// path or query, and addresses are personal. Pure.

/** A stored rule: the fields a view is made of. */
export interface RuleLike {
  id: number;
  channel: string;
  target: string;
  secret: string | null;
  accounts: string[];
  /** Actor names: the rule fires for any of their channels. Absent on rules made before actors. */
  actors?: string[];
  keywords: string[];
  regex: string | null;
  events: string[];
  digest: string;
  enabled: boolean;
  createdAt: Date;
}

export interface RuleDeliveryCounts {
  pending: number;
  retrying: number;
  delivered: number;
  dead: number;
  digested: number;
  /** The error of the latest failing or dead delivery. */
  lastError: string | null;
}

export const NO_DELIVERIES: RuleDeliveryCounts = {
  pending: 0,
  retrying: 0,
  delivered: 0,
  dead: 0,
  digested: 0,
  lastError: null,
};

/**
 * `scheme://host/…` for a URL (no user, password, path, query or fragment),
 * `d…@example.org` for an address, `…` for anything else.
 */
export function maskTarget(target: string): string {
  if (!target.includes('://')) {
    const at = target.lastIndexOf('@');
    return at > 0 ? `${target.slice(0, 1)}…${target.slice(at)}` : '…';
  }
  try {
    const url = new URL(target);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return '…';
  }
}

export type AlertRuleView = ReturnType<typeof alertRuleView>;

export function alertRuleView(rule: RuleLike, deliveries: RuleDeliveryCounts = NO_DELIVERIES) {
  return {
    id: rule.id,
    channel: rule.channel,
    target: maskTarget(rule.target),
    hasSecret: rule.secret !== null && rule.secret !== '',
    accounts: rule.accounts,
    actors: rule.actors ?? [],
    keywords: rule.keywords,
    regex: rule.regex,
    events: rule.events,
    digest: rule.digest,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    deliveries: { ...deliveries },
  };
}
