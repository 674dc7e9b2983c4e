// Whether an alert rule fires for an event. Pure.
//
// A rule fires when all of these hold:
//   - the event's kind is one of the rule's events (new, edited, deleted, cited);
//   - the event happened at or after the rule was created (a new rule does not
//     fire on a backlog of older events);
//   - the post's account is one of the rule's accounts or a channel of one of
//     its actors (channels as they are when the event is matched, so a channel
//     added later counts), or the rule names neither;
//   - one of the rule's keywords or phrases occurs in the post's text, or the
//     rule has none. Case and accents are ignored ("Ukraine" matches "ukraïne"),
//     and a keyword must stand as whole words: "war" does not match "warning";
//   - the rule's regex (if any) matches the post's text, case-insensitively.
//
// Rule regexes run on RE2 (re2js, a pure-JavaScript port): matching takes time
// linear in the text whatever the pattern, so no rule can freeze the process
// ("(a|aa)+$" or ".*.*.*=.*" backtrack exponentially or polynomially in
// JavaScript's engine). RE2 has no lookaround and no backreferences: rules
// using them are refused when created.
import { RE2JS } from 're2js';
import { InvalidInput } from './errors.js';

export const ALERT_EVENTS = ['new', 'edited', 'deleted', 'cited'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** The longest regex accepted (RE2 compiles a pattern to an automaton whose size grows with it). */
export const MAX_REGEX_LENGTH = 200;

export interface MatchableRule {
  accounts: readonly string[];
  /** Actor names; their channels are given in actorAccounts. */
  actors?: readonly string[];
  /** `platform:handle` of every channel of the rule's actors (every handle each has had). */
  actorAccounts?: readonly string[];
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
  if (!sourceMatches(rule, event.account)) return false;
  if (rule.keywords.length > 0 && !rule.keywords.some((k) => containsWords(event.text, k))) return false;
  if (rule.regex !== null && !compileRuleRegex(rule.regex).matcher(event.text).find()) return false;
  return true;
}

/** A rule without accounts and actors takes every account; otherwise the post's must be one of them. */
function sourceMatches(rule: MatchableRule, account: string | null): boolean {
  if (rule.accounts.length === 0 && (rule.actors?.length ?? 0) === 0) return true;
  if (account === null) return false;
  const wanted = account.toLowerCase();
  return [...rule.accounts, ...(rule.actorAccounts ?? [])].some((a) => a.toLowerCase() === wanted);
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
 * Checks a rule's regex when the rule is created. Refused: empty patterns,
 * patterns longer than MAX_REGEX_LENGTH, and syntax RE2 does not have
 * (lookahead, lookbehind, backreferences) or cannot parse.
 */
export function validateRuleRegex(source: string): string {
  if (source.length === 0) throw new InvalidInput('the regex is empty');
  if (source.length > MAX_REGEX_LENGTH) {
    throw new InvalidInput(`the regex is longer than ${MAX_REGEX_LENGTH} characters`);
  }
  try {
    compileRuleRegex(source);
  } catch (err) {
    throw new InvalidInput(
      `invalid regex ${JSON.stringify(source)}: ${(err as Error).message} (rules use RE2 syntax, which matches in linear time: no lookahead, lookbehind or backreferences)`,
    );
  }
  return source;
}

const compiled = new Map<string, RE2JS>();

function compileRuleRegex(source: string): RE2JS {
  let re = compiled.get(source);
  if (!re) {
    re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
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
