// The rules of X's filtered stream that bring the watched accounts' posts:
// `from:<user id>` operators joined by OR, packed into as few rules as the
// rule-length limit allows, each tagged so that onrecord only ever changes
// the rules it created (an app may hold rules of other tools). User IDs, not
// handles: a rename does not break a rule. Pure: the adapter applies the plan.

/** The tag of every rule onrecord creates; rules with any other tag (or none) are never touched. */
export const ONRECORD_RULE_TAG = 'onrecord';
export const RULE_SEPARATOR = ' OR ';
/** The shortest rule-length limit X has documented (self-serve plans); pay-per-use allows 1,024. */
export const DEFAULT_RULE_MAX_LENGTH = 512;

export interface StreamRule {
  id: string;
  value: string;
  tag?: string;
}

const FROM_ID = /^from:(\d{1,19})$/;

export function ruleValue(userIds: readonly string[]): string {
  return userIds.map((id) => `from:${id}`).join(RULE_SEPARATOR);
}

/** The user IDs of a rule onrecord would write (`from:1 OR from:2`), or undefined for any other rule. */
export function parseFromRule(value: string): string[] | undefined {
  const terms = value.split(RULE_SEPARATOR);
  const ids: string[] = [];
  for (const term of terms) {
    const m = FROM_ID.exec(term);
    if (!m) return undefined;
    ids.push(m[1]!);
  }
  return ids.length ? ids : undefined;
}

/**
 * Groups user IDs into rules no longer than maxLength, in order (first fit):
 * with terms of near-equal length this is as few rules as the limit allows.
 * An ID whose own term is longer than the limit cannot be placed (returned apart).
 */
export function packFromRules(
  userIds: readonly string[],
  maxLength: number,
): { groups: string[][]; unplaceable: string[] } {
  const groups: string[][] = [];
  const unplaceable: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const id of userIds) {
    const term = `from:${id}`.length;
    if (term > maxLength) {
      unplaceable.push(id);
      continue;
    }
    const added = current.length ? length + RULE_SEPARATOR.length + term : term;
    if (added > maxLength) {
      groups.push(current);
      current = [id];
      length = term;
    } else {
      current.push(id);
      length = added;
    }
  }
  if (current.length) groups.push(current);
  return { groups, unplaceable };
}

export interface RuleSyncInput {
  /** Every rule of the app, whoever created it. */
  existing: readonly StreamRule[];
  /** The user IDs of the accounts to stream. */
  wanted: readonly string[];
  maxLength: number;
  /** The rules the app may hold in all (its plan's limit), when known. */
  maxRules?: number;
  tag?: string;
}

export interface RulePlan {
  /** New rules (values, tagged with the plan's tag). */
  add: string[];
  /** IDs of onrecord's rules to delete. */
  delete: string[];
  /** onrecord's rules left as they are. */
  keep: StreamRule[];
  /** User IDs that no rule will cover (too long, or over the plan's rule count), with the reason. */
  uncovered: { userId: string; reason: string }[];
}

/**
 * What to add and delete so that onrecord's rules cover exactly the wanted
 * users, in as few rules as the length limit allows, changing as few rules
 * as possible: a rule stays while every user in it is still wanted and
 * keeping it does not cost an extra rule.
 */
export function planRuleSync(input: RuleSyncInput): RulePlan {
  const tag = input.tag ?? ONRECORD_RULE_TAG;
  const wanted = [...new Set(input.wanted)].sort(byNumber);
  const wantedSet = new Set(wanted);
  const ours = input.existing.filter((r) => r.tag === tag);
  const foreign = input.existing.length - ours.length;
  const remove: string[] = [];
  let kept: { rule: StreamRule; ids: string[] }[] = [];
  const placed = new Set<string>();
  for (const rule of ours) {
    const ids = parseFromRule(rule.value);
    const isValid =
      ids && rule.value.length <= input.maxLength && ids.every((id) => wantedSet.has(id) && !placed.has(id));
    if (!isValid) {
      remove.push(rule.id);
      continue;
    }
    ids.forEach((id) => placed.add(id));
    kept.push({ rule, ids });
  }
  const target = packFromRules(wanted, input.maxLength).groups.length;
  // Keep the fullest rules while keeping them costs no extra rule; refill the rest.
  kept.sort((a, b) => b.ids.length - a.ids.length || a.rule.id.localeCompare(b.rule.id));
  let fresh = packFromRules(unplacedIds(wanted, kept), input.maxLength);
  while (kept.length && kept.length + fresh.groups.length > target) {
    remove.push(kept.pop()!.rule.id);
    fresh = packFromRules(unplacedIds(wanted, kept), input.maxLength);
  }
  const uncovered = fresh.unplaceable.map((userId) => ({ userId, reason: 'rule_too_long' }));
  let groups = fresh.groups;
  if (input.maxRules !== undefined) {
    const room = Math.max(0, input.maxRules - foreign - kept.length);
    for (const group of groups.slice(room)) {
      uncovered.push(...group.map((userId) => ({ userId, reason: 'rule_cap' })));
    }
    groups = groups.slice(0, room);
  }
  kept = kept.sort((a, b) => a.rule.id.localeCompare(b.rule.id));
  return { add: groups.map(ruleValue), delete: remove, keep: kept.map((k) => k.rule), uncovered };
}

function unplacedIds(wanted: string[], kept: { ids: string[] }[]): string[] {
  const placed = new Set(kept.flatMap((k) => k.ids));
  return wanted.filter((id) => !placed.has(id));
}

function byNumber(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
