// Whether an alert rule fires for an event. Pure.
//
// A rule fires when all of these hold:
//   - the event's kind is one of the rule's events (new, edited, deleted, cited);
//   - the event happened at or after the rule was created (a new rule does not
//     fire on a backlog of older events);
//   - the post's account is one of the rule's accounts, or the rule has none;
//   - one of the rule's keywords or phrases occurs in the post's text, or the
//     rule has none. Case and accents are ignored ("Ukraine" matches "ukraïne"),
//     and a keyword must stand as whole words: "war" does not match "warning";
//   - the rule's regex (if any) matches the post's text (flags `iu`).
import safeRegex from 'safe-regex2';
import { InvalidInput } from './errors.js';

export const ALERT_EVENTS = ['new', 'edited', 'deleted', 'cited'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** The longest regex accepted: long patterns are where slow ones hide. */
export const MAX_REGEX_LENGTH = 200;
/** The most quantifiers a regex may hold (safe-regex2's repetition limit). */
const MAX_REGEX_REPETITIONS = 10;

export interface MatchableRule {
  accounts: readonly string[];
  keywords: readonly string[];
  regex: string | null;
  events: readonly string[];
  createdAt: Date;
}

export interface MatchableEvent {
  kind: string;
  createdAt: Date;
  /** `platform:handle`, or null when the post's account is unknown. */
  account: string | null;
  text: string;
}

export function ruleFires(rule: MatchableRule, event: MatchableEvent): boolean {
  if (!rule.events.includes(event.kind)) return false;
  if (event.createdAt.getTime() < rule.createdAt.getTime()) return false;
  if (!accountMatches(rule.accounts, event.account)) return false;
  if (rule.keywords.length > 0 && !rule.keywords.some((k) => containsWords(event.text, k))) return false;
  if (rule.regex !== null && !compileRuleRegex(rule.regex).test(event.text)) return false;
  return true;
}

function accountMatches(accounts: readonly string[], account: string | null): boolean {
  if (accounts.length === 0) return true;
  if (account === null) return false;
  const wanted = account.toLowerCase();
  return accounts.some((a) => a.toLowerCase() === wanted);
}

/** Lower case, without accents or other combining marks, with whitespace collapsed. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

const WORD_CHAR = String.raw`[\p{L}\p{N}_]`;

/**
 * Whether `needle` (a word or a phrase) occurs in `text` as whole words.
 * Boundaries are Unicode-aware: a letter or digit of any script next to the
 * match means it is part of a longer word.
 */
export function containsWords(text: string, needle: string): boolean {
  const folded = foldText(needle);
  if (folded === '') return false;
  const body = folded
    .split(' ')
    .map(escapeRegex)
    .join(String.raw`\s+`);
  const pattern = new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, 'u');
  return pattern.test(foldText(text));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Checks a rule's regex when the rule is created. Refused: invalid syntax,
 * patterns longer than MAX_REGEX_LENGTH, and patterns that safe-regex2 flags as
 * possibly catastrophic (nested quantifiers such as `(a+)+`, or too many
 * quantifiers) or cannot parse (lookbehind): refusing what cannot be checked
 * is the safe side. JavaScript's engine backtracks and cannot be interrupted, so
 * the check happens before a pattern can ever run on a post.
 */
export function validateRuleRegex(source: string): string {
  if (source.length === 0) throw new InvalidInput('the regex is empty');
  if (source.length > MAX_REGEX_LENGTH) {
    throw new InvalidInput(`the regex is longer than ${MAX_REGEX_LENGTH} characters`);
  }
  try {
    compileRuleRegex(source);
  } catch (err) {
    throw new InvalidInput(`invalid regex ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  if (!safeRegex(source, { limit: MAX_REGEX_REPETITIONS })) {
    throw new InvalidInput(
      `regex ${JSON.stringify(source)} is refused: it may take exponential time (nested quantifiers like (a+)+, more than ${MAX_REGEX_REPETITIONS} quantifiers) or uses syntax the safety check cannot read (lookbehind); simplify it`,
    );
  }
  return source;
}

const compiled = new Map<string, RegExp>();

function compileRuleRegex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'iu');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/** Parses `new,edited` into a list of alert events, refusing unknown names. */
export function parseAlertEvents(text: string): AlertEvent[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidInput(`no events given (known: ${ALERT_EVENTS.join(', ')})`);
  for (const name of names) {
    if (!(ALERT_EVENTS as readonly string[]).includes(name)) {
      throw new InvalidInput(`unknown event "${name}" (known: ${ALERT_EVENTS.join(', ')})`);
    }
  }
  return [...new Set(names)] as AlertEvent[];
}
