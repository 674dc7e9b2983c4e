// The fake's filtered-stream rules play X's documented grammar and limits:
// AND binds before OR, negation, quoted phrases, conjunction-required
// operators that cannot stand alone, grouped negation refused; rule sets
// refuse duplicates, too long rules and rules past the plan's count, all or
// nothing, and a dry run changes nothing.
import { describe, expect, it } from 'vitest';
import { matchesRule, parseRule } from '../../fake-x/fake-x-rules.js';
import { RuleStore } from '../../fake-x/fake-x-rule-store.js';
import { makePost, makeUser } from '../../fake-x/fixtures.js';
import type { FakePost } from '../../fake-x/fake-x-state.js';

const office = makeUser({ username: 'HarbourOffice' });
const other = makeUser({ username: 'FerryLine' });
const users = new Map([office, other].map((u) => [u.id, u]));
const post = (spec: Partial<Parameters<typeof makePost>[0]> & { text: string }): FakePost =>
  makePost({ author: office, at: '2026-03-04T15:00:00Z', ...spec });

function matches(rule: string, p: FakePost): boolean {
  const parsed = parseRule(rule);
  if (!parsed.ok) throw new Error(parsed.details.join('; '));
  return matchesRule(parsed.node, { post: p, author: users.get(p.author_id), userById: (id) => users.get(id) });
}

describe('rule grammar', () => {
  const plain = post({ text: 'Ferry timetable: the 7:10 leaves at 7:25 #ferries' });
  it.each([
    [`from:${office.id}`, true],
    ['from:harbouroffice', true],
    ['from:FerryLine', false],
    [`from:${other.id} OR from:${office.id}`, true],
    ['ferry timetable', true],
    ['"timetable: the 7:10"', true],
    ['ferry -timetable', false],
    ['#ferries from:HarbourOffice', true],
    ['ferry OR bridge closed', true], // ferry OR (bridge closed)
    ['bridge closed OR ferry', true],
    ['(bridge OR ferry) closed', false],
    ['from:HarbourOffice -is:retweet', true],
    ['from:HarbourOffice is:reply', false],
  ])('%s → %s', (rule, expected) => {
    expect(matches(rule, plain)).toBe(expected);
  });

  it.each([
    ['has:media', 'conjunction-required'],
    ['is:retweet OR has:links', 'conjunction-required'],
    ['-ferry', 'conjunction-required'],
    ['ferry -(bridge OR tunnel)', 'negated'],
    ['nope:thing', "invalid operator 'nope'"],
    ['"open quote', 'unbalanced quote'],
    ['ferry OR', 'dangling OR'],
    ['(ferry', 'missing ")"'],
  ])('refuses %j', (rule, reason) => {
    const parsed = parseRule(rule);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.details.join(' ')).toContain(reason);
  });
});

describe('rule set', () => {
  const add = (store: RuleStore, values: string[], dryRun = false) =>
    store.update(
      { add: values.map((value) => ({ value, tag: 'onrecord' })) },
      new URLSearchParams(dryRun ? 'dry_run=true' : ''),
    );

  it('creates rules with 201 and lists them', () => {
    const store = new RuleStore();
    expect(add(store, ['from:1', 'from:2'])).toMatchObject({
      status: 201,
      body: { meta: { summary: { created: 2 } } },
    });
    expect(store.list(new URLSearchParams()).body).toMatchObject({
      data: [{ value: 'from:1', tag: 'onrecord' }, { value: 'from:2' }],
      meta: { result_count: 2 },
    });
  });

  it('creates none when one rule of the request is a duplicate or invalid, saying which', () => {
    const store = new RuleStore();
    add(store, ['from:1']);
    const answer = add(store, ['from:3', 'from:1', 'has:media']);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      errors: [
        { value: 'from:1', title: 'DuplicateRule', type: expect.stringMatching(/duplicate-rules$/) },
        { value: 'has:media', title: 'UnprocessableEntity', type: expect.stringMatching(/invalid-rules$/) },
      ],
      meta: { summary: { created: 0, not_created: 3, valid: 1, invalid: 2 } },
    });
    expect(store.rules.size).toBe(1);
  });

  it('refuses a rule longer than the plan allows, and rules past its count', () => {
    const store = new RuleStore();
    store.limits = { maxLength: 20, maxRules: 2 };
    expect(add(store, ['from:1 OR from:2 OR from:3']).body).toMatchObject({
      errors: [{ details: [expect.stringContaining('maximum of 20')] }],
    });
    add(store, ['from:1']);
    expect(add(store, ['from:2', 'from:3'])).toMatchObject({ status: 400, body: { title: 'RulesCapExceeded' } });
    expect(store.rules.size).toBe(1);
  });

  it('changes nothing on a dry run, and deletes by id or value', () => {
    const store = new RuleStore();
    expect(add(store, ['from:1'], true).status).toBe(201);
    expect(store.rules.size).toBe(0);
    add(store, ['from:1', 'from:2']);
    const [first] = store.rules.keys();
    const answer = store.update({ delete: { ids: [first], values: ['from:2', 'from:9'] } }, new URLSearchParams());
    expect(answer.body).toMatchObject({ meta: { summary: { deleted: 2, not_deleted: 1 } } });
    expect(store.rules.size).toBe(0);
  });

  it('answers 400 to a body with both add and delete, or neither', () => {
    const store = new RuleStore();
    expect(store.update({}, new URLSearchParams()).status).toBe(400);
    expect(store.update({ add: [{ value: 'a' }], delete: { ids: ['1'] } }, new URLSearchParams()).status).toBe(400);
  });
});
