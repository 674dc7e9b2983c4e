// The filtered stream's rules as X documents them ("Build a rule", "Operators"):
// terms joined by a space (AND) or OR (AND binds first), parentheses, `-`
// negation, quoted phrases, #hashtags, @mentions, keywords, and the operators
// the fake plays (`from:`, `to:`, `retweets_of:` with a username or numeric
// user ID; `is:retweet|reply|quote|verified`, `has:media|links|hashtags|mentions`,
// `lang:`). Conjunction-required operators (is:, has:, lang:) cannot stand
// alone; grouped terms cannot be negated. Rule sets enforce the plan's length
// and count limits, reject duplicates, and can be checked with dry_run.
import type { FakePost, FakeUser } from './fake-x-state.js';

export type RuleNode =
  | { op: 'and' | 'or'; terms: RuleNode[] }
  | { op: 'not'; term: RuleNode }
  | { op: 'term'; kind: 'keyword' | 'phrase' | 'hashtag' | 'mention' | 'operator'; name?: string; value: string };

const STANDALONE = new Set(['from', 'to', 'retweets_of', 'url', 'conversation_id']);
const CONJUNCTION = new Set(['is', 'has', 'lang']);
const IS_VALUES = new Set(['retweet', 'reply', 'quote', 'verified', 'nullcast']);
const HAS_VALUES = new Set(['media', 'links', 'hashtags', 'mentions', 'images', 'cashtags']);

class RuleSyntaxError extends Error {}

function tokenize(value: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(value))) {
    tokens.push(m[1]!);
    end = re.lastIndex;
  }
  if (value.slice(end).trim()) throw new RuleSyntaxError(`unbalanced quote at position ${end}`);
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parse(): RuleNode {
    const node = this.or();
    if (this.i < this.tokens.length) throw new RuleSyntaxError(`unexpected "${this.tokens[this.i]}"`);
    return node;
  }

  private or(): RuleNode {
    const terms = [this.and()];
    while (this.tokens[this.i] === 'OR') {
      this.i++;
      terms.push(this.and());
    }
    return terms.length === 1 ? terms[0]! : { op: 'or', terms };
  }

  private and(): RuleNode {
    const terms: RuleNode[] = [];
    while (this.i < this.tokens.length && this.tokens[this.i] !== ')' && this.tokens[this.i] !== 'OR') {
      terms.push(this.unary());
    }
    if (!terms.length) throw new RuleSyntaxError('an empty group or a dangling OR');
    return terms.length === 1 ? terms[0]! : { op: 'and', terms };
  }

  private unary(): RuleNode {
    const token = this.tokens[this.i]!;
    if (token === '(') {
      this.i++;
      const inner = this.or();
      if (this.tokens[this.i++] !== ')') throw new RuleSyntaxError('missing ")"');
      return inner;
    }
    this.i++;
    if (token === '-') throw new RuleSyntaxError('grouped terms cannot be negated (or a lone "-")');
    if (token.startsWith('-')) return { op: 'not', term: readTerm(token.slice(1)) };
    return readTerm(token);
  }
}

function readTerm(token: string): RuleNode {
  if (token.startsWith('"') && (token.length < 2 || !token.endsWith('"')))
    throw new RuleSyntaxError('unbalanced quote');
  if (token.startsWith('"')) return { op: 'term', kind: 'phrase', value: token.slice(1, -1).toLowerCase() };
  if (token.startsWith('#') && token.length > 1)
    return { op: 'term', kind: 'hashtag', value: token.slice(1).toLowerCase() };
  if (token.startsWith('@') && token.length > 1)
    return { op: 'term', kind: 'mention', value: token.slice(1).toLowerCase() };
  const colon = token.indexOf(':');
  if (colon > 0) {
    const name = token.slice(0, colon).toLowerCase();
    const value = token.slice(colon + 1);
    if (!STANDALONE.has(name) && !CONJUNCTION.has(name)) {
      throw new RuleSyntaxError(`Reference to invalid operator '${name}'`);
    }
    if (!value) throw new RuleSyntaxError(`operator '${name}:' needs a value`);
    if (name === 'is' && !IS_VALUES.has(value)) throw new RuleSyntaxError(`Reference to invalid field '${value}'`);
    if (name === 'has' && !HAS_VALUES.has(value)) throw new RuleSyntaxError(`Reference to invalid field '${value}'`);
    return { op: 'term', kind: 'operator', name, value: value.toLowerCase() };
  }
  if (token === 'AND' || token === 'OR') throw new RuleSyntaxError(`misplaced ${token}`);
  return { op: 'term', kind: 'keyword', value: token.toLowerCase() };
}

