import { describe, expect, it } from 'vitest';
import { actorView, parseActorName, parseActorNames } from '../../../src/core/actors.js';
import { ruleFires, type MatchableRule } from '../../../src/core/alert-match.js';
import { InvalidInput } from '../../../src/core/errors.js';
import { platformLabel } from '../../../src/core/ids.js';
import { parseFilters } from '../../../src/core/search-query.js';

describe('parseActorName', () => {
  it.each([
    ['USFOR-A spokesman', 'USFOR-A spokesman'],
    ['  Ministry   of\tDefence  ', 'Ministry of Defence'],
    ['Ministry of Defence, Press Office', 'Ministry of Defence, Press Office'],
    ['Porte-parole du ministère', 'Porte-parole du ministère'],
    ['外務省報道官', '外務省報道官'],
    ['USFOR-A / spokesman', 'USFOR-A / spokesman'],
  ])('takes %j as %j', (input, name) => {
    expect(parseActorName(input)).toBe(name);
  });

  it.each([
    ['', /needs a letter or a digit/],
    ['  -- ', /needs a letter or a digit/],
    ['a\u0000b', /control characters/],
    ['a\u0007b', /control characters/],
    ['lone \ud800 surrogate', /control characters/],
    ['x'.repeat(101), /longer than 100 characters/],
  ])('refuses %j', (input, message) => {
    expect(() => parseActorName(input)).toThrow(InvalidInput);
    expect(() => parseActorName(input)).toThrow(message);
  });

  it('keeps one of each name regardless of case, never splitting on commas', () => {
    expect(parseActorNames(['Press Office, MoD', ' press office,  MOD', 'Spokesman', ''])).toEqual([
      'Press Office, MoD',
      'Spokesman',
    ]);
    expect(parseActorNames('Spokesman')).toEqual(['Spokesman']);
    expect(parseActorNames(undefined)).toEqual([]);
  });
});

describe('actorView', () => {
  it('shows each channel as an account reference with its platform', () => {
    const view = actorView({
      id: 3,
      name: 'Spokesman',
      createdAt: new Date('2026-01-02T03:04:05Z'),
      channels: [
        { platform: 'bsky', handle: 'spox.example', displayName: null, status: 'active' },
        { platform: 'x', handle: 'Spox', displayName: 'The Spokesman', status: 'paused' },
      ],
    });
    expect(view).toEqual({
      name: 'Spokesman',
      createdAt: '2026-01-02T03:04:05.000Z',
      channels: [
        { account: 'bsky:spox.example', platform: 'bsky', handle: 'spox.example', displayName: null, status: 'active' },
        { account: 'x:Spox', platform: 'x', handle: 'Spox', displayName: 'The Spokesman', status: 'paused' },
      ],
    });
  });
});

describe('search filters', () => {
  it('take actors (one name per value) beside accounts and a platform', () => {
    expect(
      parseFilters({ actor: ['Press Office, MoD', 'press office, mod'], account: 'x:Spox', platform: 'X' }),
    ).toEqual({ q: '', accounts: [{ platform: 'x', handle: 'Spox' }], actors: ['Press Office, MoD'], platform: 'x' });
    expect(parseFilters({})).toEqual({ q: '', accounts: [] });
    expect(() => parseFilters({ actor: '\u0007' })).toThrow(/query parameter "actor" contains control characters/);
    expect(() => parseFilters({ platform: 'nowhere' })).toThrow(/unknown platform "nowhere"/);
  });
});

describe('ruleFires with actors', () => {
  const T0 = new Date('2026-03-04T15:00:00Z');
  const rule = (r: Partial<MatchableRule>): MatchableRule => ({
    accounts: [],
    keywords: [],
    regex: null,
    events: ['new'],
    createdAt: T0,
    ...r,
  });
  const fires = (r: MatchableRule, account: string | null) =>
    ruleFires(r, { kind: 'new', createdAt: new Date(T0.getTime() + 1), account, text: 'A statement.' });

  it.each<[string, Partial<MatchableRule>, string | null, boolean]>([
    [
      'a channel of the actor',
      { actors: ['Spox'], actorAccounts: ['x:Spox', 'bsky:spox.example'] },
      'bsky:SPOX.example',
      true,
    ],
    ['another account', { actors: ['Spox'], actorAccounts: ['x:Spox'] }, 'x:Other', false],
    [
      'an actor without channels (removed): no account, never every one',
      { actors: ['Gone'], actorAccounts: [] },
      'x:Any',
      false,
    ],
    [
      'an account of the rule beside its actors',
      { accounts: ['x:Desk'], actors: ['Spox'], actorAccounts: ['x:Spox'] },
      'x:Desk',
      true,
    ],
    ['a post of no known account', { actors: ['Spox'], actorAccounts: ['x:Spox'] }, null, false],
    ['a rule naming neither: every account', {}, 'x:Any', true],
  ])('%s', (_name, r, account, expected) => {
    expect(fires(rule(r), account)).toBe(expected);
  });
});

describe('platformLabel', () => {
  it("is the descriptor's label, or the name of a platform no descriptor knows", () => {
    expect([platformLabel('x'), platformLabel('nowhere')]).toEqual(['X', 'nowhere']);
  });
});
