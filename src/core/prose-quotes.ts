// Quotations in an article's prose that its sentence attributes to a post of
// a watched account's holder ("“...,” the minister wrote on X", «...», a-t-il
// tweeté). Spoken words ("told reporters", "at a briefing", "in a
// statement", "a briefing streamed on X") are not posts. The attribution is
// the one the sentence makes, read outside clauses that describe the speaker
// (", who tweeted on Monday,"): the watched name nearest to the posting verb,
// or, when the sentence names no one, the one account named in the sentences
// before it. Pure.
import { PERSON_TITLES, POSTING_CUES, PRONOUNS, SPEAKING_CUES } from './attribution-lexicon.js';
import { holderNames, type Holder } from './holder-names.js';
import { normalizeText, wordCount } from './text-normalize.js';
import { postedDayIn, type PostedDay } from './posted-day.js';

export interface ProseQuote {
  quote: string;
  /** The sentence that attributes it. */
  context: string;
  /** The holder it is attributed to: its key, else its handle. */
  handle: string;
  /** The name in the sentence that designates the account. */
  alias: string;
  /** True when the sentence (or its pronoun) designates this account and no other. */
  unambiguous: boolean;
  /** The day the sentence says it was posted ("on Monday", "gestern"), outside the quotation. */
  postedDay?: PostedDay;
}

// Quotation marks of the supported languages: “…”, "…", „…“, «…», »…«, ‹…›, 「…」, 『…』, ‚…‘, ‘…’.
const QUOTE = new RegExp(
  [
    String.raw`\u201e([^\u201c\u201d\u201e\n]{4,1000})[\u201c\u201d]`,
    String.raw`\u201c([^\u201c\u201d\n]{4,1000})\u201d`,
    String.raw`"([^"\n]{4,1000})"`,
    String.raw`\u00ab\s*([^\u00ab\u00bb\n]{4,1000}?)\s*\u00bb`,
    String.raw`\u00bb([^\u00ab\u00bb\n]{4,1000})\u00ab`,
    String.raw`\u2039\s*([^\u2039\u203a\n]{4,1000}?)\s*\u203a`,
    String.raw`\u300c([^\u300c\u300d\n]{2,1000})\u300d`,
    String.raw`\u300e([^\u300e\u300f\n]{2,1000})\u300f`,
    String.raw`\u201a([^\u201a\u2018\u2019\n]{4,1000})[\u2018\u2019]`,
    String.raw`(?<!\p{L})\u2018((?:[^\u2018\u2019\n]|\u2019(?=\p{L})){4,1000}?)\u2019(?!\p{L})`,
  ].join('|'),
  'gu',
);
const MIN_QUOTE_WORDS = 2;
/** Quotations read per article: more is not coverage. */
const MAX_QUOTES = 2000;
/**
 * A posting cue right after a speaking one qualifies it ("a statement posted
 * on X", "told her followers on X"): at most this many words between them.
 */
const QUALIFIER_WORDS = 2;
/** Words that open another clause (folded): a posting cue after one of them qualifies no speech before it. */
const CLAUSE_OPENERS = new Set(
  `after before when while because since nachdem bevor als wenn weil wahrend apres avant lorsque quand parce puisque
  despues antes cuando porque mientras depois enquanto dopo prima perche mentre nadat voordat toen wanneer omdat terwijl`.split(
    /\s+/,
  ),
);
/**
 * A clause set off by a comma that describes someone (", who tweeted on
 * Monday,", ", qui avait tweeté lundi,", ", dessen Beitrag auf X ..."): the
 * sentence's attribution is made outside it, so its cues and names are not read.
 */
const ASIDE =
  /,\s*(?:who|whom|whose|which|qui|dont|lequel|laquelle|lesquels|quien|quienes|cuyo|cuya|cuyos|cuyas|dessen|deren|il cui|la cui|i cui|le cui|cujo|cuja|cujos|cujas|wiens|wier)(?!\p{L})[^,;:]*/giu;
const LOOK_BACK_SENTENCES = 3;
/** How much of the sentence either side of a quotation is read for its attribution. */
const CONTEXT_CHARS = 300;

interface Span {
  start: number;
  end: number;
}
interface Found {
  quote: string;
  span: Span;
}
interface Mention {
  handle: string;
  alias: string;
  start: number;
  end: number;
  /** A person named with a title ("Senator Paul Hardy") who is no watched account's holder. */
  titled?: boolean;
}

function quotesIn(block: string): Found[] {
  return [...block.matchAll(QUOTE)].map((m) => ({
    quote: (m.slice(1).find((g) => g !== undefined) ?? '').trim().replace(/[,;:.]$/, ''),
    span: { start: m.index, end: m.index + m[0].length },
  }));
}

// A period after a short capitalized word or an initial ("Col.", "U.S.", "Dr.") ends no sentence.
function endsSentence(block: string, i: number): boolean {
  if (!/[.!?]/.test(block[i]!) || !/^\s/.test(block.slice(i + 1, i + 2))) return false;
  if (block[i] !== '.') return true;
  const word = /([\p{L}.]+)$/u.exec(block.slice(Math.max(0, i - 6), i))?.[1] ?? '';
  return !(/^\p{Lu}/u.test(word) && word.replace(/\./g, '').length <= 3);
}

