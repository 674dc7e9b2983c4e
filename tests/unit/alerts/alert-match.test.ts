import { describe, expect, it } from 'vitest';
import {
  containsWords,
  foldText,
  parseAlertEvents,
  ruleFires,
  validateRuleRegex,
  type MatchableEvent,
  type MatchableRule,
} from '../../../src/core/alert-match.js';
import { InvalidInput } from '../../../src/core/errors.js';

const T0 = new Date('2026-03-04T15:00:00Z');
const rule = (r: Partial<MatchableRule> = {}): MatchableRule => ({
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new'],
  createdAt: T0,
  ...r,
});
const event = (e: Partial<MatchableEvent> = {}): MatchableEvent => ({
  kind: 'new',
  createdAt: new Date(T0.getTime() + 1000),
  account: 'x:StateDept',
  text: 'The Secretary will travel to Kyiv on Monday.',
  ...e,
});

describe('containsWords', () => {
  it.each([
    ['Statement on UKRAINE today', 'ukraine', true],
    ['Déclaration sur l’Ukraïne', 'ukraine', true],
    ['Ukraine', 'Ukraïne', true],
    ['a warning was issued', 'war', false],
    ['war, again', 'war', true],
    ['(war)', 'war', true],
    ['postwar era', 'war', false],
    ['war_time', 'war', false],
    ['war2', 'war', false],
    ['Ministerium für Äußeres', 'äußeres', true],
    ['the  cease\n\tfire holds', 'cease fire', true],
    ['the ceasefire holds', 'cease fire', false],
    ['Cease Fire', 'cease  fire', true],
    ['МИД России заявил', 'россии', true],
    ['МИД России заявил', 'росс', false],
    ['東京で会談', '東京', false],
    ['meeting in #Kyiv now', '#kyiv', true],
    ['price is $5.00 today', '$5.00', true],
    ['price is $5x00 today', '$5.00', false],
    ['anything', '   ', false],
    ['Café Müller', 'cafe muller', true],
  ])('%j contains %j → %s', (text, needle, expected) => {
    expect(containsWords(text, needle)).toBe(expected);
  });
});

describe('foldText', () => {
  it('lower-cases, strips accents and collapses whitespace', () => {
    expect(foldText('  Ça  VA\nBién ')).toBe('ca va bien');
  });
});

describe('ruleFires', () => {
  it.each<[string, Partial<MatchableRule>, Partial<MatchableEvent>, boolean]>([
    ['empty rule fires on new', {}, {}, true],
    ['default events exclude edited', {}, { kind: 'edited' }, false],
    ['listed event fires', { events: ['new', 'edited'] }, { kind: 'edited' }, true],
    ['cited only', { events: ['cited'] }, { kind: 'new' }, false],
    ['account listed (case-insensitive)', { accounts: ['x:statedept'] }, {}, true],
    ['account not listed', { accounts: ['x:USFOR_A'] }, {}, false],
    ['unknown account with account filter', { accounts: ['x:USFOR_A'] }, { account: null }, false],
    ['unknown account without filter', {}, { account: null }, true],
    ['keyword matches', { keywords: ['kyiv'] }, {}, true],
    ['any keyword matches', { keywords: ['paris', 'monday'] }, {}, true],
    ['keyword missing', { keywords: ['paris'] }, {}, false],
    ['phrase matches', { keywords: ['travel to kyiv'] }, {}, true],
    ['regex matches', { regex: String.raw`\bmon(day)?\b` }, {}, true],
    ['regex fails', { regex: String.raw`\btuesday\b` }, {}, false],
    ['keyword and regex both needed', { keywords: ['kyiv'], regex: 'paris' }, {}, false],
    ['event before the rule existed', {}, { createdAt: new Date(T0.getTime() - 1) }, false],
    ['event at the rule creation', {}, { createdAt: T0 }, true],
  ])('%s', (_name, r, e, expected) => {
    expect(ruleFires(rule(r), event(e))).toBe(expected);
  });
});

describe('validateRuleRegex', () => {
  // Patterns that backtrack catastrophically in JavaScript's engine are fine in RE2 (linear time).
  it.each([String.raw`\bsanction(s|ed)?\b`, '^Breaking', 'a|b|c', String.raw`\d{4}-\d{2}`, '(a+)+$', '(x*)*y'])(
    'accepts %s',
    (re) => {
      expect(validateRuleRegex(re)).toBe(re);
    },
  );

  it.each([
    ['(unclosed', /invalid regex/],
    ['', /empty/],
    ['a'.repeat(201), /longer than 200/],
    ['(?<=a)b', /RE2 syntax/],
    ['(?=a)b', /no lookahead, lookbehind or backreferences/],
    [String.raw`(a)\1`, /invalid escape sequence/],
  ])('refuses %s', (re, message) => {
    expect(() => validateRuleRegex(re)).toThrow(InvalidInput);
    expect(() => validateRuleRegex(re)).toThrow(message);
  });
});

describe('parseAlertEvents', () => {
  it('parses and dedupes', () => {
    expect(parseAlertEvents('new, EDITED,new,cited')).toEqual(['new', 'edited', 'cited']);
  });
  it.each(['created', 'new,removed', ' , '])('refuses %j', (text) => {
    expect(() => parseAlertEvents(text)).toThrow(InvalidInput);
  });
  it('names the unknown event', () => {
    expect(() => parseAlertEvents('new,removed')).toThrow(
      'unknown event "removed" (known: new, edited, deleted, cited)',
    );
  });
});
