// Turns what a person types (`alerts add --webhook URL --keyword W ...`) into
// an alert rule, refusing bad input with a message that says what to fix. Pure.
import { parseAlertEvents, validateRuleRegex, type AlertEvent } from './alert-match.js';
import { parseDigestMode, type DigestMode } from './delivery-schedule.js';
import { InvalidInput } from './errors.js';
import { formatAccountRef, parseAccountRef } from './ids.js';
import { parseActorNames } from './actors.js';

export const RULE_CHANNELS = ['webhook', 'slack', 'discord', 'email'] as const;
export type RuleChannel = (typeof RULE_CHANNELS)[number];

export interface RuleInput {
  webhook?: string;
  slack?: string;
  discord?: string;
  email?: string;
  secret?: string;
  account?: string[];
  /** Actor names (their existence is checked against the database by the caller). */
  actor?: string[];
  keyword?: string[];
  regex?: string;
  on?: string;
  digest?: string;
}

export interface ParsedRule {
  channel: RuleChannel;
  target: string;
  secret: string | null;
  accounts: string[];
  actors: string[];
  keywords: string[];
  regex: string | null;
  events: AlertEvent[];
  digest: DigestMode;
}

const EMAIL = /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/;

export function parseRuleInput(input: RuleInput): ParsedRule {
  const given = RULE_CHANNELS.filter((c) => input[c] !== undefined);
  if (given.length !== 1) {
    throw new InvalidInput('give exactly one of --webhook URL, --slack URL, --discord URL or --email ADDRESS');
  }
  const channel = given[0]!;
  const target = channel === 'email' ? parseEmail(input.email!) : parseHttpUrl(input[channel]!, `--${channel}`);
  if (input.secret !== undefined && channel !== 'webhook') {
    throw new InvalidInput('--secret signs generic webhooks only (Slack and Discord URLs carry their own token)');
  }
  if (input.secret !== undefined && input.secret.length < 8)
    throw new InvalidInput('--secret must be 8 characters or more');
  const keywords = (input.keyword ?? []).map((k) => k.trim().replace(/\s+/g, ' '));
  if (keywords.some((k) => k === '')) throw new InvalidInput('--keyword must not be empty');
  return {
    channel,
    target,
    secret: input.secret ?? null,
    accounts: [...new Set((input.account ?? []).map((a) => formatAccountRef(...toPair(parseAccountRef(a)))))],
    actors: parseActorNames(input.actor, '--actor'),
    keywords: [...new Set(keywords)],
    regex: input.regex === undefined ? null : validateRuleRegex(input.regex),
    events: input.on === undefined ? ['new'] : parseAlertEvents(input.on),
    digest: input.digest === undefined ? 'none' : parseDigestMode(input.digest),
  };
}

function toPair(ref: { platform: string; handle: string }): [string, string] {
  return [ref.platform, ref.handle];
}

function parseHttpUrl(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInput(`${flag} needs a URL like https://example.org/hook, got "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInput(`${flag} needs an http:// or https:// URL, got "${text}"`);
  }
  return url.toString();
}

function parseEmail(text: string): string {
  const address = text.trim();
  if (!EMAIL.test(address)) throw new InvalidInput(`--email needs an address like someone@example.org, got "${text}"`);
  return address;
}