/** Whether a positive standalone term exists (a rule of only is:/has:/lang: or negations is refused). */
function hasStandalone(node: RuleNode): boolean {
  if (node.op === 'not') return false;
  if (node.op === 'term') return node.kind !== 'operator' || STANDALONE.has(node.name!);
  return node.op === 'or' ? node.terms.every(hasStandalone) : node.terms.some(hasStandalone);
}

/** The rule, or X's `details` for an invalid one. */
export function parseRule(value: string): { ok: true; node: RuleNode } | { ok: false; details: string[] } {
  try {
    const node = new Parser(tokenize(value)).parse();
    if (!hasStandalone(node)) {
      return {
        ok: false,
        details: ['Rules must contain a non-negation term that is not a conjunction-required operator.'],
      };
    }
    return { ok: true, node };
  } catch (err) {
    return { ok: false, details: [`${(err as Error).message} (in "${value}")`] };
  }
}

export interface MatchContext {
  post: FakePost;
  author: FakeUser | undefined;
  userById(id: string): FakeUser | undefined;
}

function sameUser(ref: string, id: string | undefined, ctx: MatchContext): boolean {
  if (!id) return false;
  if (/^\d+$/.test(ref)) return ref === id;
  return ctx.userById(id)?.username.toLowerCase() === ref;
}

function matchOperator(name: string, value: string, ctx: MatchContext): boolean {
  const { post } = ctx;
  const refs = post.referenced_tweets ?? [];
  switch (name) {
    case 'from':
      return sameUser(value, post.author_id, ctx);
    case 'to':
      return sameUser(value, post.in_reply_to_user_id, ctx);
    case 'retweets_of': {
      const original = refs.find((r) => r.type === 'retweeted');
      return Boolean(original) && post.text.toLowerCase().startsWith(`rt @${value}`);
    }
    case 'is':
      if (value === 'retweet') return refs.some((r) => r.type === 'retweeted');
      if (value === 'reply') return refs.some((r) => r.type === 'replied_to');
      if (value === 'quote') return refs.some((r) => r.type === 'quoted');
      if (value === 'verified') return Boolean(ctx.author?.verified);
      return false;
    case 'has':
      if (value === 'media' || value === 'images') return Boolean(post.attachments?.media_keys?.length);
      return Boolean(
        (post.entities as Record<string, unknown[]> | undefined)?.[value === 'links' ? 'urls' : value]?.length,
      );
    case 'lang':
      return post.lang === value;
    case 'conversation_id':
      return post.conversation_id === value;
    default:
      return false;
  }
}

export function matchesRule(node: RuleNode, ctx: MatchContext): boolean {
  switch (node.op) {
    case 'and':
      return node.terms.every((t) => matchesRule(t, ctx));
    case 'or':
      return node.terms.some((t) => matchesRule(t, ctx));
    case 'not':
      return !matchesRule(node.term, ctx);
    case 'term': {
      const text = (ctx.post.note_tweet?.text ?? ctx.post.text).toLowerCase();
      if (node.kind === 'operator') return matchOperator(node.name!, node.value, ctx);
      if (node.kind === 'hashtag') return new RegExp(`#${escape(node.value)}\\b`).test(text);
      if (node.kind === 'mention') return new RegExp(`@${escape(node.value)}\\b`).test(text);
      if (node.kind === 'phrase') return text.includes(node.value);
      return new RegExp(`(^|[^\\p{L}\\p{N}_])${escape(node.value)}($|[^\\p{L}\\p{N}_])`, 'u').test(text);
    }
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
