// Quotations in an article's prose that are attributed to the holder of a
// watched account ("...," said Col. Sonny Leggett). Weaker evidence than an
// embed: the words may have been spoken, not posted, so the match against the
// account's posts decides. Pure.
import { normalizeText, wordCount } from './text-normalize.js';

export interface ProseQuote {
  quote: string;
  /** The surrounding passage that attributes it. */
  context: string;
  handle: string;
  /** The name in the passage that designates the account. */
  alias: string;
}

interface Holder {
  handle: string;
  displayName: string | null;
  aliases?: string[];
}

const QUOTE = /\u201c([^\u201c\u201d]{15,1000})\u201d|"([^"\n]{15,1000})"/g;
const ATTRIBUTION =
  /\b(?:said|says|saying|wrote|writes|tweeted|posted|stated|added|announced|told|according to|in a (?:statement|post|tweet))\b/i;
const CONTEXT_CHARS = 220;
const MIN_QUOTE_WORDS = 5;
// Words too common in titles to designate anyone on their own.
const GENERIC = new Set([
  'spokesman',
  'spokesperson',
  'spokeswoman',
  'official',
  'officials',
  'department',
  'ministry',
  'office',
  'forces',
  'army',
  'press',
  'news',
  'the',
]);

function namesOf(holder: Holder): string[] {
  const names = [holder.handle, holder.handle.replace(/_/g, '-'), holder.displayName ?? '', ...(holder.aliases ?? [])];
  const surnames = names
    .map((n) => n.trim().split(/\s+/))
    .filter((words) => words.length >= 2)
    .map((words) => words.at(-1)!)
    .filter((w) => w.length >= 4 && /^\p{Lu}/u.test(w));
  return [...new Set([...names, ...surnames].map(normalizeText))].filter((n) => n.length >= 3 && !GENERIC.has(n));
}

function blocks(text: string): string[] {
  return text.split(/\n[ \t]*\n|\n/).filter((b) => b.trim());
}

/** Quotations attributed to a watched account's holder, one per (quote, account). */
export function findProseQuotes(text: string, holders: Holder[]): ProseQuote[] {
  const named = holders.map((h) => ({ handle: h.handle, names: namesOf(h) }));
  const found: ProseQuote[] = [];
  for (const block of blocks(text)) {
    for (const m of block.matchAll(QUOTE)) {
      const quote = (m[1] ?? m[2] ?? '').trim().replace(/[,;:]$/, '');
      if (wordCount(quote) < MIN_QUOTE_WORDS) continue;
      const start = Math.max(0, m.index - CONTEXT_CHARS);
      const context = block.slice(start, m.index + m[0].length + CONTEXT_CHARS);
      const outside = context.replace(m[0], ' ');
      if (!ATTRIBUTION.test(outside)) continue;
      const padded = ` ${normalizeText(outside)} `;
      for (const h of named) {
        const alias = h.names.find((n) => padded.includes(` ${n} `));
        if (alias) found.push({ quote, context: context.trim(), handle: h.handle, alias });
      }
    }
  }
  return found;
}
