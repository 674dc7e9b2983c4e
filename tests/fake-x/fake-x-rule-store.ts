// GET and POST /2/tweets/search/stream/rules: an app's rule set with the
// plan's limits. Adds are all-or-nothing: any invalid or duplicate rule in a
// request creates none (summary created 0, the problems in `errors` under
// HTTP 200); a set that would pass the plan's rule count is refused with
// `RulesCapExceeded`. `dry_run=true` answers the same without changing
// anything. Successful adds answer 201.
import { PROBLEMS, type ApiResult } from './fake-x-api.js';
import { parseRule, type RuleNode } from './fake-x-rules.js';
import { nextSnowflake } from './snowflakes.js';

export interface StoredRule {
  id: string;
  value: string;
  tag?: string;
  node: RuleNode;
}

export interface RuleLimits {
  /** Longest rule value (X: 512 on the former self-serve plans, 1,024 pay-per-use, 2,048 enterprise). */
  maxLength: number;
  /** Rules per app (X: 1,000 pay-per-use). */
  maxRules: number;
}

export const DEFAULT_RULE_LIMITS: RuleLimits = { maxLength: 512, maxRules: 1000 };

const invalidRequest = (detail: string): ApiResult => ({
  status: 400,
  body: { title: 'Invalid Request', detail, type: `${PROBLEMS}invalid-request` },
});

export class RuleStore {
  readonly rules = new Map<string, StoredRule>();
  limits: RuleLimits = { ...DEFAULT_RULE_LIMITS };

  list(query: URLSearchParams): ApiResult {
    const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
    const rules = [...this.rules.values()].filter((r) => !ids.length || ids.includes(r.id));
    const meta = { sent: new Date().toISOString(), result_count: rules.length };
    return { status: 200, body: rules.length ? { data: rules.map(view), meta } : { meta } };
  }

  update(body: unknown, query: URLSearchParams): ApiResult {
    const dryRun = query.get('dry_run') === 'true';
    if (typeof body !== 'object' || body === null) return invalidRequest('The request body must be a JSON object.');
    const { add, delete: remove } = body as { add?: unknown; delete?: unknown };
    if ((add === undefined) === (remove === undefined)) {
      return invalidRequest('Exactly one of `add` or `delete` must be given.');
    }
    if (add !== undefined) return this.add(add, dryRun);
    return this.remove(remove, dryRun);
  }

  private add(add: unknown, dryRun: boolean): ApiResult {
    if (!Array.isArray(add) || add.length === 0) return invalidRequest('`add` must be a non-empty array of rules.');
    const errors: Record<string, unknown>[] = [];
    const created: StoredRule[] = [];
    const seen = new Map([...this.rules.values()].map((r) => [r.value, r.id]));
    for (const item of add as { value?: unknown; tag?: unknown }[]) {
      const value = typeof item?.value === 'string' ? item.value : '';
      const problem = this.check(value, seen);
      if (problem) {
        errors.push(problem);
        continue;
      }
      const rule = { id: nextSnowflake(new Date()), value, node: (parseRule(value) as { node: RuleNode }).node };
      if (typeof item.tag === 'string') Object.assign(rule, { tag: item.tag });
      seen.set(value, rule.id);
      created.push(rule);
    }
    const sent = new Date().toISOString();
    if (errors.length) {
      const summary = { created: 0, not_created: add.length, valid: created.length, invalid: errors.length };
      return { status: 200, body: { errors, meta: { sent, summary } } };
    }
    if (this.rules.size + created.length > this.limits.maxRules) return this.capExceeded();
    if (!dryRun) for (const rule of created) this.rules.set(rule.id, rule);
    const summary = { created: created.length, not_created: 0, valid: created.length, invalid: 0 };
    return { status: 201, body: { data: created.map(view), meta: { sent, summary } } };
  }

  private check(value: string, seen: Map<string, string>): Record<string, unknown> | undefined {
    if (value.length > this.limits.maxLength) {
      return invalid(value, [`Rule length exceeds the maximum of ${this.limits.maxLength} characters.`]);
    }
    const parsed = parseRule(value);
    if (!parsed.ok) return invalid(value, parsed.details);
    const duplicate = seen.get(value);
    if (duplicate) return { value, id: duplicate, title: 'DuplicateRule', type: `${PROBLEMS}duplicate-rules` };
    return undefined;
  }

  private capExceeded(): ApiResult {
    return {
      status: 400,
      body: {
        title: 'RulesCapExceeded',
        detail: `Rule creation would exceed the limit of ${this.limits.maxRules} rules for this app.`,
        type: `${PROBLEMS}rule-cap`,
      },
    };
  }

  private remove(remove: unknown, dryRun: boolean): ApiResult {
    const { ids = [], values = [] } = (remove ?? {}) as { ids?: unknown; values?: unknown };
    if (!Array.isArray(ids) || !Array.isArray(values) || ids.length + values.length === 0) {
      return invalidRequest('`delete` must name rule `ids` or `values`.');
    }
    const targets = new Set<string>();
    const errors: Record<string, unknown>[] = [];
    for (const id of ids as string[]) {
      if (this.rules.has(id)) targets.add(id);
      else errors.push(notFound(id));
    }
    for (const value of values as string[]) {
      const rule = [...this.rules.values()].find((r) => r.value === value);
      if (rule) targets.add(rule.id);
      else errors.push(notFound(value));
    }
    if (!dryRun) for (const id of targets) this.rules.delete(id);
    const summary = { deleted: targets.size, not_deleted: errors.length };
    return {
      status: 200,
      body: { ...(errors.length ? { errors } : {}), meta: { sent: new Date().toISOString(), summary } },
    };
  }
}

function view(rule: StoredRule) {
  return { id: rule.id, value: rule.value, ...(rule.tag !== undefined ? { tag: rule.tag } : {}) };
}

function invalid(value: string, details: string[]) {
  return { value, details, title: 'UnprocessableEntity', type: `${PROBLEMS}invalid-rules` };
}

function notFound(value: string) {
  return {
    value,
    title: 'Not Found Error',
    detail: `Rule ${value} was not found.`,
    type: `${PROBLEMS}resource-not-found`,
  };
}