/** Sentence spans of a block; a quotation never splits one. `quotes` are in order and disjoint. */
export function sentences(block: string, quotes: Span[]): Span[] {
  const spans: Span[] = [];
  let start = 0;
  let next = 0;
  for (let i = 0; i < block.length; i++) {
    while (next < quotes.length && quotes[next]!.end <= i) next++;
    const inside = quotes[next];
    if (inside && i >= inside.start) {
      i = inside.end - 1;
      continue;
    }
    if (endsSentence(block, i)) {
      spans.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  if (block.slice(start).trim()) spans.push({ start, end: block.length });
  return spans;
}

/** Folded text with possessives and elisions opened ("ACLU's" → aclu, "l'ONU" → l onu). */
function fold(text: string): string {
  const opened = text
    .replace(/(\p{L})['\u2019]s(?!\p{L})/gu, '$1')
    .replace(/(?<!\p{L})(\p{Ll}{1,4})['\u2019](?=\p{Lu})/gu, '$1 ');
  return normalizeText(opened);
}

function matchesOf(re: RegExp, padded: string): Span[] {
  return [...padded.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function distance(a: Span, at: number): number {
  return a.end <= at ? at - a.end : Math.max(0, a.start - at);
}

interface Attribution {
  /** The text read around the quotation, as printed. */
  raw: string;
  padded: string;
  quoteAt: number;
}

/** The sentence around a quotation in folded form, with the quotation's place in it. */
function attributionText(sentence: string, quote: Span): Attribution {
  const left = fold(withoutAsides(sentence.slice(Math.max(0, quote.start - CONTEXT_CHARS), quote.start)));
  const right = fold(withoutAsides(sentence.slice(quote.end, quote.end + CONTEXT_CHARS)));
  const raw = `${sentence.slice(Math.max(0, quote.start - CONTEXT_CHARS), quote.start)} ${sentence.slice(quote.end, quote.end + CONTEXT_CHARS)}`;
  return { raw, padded: ` ${left} ${right} `, quoteAt: left.length + 1 };
}

function withoutAsides(text: string): string {
  return text.replace(ASIDE, ',');
}

/**
 * The posting cue that attributes the quotation, unless a speaking cue is
 * nearer. A posting cue inside a speaking one ("a briefing streamed on X") is
 * part of the speech.
 */
function postingCue({ padded, quoteAt }: Attribution): Span | undefined {
  const speaking = matchesOf(SPEAKING_CUES, padded);
  const posting = matchesOf(POSTING_CUES, padded)
    .filter((p) => !speaking.some((s) => s.start <= p.start && p.end <= s.end))
    .sort((a, b) => distance(a, quoteAt) - distance(b, quoteAt));
  const nearest = posting[0];
  if (!nearest) return undefined;
  const qualifies = (s: Span, p: Span) => {
    const gap = padded.slice(s.end, p.start).trim().split(' ').filter(Boolean);
    return p.start >= s.end - 1 && gap.length <= QUALIFIER_WORDS && !gap.some((w) => CLAUSE_OPENERS.has(w));
  };
  const qualified = posting.find((p) => speaking.some((s) => qualifies(s, p)));
  if (qualified) return qualified;
  const spoken = speaking.some((s) => distance(s, quoteAt) < distance(nearest, quoteAt));
  return spoken ? undefined : nearest;
}

interface Named {
  handle: string;
  names: string[];
  covers: readonly string[];
}

function mentionsIn(padded: string, named: Named[], others: string[], people: string[] = []): Mention[] {
  const all: Mention[] = [];
  const look = (handle: string, alias: string, titled = false) => {
    for (let at = padded.indexOf(` ${alias} `); at >= 0; at = padded.indexOf(` ${alias} `, at + 1))
      all.push({ handle, alias, start: at + 1, end: at + 1 + alias.length, ...(titled ? { titled } : {}) });
  };
  for (const h of named) h.names.forEach((n) => look(h.handle, n));
  others.forEach((o) => look('', o));
  people.forEach((p) => look('', p, true));
  // A titled name that says a watched holder's name ("Commissioner Okafor") is that holder.
  const overlaps = (a: Mention, b: Mention) => a.start < b.end && b.start < a.end;
  const found = all.filter((m) => !m.titled || !all.some((w) => w.handle && overlaps(w, m)));
  // A longer name covers the shorter ones inside it ("jane doe" over "doe"), and
  // a name of an actor covers the same name of its own channel.
  const covers = new Map(named.map((h) => [h.handle, h.covers]));
  const covered = (o: Mention, m: Mention) =>
    o.start <= m.start &&
    o.end >= m.end &&
    (o.end - o.start > m.end - m.start || (covers.get(o.handle)?.includes(m.handle) ?? false));
  return found.filter((m) => !found.some((o) => o !== m && covered(o, m)));
}

/**
 * People named with a title in a text as printed ("Senator Paul Hardy", "la
 * sindaca Laura Rossi"): the title and up to three capitalized words after it,
 * folded. Whether one of them is a watched holder is decided where they are found.
 */
function titledPeople(text: string): string[] {
  const words = [...text.matchAll(/\p{L}[\p{L}\p{M}'\u2019.-]*/gu)];
  const people: string[] = [];
  for (let i = 0; i < words.length - 1; i++) {
    if (!PERSON_TITLES.has(normalizeText(words[i]![0]))) continue;
    const name: string[] = [];
    for (let j = i + 1; j < words.length && name.length < 3; j++) {
      const gap = text.slice(words[j - 1]!.index + words[j - 1]![0].length, words[j]!.index);
      const previous = words[j - 1]![0];
      // A period ends the name, unless it ends an initial or the title's abbreviation ("Sen.", "J.").
      const ended = j > i + 1 && previous.endsWith('.') && previous.length > 2;
      if (ended || !/^\s+$/.test(gap) || !/^\p{Lu}/u.test(words[j]![0])) break;
      name.push(words[j]![0]);
    }
    if (name.length) people.push(fold(`${words[i]![0]} ${name.join(' ')}`));
  }
  return people;
}

/** @handles in a text that belong to no watched account (they designate someone else). */
function otherHandles(text: string, named: { handle: string }[]): string[] {
  const watched = new Set(named.map((n) => n.handle.toLowerCase()));
  return [...text.matchAll(/@([A-Za-z0-9_]{1,15})/g)]
    .filter((m) => !watched.has(m[1]!.toLowerCase()))
    .map((m) => normalizeText(m[1]!));
}

interface Context {
  named: Named[];
  /** Folded sentences before this one (nearest last). */
  before: string[];
}

function attribute(sentence: string, q: Found, ctx: Context): Omit<ProseQuote, 'quote' | 'context'> | undefined {
  const a = attributionText(sentence, q.span);
  const cue = postingCue(a);
  if (!cue) return undefined;
  const day = postedDayIn(a.padded);
  const when = day ? { postedDay: day } : {};
  const mentions = mentionsIn(a.padded, ctx.named, otherHandles(a.raw, ctx.named), titledPeople(a.raw));
  if (mentions.length) {
    const near = (m: Mention) => Math.min(distance(m, cue.start), distance(m, cue.end));
    const best = mentions.reduce((x, y) => (near(y) < near(x) ? y : x));
    if (!best.handle) return undefined;
    const sole = mentions.every((m) => m.handle === best.handle);
    return { handle: best.handle, alias: best.alias, unambiguous: sole, ...when };
  }
  const earlier = ctx.before.flatMap((s) => mentionsIn(` ${s} `, ctx.named, []));
  const handles = new Set(earlier.map((m) => m.handle));
  if (handles.size !== 1) return undefined;
  const pronoun = PRONOUNS.test(a.padded);
  PRONOUNS.lastIndex = 0;
  return { handle: earlier.at(-1)!.handle, alias: earlier.at(-1)!.alias, unambiguous: pronoun, ...when };
}

/** Quotations attributed to a watched account's holder, one per (quote, account). */
export function findProseQuotes(text: string, holders: Holder[]): ProseQuote[] {
  const named = holders.map((h) => ({ handle: h.key ?? h.handle, names: holderNames(h), covers: h.covers ?? [] }));
  const found: ProseQuote[] = [];
  const before: string[] = [];
  let read = 0;
  for (const block of text.split(/\n/).filter((b) => b.trim())) {
    const quotes = quotesIn(block);
    let next = 0;
    for (const s of sentences(
      block,
      quotes.map((q) => q.span),
    )) {
      const sentence = block.slice(s.start, s.end);
      const inside: Found[] = [];
      while (next < quotes.length && quotes[next]!.span.end <= s.end) inside.push(quotes[next++]!);
      for (const q of inside) {
        if (++read > MAX_QUOTES) return found;
        if (wordCount(q.quote) < MIN_QUOTE_WORDS) continue;
        const local = { quote: q.quote, span: { start: q.span.start - s.start, end: q.span.end - s.start } };
        const who = attribute(sentence, local, { named, before });
        if (!who || found.some((f) => f.quote === q.quote && f.handle === who.handle)) continue;
        found.push({ quote: q.quote, context: sentence.trim(), ...who });
      }
      before.push(fold(withoutQuotes(sentence, inside, s.start)));
      if (before.length > LOOK_BACK_SENTENCES) before.shift();
    }
  }
  return found;
}

/** The sentence with its quotations blanked out (bounded: the look-back reads names only). */
function withoutQuotes(sentence: string, quotes: Found[], offset: number): string {
  let out = '';
  let at = 0;
  for (const q of quotes) {
    out += `${sentence.slice(at, q.span.start - offset)} `;
    at = q.span.end - offset;
  }
  return (out + sentence.slice(at)).slice(-2 * CONTEXT_CHARS);
}
