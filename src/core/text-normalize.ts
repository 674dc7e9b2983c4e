// Normalizes post text and an article's copy of it so that the two compare
// equal when they differ only in presentation: typographic quotes and
// dashes, accents, case, whitespace, hashtag and mention marks, t.co and
// pic.x.com links (the API shows one, the embed the other), HTML entities
// (the API escapes &, < and >), truncation marks and common abbreviations.
// Pure.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

// Both sides are rewritten to the long form, so "Col." and "Colonel" meet.
const ABBREVIATIONS: [RegExp, string][] = [
  [/\bu\.\s?s\.\s?a\.?(?=\s|$|[,;:!?)])/g, 'usa'],
  [/\bu\.\s?s\.(?=\s|$|[,;:!?)'-])/g, 'us'],
  [/\bu\.\s?k\.(?=\s|$|[,;:!?)'-])/g, 'uk'],
  [/\bu\.\s?n\.(?=\s|$|[,;:!?)'-])/g, 'un'],
  [/\bcol\b\.?/g, 'colonel'],
  [/\blt\b\.?/g, 'lieutenant'],
  [/\bgen\b\.?/g, 'general'],
  [/\bmaj\b\.?/g, 'major'],
  [/\bcapt\b\.?/g, 'captain'],
  [/\bsgt\b\.?/g, 'sergeant'],
  [/\bdept\b\.?/g, 'department'],
  [/\bgov'?t\b\.?/g, 'government'],
  [/\bsec\b\.?/g, 'secretary'],
  [/\bamb\b\.?/g, 'ambassador'],
  [/\bnat'?l\b\.?/g, 'national'],
  [/\bint'?l\b\.?/g, 'international'],
  [/\bpres\b\.?/g, 'president'],
  [/\bsen\b\.?/g, 'senator'],
  [/\brep\b\.?/g, 'representative'],
  [/\bapprox\b\.?/g, 'approximately'],
  [/\bjan\b\.?/g, 'january'],
  [/\bfeb\b\.?/g, 'february'],
  [/\baug\b\.?/g, 'august'],
  [/\bsept?\b\.?/g, 'september'],
  [/\boct\b\.?/g, 'october'],
  [/\bnov\b\.?/g, 'november'],
  [/\bdec\b\.?/g, 'december'],
  [/\s&\s/g, ' and '],
];

const LINKS = [
  /\bhttps?:\/\/\S+/g, // t.co links and any other URL: the two sides show different forms
  /\b(?:pic\.(?:x|twitter)\.com|t\.co)\/\S+/g,
  // Bounded repetitions keep this linear on hostile text ("a.a.a.a…").
  /\b(?:www\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,6}\.(?:com|org|net|gov|mil|int|edu|io|co|uk|af|ly)\/\S*/g,
];

/** True when the text ends in a truncation mark (… or ...). */
export function isTruncated(text: string): boolean {
  // endsWith, not /(?:…|\.\.\.)\s*$/: that pattern is retried at every dot of a long run (quadratic).
  const trimmed = text.trim();
  return trimmed.endsWith('\u2026') || trimmed.endsWith('...');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The comparable form of a text: lower-case words separated by single spaces. */
export function normalizeText(text: string): string {
  let t = decodeEntities(text).normalize('NFKD').replace(/\p{M}/gu, '');
  t = t.toLowerCase();
  t = t
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u02bc`\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"');
  t = t.replace(/[\u2010-\u2015\u2212]/g, '-');
  for (const re of LINKS) t = t.replace(re, ' ');
  t = t.replace(/\u2026|\.\.\./g, ' ');
  t = t.replace(/[#@$](?=[\p{L}\p{N}_])/gu, '');
  for (const [re, long] of ABBREVIATIONS) t = t.replace(re, long);
  t = t.replace(/(\p{L})'(\p{L})/gu, '$1$2'); // don't -> dont, on both sides
  t = t.replace(/[^\p{L}\p{N}]+/gu, ' ');
  return t.trim();
}

function trigrams(normalized: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (const word of normalized.split(' ')) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = padded.slice(i, i + 3);
      grams.set(g, (grams.get(g) ?? 0) + 1);
    }
  }
  return grams;
}

function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  for (const [g, n] of a) shared += Math.min(n, b.get(g) ?? 0);
  return shared;
}

function size(grams: Map<string, number>): number {
  let n = 0;
  for (const v of grams.values()) n += v;
  return n;
}

/**
 * Similarity (0..1) of an article's copy of a post and the archived text.
 * A truncated copy is compared with the same-length prefix of the archived text.
 */
export function textSimilarity(witnessed: string, archived: string): number {
  const a = gramsOf(witnessed);
  let b = gramsOf(archived);
  if (!a.norm || !b.norm) return 0;
  if (isTruncated(witnessed) && b.norm.length > a.norm.length) b = gramsOfNormalized(b.norm.slice(0, a.norm.length));
  return (2 * overlap(a.grams, b.grams)) / (a.size + b.size);
}

interface Grams {
  norm: string;
  grams: Map<string, number>;
  size: number;
}

function gramsOfNormalized(norm: string): Grams {
  const grams = trigrams(norm);
  return { norm, grams, size: size(grams) };
}

// A text is compared with many others (an embed's forms with each candidate
// post, each post with each form): its normalized form and trigrams are
// worked out once. Bounded: emptied when full.
const GRAMS = new Map<string, Grams>();
const GRAMS_KEPT = 4096;

function gramsOf(text: string): Grams {
  let g = GRAMS.get(text);
  if (!g) {
    if (GRAMS.size >= GRAMS_KEPT) GRAMS.clear();
    g = gramsOfNormalized(normalizeText(text));
    GRAMS.set(text, g);
  }
  return g;
}

/** How much of a quotation (0..1) appears in a post: for partial quotes in prose. */
export function containment(quote: string, text: string): number {
  const q = gramsOf(quote);
  return q.size === 0 ? 0 : overlap(q.grams, gramsOf(text).grams) / q.size;
}

/** Number of words of a text after normalization. */
export function wordCount(text: string): number {
  const n = normalizeText(text);
  return n ? n.split(' ').length : 0;
}
