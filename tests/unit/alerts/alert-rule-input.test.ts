import { describe, expect, it } from 'vitest';
import { parseRuleInput, type RuleInput } from '../../../src/core/alert-rule-input.js';
import { maskTarget } from '../../../src/core/alert-rule-view.js';
import { InvalidInput } from '../../../src/core/errors.js';

describe('parseRuleInput', () => {
  it('fills the defaults for a bare webhook', () => {
    expect(parseRuleInput({ webhook: 'https://hooks.example.org/onrecord' })).toEqual({
      channel: 'webhook',
      target: 'https://hooks.example.org/onrecord',
      secret: null,
      accounts: [],
      actors: [],
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
  });

  it('normalizes every option', () => {
    expect(
      parseRuleInput({
        email: ' desk@example.org ',
        account: ['x:@USFOR_A', 'X:StateDept', 'x:USFOR_A'],
        actor: ['USFOR-A spokesman', ' usfor-a   SPOKESMAN ', 'Ministry of Defence, Press Office'],
        keyword: ['  cease   fire ', 'Kyiv', 'Kyiv'],
        regex: String.raw`\bsanctions?\b`,
        on: 'new,deleted,cited',
        digest: 'Daily',
      }),
    ).toEqual({
      channel: 'email',
      target: 'desk@example.org',
      secret: null,
      accounts: ['x:USFOR_A', 'x:StateDept'],
      actors: ['USFOR-A spokesman', 'Ministry of Defence, Press Office'],
      keywords: ['cease fire', 'Kyiv'],
      regex: String.raw`\bsanctions?\b`,
      events: ['new', 'deleted', 'cited'],
      digest: 'daily',
    });
  });

  it.each<[string, RuleInput, RegExp]>([
    ['no channel', {}, /exactly one of --webhook/],
    ['two channels', { webhook: 'https://a.example/h', slack: 'https://hooks.slack.com/x' }, /exactly one/],
    ['an invalid URL', { webhook: 'not a url' }, /--webhook needs a URL like/],
    ['a non-http URL', { discord: 'ftp://example.org/x' }, /--discord needs an http/],
    ['an invalid address', { email: 'desk.example.org' }, /--email needs an address/],
    ['a secret on Slack', { slack: 'https://hooks.slack.com/x', secret: 'abcdefgh' }, /generic webhooks only/],
    ['a short secret', { webhook: 'https://a.example/h', secret: 'abc' }, /8 characters/],
    ['an invalid regex', { webhook: 'https://a.example/h', regex: '(open' }, /invalid regex/],
    ['a regex with lookbehind', { webhook: 'https://a.example/h', regex: '(?<!a)b' }, /RE2 syntax/],
    ['an unknown event', { webhook: 'https://a.example/h', on: 'new,retweeted' }, /unknown event "retweeted"/],
    ['an unknown digest', { webhook: 'https://a.example/h', digest: 'weekly' }, /unknown digest "weekly"/],
    ['a bad account', { webhook: 'https://a.example/h', account: ['USFOR_A'] }, /account must look like x:/],
    ['an empty keyword', { webhook: 'https://a.example/h', keyword: ['  '] }, /must not be empty/],
    ['an actor without a name', { webhook: 'https://a.example/h', actor: ['--'] }, /--actor needs a letter or a digit/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => parseRuleInput(input)).toThrow(InvalidInput);
    expect(() => parseRuleInput(input)).toThrow(message);
  });
});

describe('maskTarget', () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/XXXXSECRET', 'https://hooks.slack.com/…'],
    ['https://discord.com/api/webhooks/123/tokenSECRET', 'https://discord.com/…'],
    ['https://a.example/h/tok3n?key=k3y#frag', 'https://a.example/…'],
    ['https://user:pa55@a.example:8443/h', 'https://a.example:8443/…'],
    ['desk@example.org', 'd…@example.org'],
    ['not a target', '…'],
    ['https://', '…'],
  ])('%s', (target, shown) => {
    expect(maskTarget(target)).toBe(shown);
  });
});
