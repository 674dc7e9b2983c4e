// Filtered-stream rules: `from:<id>` operators packed into as few rules as
// the length limit allows, and a sync plan that touches only onrecord's own
// rules and changes as few of them as it can.
import { describe, expect, it } from 'vitest';
import {
  ONRECORD_RULE_TAG,
  packFromRules,
  parseFromRule,
  planRuleSync,
  ruleValue,
  type StreamRule,
} from '../../../src/core/stream-rules.js';

/** n user IDs of 19 digits: each term `from:<id>` is 24 characters, 28 with its separator. */
const ids = (n: number, start = 1) =>
  Array.from({ length: n }, (_, i) => String(1_900_000_000_000_000_000n + BigInt(start + i)));
const tagged = (id: string, users: string[], tag = ONRECORD_RULE_TAG): StreamRule => ({
  id,
  value: ruleValue(users),
  tag,
});

describe('ruleValue / parseFromRule', () => {
  it('joins from: operators with OR and reads them back', () => {
    expect(ruleValue(['12', '345'])).toBe('from:12 OR from:345');
    expect(parseFromRule('from:12 OR from:345')).toEqual(['12', '345']);
  });

  it.each(['from:USFOR_A', 'from:12 from:13', 'from:12 OR cats', '(from:12 OR from:13)', '', 'from:12  OR from:13'])(
    'is not a rule onrecord writes: %j',
    (value) => {
      expect(parseFromRule(value)).toBeUndefined();
    },
  );
});

describe('packFromRules', () => {
  it.each([
    // 24 + 28·(k−1) ≤ limit: 18 terms fit in 512 characters, 36 in 1,024.
    [512, 18, 1],
    [512, 19, 2],
    [512, 36, 2],
    [512, 37, 3],
    [1024, 36, 1],
    [1024, 37, 2],
    [512, 0, 0],
  ])('limit %i, %i users → %i rules', (limit, n, rules) => {
    const { groups, unplaceable } = packFromRules(ids(n), limit);
    expect(groups).toHaveLength(rules);
    expect(unplaceable).toEqual([]);
    expect(groups.flat()).toEqual(ids(n));
    for (const group of groups) expect(ruleValue(group).length).toBeLessThanOrEqual(limit);
  });

  it('fills a rule exactly to the limit', () => {
    const { groups } = packFromRules(ids(18), 512);
    expect(ruleValue(groups[0]!)).toHaveLength(24 + 28 * 17);
    expect(packFromRules(['1', '2'], 'from:1 OR from:2'.length).groups).toEqual([['1', '2']]);
    expect(packFromRules(['1', '2'], 'from:1 OR from:2'.length - 1).groups).toEqual([['1'], ['2']]);
  });

  it('cannot place a user whose one term is longer than the limit', () => {
    expect(packFromRules(['1234567890', '1'], 10)).toEqual({ groups: [['1']], unplaceable: ['1234567890'] });
  });
});

describe('planRuleSync', () => {
  it('creates the fewest rules from nothing', () => {
    const plan = planRuleSync({ existing: [], wanted: ids(40), maxLength: 512 });
    expect(plan.add).toHaveLength(3);
    expect(plan.delete).toEqual([]);
    expect(plan.uncovered).toEqual([]);
    expect(plan.add.flatMap((v) => parseFromRule(v)!)).toEqual(ids(40));
  });

  it('changes nothing when the rules already match', () => {
    const existing = [tagged('10', ids(18)), tagged('11', ids(5, 19))];
    const plan = planRuleSync({ existing, wanted: ids(23), maxLength: 512 });
    expect(plan).toEqual({ add: [], delete: [], keep: existing, uncovered: [] });
  });

  it('never touches rules of other tools, whatever they contain', () => {
    const foreign: StreamRule[] = [
      { id: '1', value: 'cats has:images' },
      { id: '2', value: ruleValue(ids(1)), tag: 'another-tool' },
      { id: '3', value: 'from:99', tag: '' },
    ];
    const plan = planRuleSync({ existing: foreign, wanted: ids(2), maxLength: 512 });
    expect(plan.delete).toEqual([]);
    expect(plan.add).toEqual([ruleValue(ids(2))]);
  });

  it('deletes onrecord rules that name an account no longer watched, and re-places the others', () => {
    const existing = [tagged('10', ids(18)), tagged('11', ids(3, 19))];
    const wanted = ids(20).filter((id) => id !== ids(1, 5)[0]);
    const plan = planRuleSync({ existing, wanted, maxLength: 512 });
    expect(plan.delete).toContain('10');
    const covered = [
      ...plan.keep.flatMap((r) => parseFromRule(r.value)!),
      ...plan.add.flatMap((v) => parseFromRule(v)!),
    ];
    expect(covered.sort()).toEqual([...wanted].sort());
    expect(plan.keep.length + plan.add.length).toBe(2);
  });

  it('adds a new account by rewriting only the least full rule', () => {
    const existing = [tagged('10', ids(18)), tagged('11', ids(4, 19))];
    const plan = planRuleSync({ existing, wanted: ids(23), maxLength: 512 });
    expect(plan.keep.map((r) => r.id)).toEqual(['10']);
    expect(plan.delete).toEqual(['11']);
    expect(plan.add).toEqual([ruleValue(ids(5, 19))]);
  });

  it('replaces malformed, too long and duplicate onrecord rules', () => {
    const existing = [
      tagged('10', ids(2)),
      { id: '11', value: 'from:USFOR_A', tag: ONRECORD_RULE_TAG },
      tagged('12', ids(1)), // the same user as rule 10
      tagged('13', ids(18, 3)), // longer than the new limit
    ];
    const plan = planRuleSync({ existing, wanted: ids(20), maxLength: 300 });
    expect(plan.delete).toEqual(expect.arrayContaining(['11', '12', '13']));
    expect(plan.keep.length + plan.add.length).toBe(2);
    const covered = [...plan.keep, ...plan.add.map((value) => ({ value }))].flatMap((r) => parseFromRule(r.value)!);
    expect(covered.sort()).toEqual(ids(20).sort());
    for (const value of plan.add) expect(value.length).toBeLessThanOrEqual(300);
  });

  it('leaves the accounts beyond the plan’s rule count uncovered, counting other tools’ rules', () => {
    const plan = planRuleSync({
      existing: [{ id: '1', value: 'cats' }],
      wanted: ids(40),
      maxLength: 512,
      maxRules: 3,
    });
    expect(plan.add).toHaveLength(2);
    expect(plan.uncovered).toEqual(ids(4, 37).map((userId) => ({ userId, reason: 'rule_cap' })));
  });

  it('deletes every onrecord rule when no account is watched', () => {
    const plan = planRuleSync({
      existing: [tagged('10', ids(3)), { id: '2', value: 'dogs' }],
      wanted: [],
      maxLength: 512,
    });
    expect(plan).toEqual({ add: [], delete: ['10'], keep: [], uncovered: [] });
  });
});
