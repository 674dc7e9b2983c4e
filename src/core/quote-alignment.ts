// How much of a prose quotation a post says, word by word and in order: the
// share of the quotation's words that line up with the post's (a longest
// common subsequence). Newsrooms change a word or two when they quote ("about"
// for "approximately", a spelling); a quotation that changes what the post
// states is not a copy of it, however many words they share:
// - a number, a negation or a name (a capitalized word inside a sentence) of
//   the quotation that the post does not say there ("3 vessels" for "2
//   vessels", "will not be lifted", "the Cedar crossing" for "the Birch
//   crossing");
// - a number or a negation of the post that the quotation leaves out between
//   words it does quote (and not at an elision "…");
// - words in another order ("the tunnel is open, the bridge closed" against
//   "the bridge is open, the tunnel closed") line up only in part.
// Words are compared in `normalizeText` form, across the supported languages
// at once. Pure.
import { normalizeText } from './text-normalize.js';

// Folded forms (lower case, no accents, apostrophes joined: "don't" → dont).
const NEGATIONS = new Set(
  `not no never nor none nothing nobody neither cannot cant dont doesnt didnt wont isnt arent wasnt werent
  couldnt shouldnt wouldnt hasnt havent hadnt without
  ne pas jamais aucun aucune rien ni sans
  nunca ningun ninguno ninguna nada nadie jamas sin tampoco
  nicht kein keine keinen keinem keiner keines nie niemals nichts ohne weder
  nao nenhum nenhuma nem sem
  non mai nessun nessuno nessuna niente senza
  niet geen nooit niets zonder noch niemand`.split(/\s+/),
);
// Counts that are also other words ("one", "un", "ein", "een", "sei") are left out where the clash is common.
const NUMBER_WORDS = new Set(
  `two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred hundreds thousand
  thousands million millions billion dozen dozens
  deux trois quatre cinq sept huit neuf dix onze douze vingt trente cent cents mille millier milliers milliard
  dos tres cuatro cinco seis siete ocho nueve diez once doce veinte treinta cien cientos mil millon millones
  zwei drei vier funf sechs sieben acht neun zehn elf zwolf zwanzig dreissig hundert tausend million millionen
  milliarde dutzend
  dois duas tres quatro cinco seis sete oito nove dez onze doze vinte trinta cem mil milhao milhoes
  due tre quattro cinque sette otto nove dieci undici dodici venti trenta cento mille milione milioni
  twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig honderd duizend miljoen`.split(/\s+/),
);

interface Word {
  norm: string;
  /** Capitalized inside a sentence: a name. */
  name: boolean;
  /** An elision ("…", "...", bracketed words) comes before it. */
  afterGap: boolean;
}

const ELISION = /\u2026|\.\.\./g;
/** Words the newsroom put in brackets ("[the crossing] remains closed") are its own: an elision. */
const BRACKETED = /\[[^\]]{0,200}\]/g;
/** A number written with group separators (1,500 · 1.500 · 1 500) is one word, as 1500 is. */
const GROUPED = /(?<![\d.,])(\d{1,3})((?:[,.\u00a0\u202f ]\d{3})+)(?![\d]|[.,]\d)/g;

function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let sentenceStart = true;
  let gap = false;
  const plain = text
    .replace(BRACKETED, ' \u2026 ')
    .replace(GROUPED, (_m, head: string, rest: string) => head + rest.replace(/\D/g, ''));
  for (const chunk of plain.split(/\s+/)) {
    if (!chunk) continue;
    const bare = chunk.replace(ELISION, ' ');
    if (bare !== chunk) gap = true;
    const norms = normalizeText(bare).split(' ').filter(Boolean);
    const capital = /^[^\p{L}\p{N}]*\p{Lu}/u.test(chunk);
    norms.forEach((norm, i) => {
      words.push({ norm, name: capital && !sentenceStart && i === 0, afterGap: gap && i === 0 });
      gap = false;
    });
    if (norms.length > 0) sentenceStart = /[.!?:;]["'\u201d\u2019\u00bb]*$/u.test(chunk);
  }
  return words;
}

function isCritical(norm: string): boolean {
  return /\p{N}/u.test(norm) || NEGATIONS.has(norm) || NUMBER_WORDS.has(norm);
}

/** One edit apart, for words long enough that this is a spelling ("organisation", "organization"). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  return a.length - i - j <= 1 && b.length - i - j <= 1;
}

function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 5 || b.length < 5 || isCritical(a) || isCritical(b)) return false;
  return oneEditApart(a, b);
}

/**
 * The share (0..1) of the quotation's words that the post says in the same
 * order; 0 when the quotation changes a number, a negation or a name.
 */
export function alignedShare(quote: string, post: string): number {
  const q = wordsOf(quote);
  const p = wordsOf(post);
  if (q.length === 0 || p.length === 0) return 0;
  // lcs[i][j]: longest common subsequence of q[i..] and p[j..].
  const width = p.length + 1;
  const lcs = new Uint16Array((q.length + 1) * width);
  for (let i = q.length - 1; i >= 0; i--) {
    for (let j = p.length - 1; j >= 0; j--) {
      lcs[i * width + j] = sameWord(q[i]!.norm, p[j]!.norm)
        ? lcs[(i + 1) * width + j + 1]! + 1
        : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  let aligned = 0;
  let lastPost = -1;
  while (i < q.length && j < p.length) {
    if (sameWord(q[i]!.norm, p[j]!.norm) && lcs[i * width + j] === lcs[(i + 1) * width + j + 1]! + 1) {
      // Post words skipped between two quoted ones, where the quotation marks no elision.
      if (lastPost >= 0 && !q[i]!.afterGap && p.slice(lastPost + 1, j).some((w) => isCritical(w.norm))) return 0;
      aligned++;
      lastPost = j;
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      if (isCritical(q[i]!.norm) || q[i]!.name) return 0;
      i++;
    } else {
      j++;
    }
  }
  for (; i < q.length; i++) if (isCritical(q[i]!.norm) || q[i]!.name) return 0;
  return aligned / q.length;
}
