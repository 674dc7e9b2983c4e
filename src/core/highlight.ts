// Marks matched words in a post's own text. PostgreSQL's ts_headline tells
// which words matched, but only on the unaccented text (the search ignores
// accents); this carries its marks back to the original text, word by word,
// so the page shows exactly what was published. Pure.

const WORD = /[\p{L}\p{N}_]+/gu;

export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words between start and stop markers of a headline, folded. */
export function markedWords(headline: string, start: string, stop: string): Set<string> {
  const words = new Set<string>();
  const span = new RegExp(`${start}([^${stop}]*)${stop}`, 'g');
  for (const m of headline.matchAll(span)) for (const w of m[1]!.match(WORD) ?? []) words.add(foldWord(w));
  return words;
}

/** The text with every word whose folded form is in `words` between start and stop markers. */
export function markWords(text: string, words: Set<string>, start: string, stop: string): string {
  const clean = text.replace(new RegExp(`[${start}${stop}]`, 'g'), '');
  if (words.size === 0) return clean;
  return clean.replace(WORD, (w) => (words.has(foldWord(w)) ? `${start}${w}${stop}` : w));
}
