// The text of a plain-text embed as a page prints it: where the author's
// name starts in the signature line (display names contain dashes and
// separators themselves), and the forms the post's text may take when the
// page's breaks do not show where it starts. Pure.
import { wordCount } from './text-normalize.js';

/** How far above a signature the post's text may start (embeds show at most a few thousand characters). */
export const MAX_EMBED_CHARS = 6000;
// The separator before the name: an em dash anywhere, other dashes at the line's start or between spaces.
const SEPARATOR = /\u2014|&mdash;|^\s*(?:--|\u2013|-)|\s(?:--|\u2013|-)(?=\s)/g;

/** X display names have at most 50 characters. */
const MAX_NAME_CHARS = 50;
// Separators by strength: the widget prints an em dash; pipelines turn it into `--`, `–` or `-`.
const SEPARATOR_TIERS = [/\u2014|&mdash;/, /--/, /\u2013/, /-/];

/**
 * Where the name starts in the text before `(@handle)`. A separator at the
 * line's start is the signature's own; otherwise the strongest kind of
 * separator present, its first occurrence that leaves a name of display-name
 * length (names such as `Jane Doe - Ministry` contain dashes themselves).
 */
export function splitNamePrefix(prefix: string): { before: string; name: string } | undefined {
  const seps = [...prefix.matchAll(SEPARATOR)];
  if (seps.length === 0) return undefined;
  const cut = (m: RegExpMatchArray) => ({
    before: prefix.slice(0, m.index),
    name: prefix.slice(m.index! + m[0].length).trim(),
  });
  const atStart = seps.find((m) => prefix.slice(0, m.index).trim() === '');
  if (atStart) return cut(atStart);
  for (const tier of SEPARATOR_TIERS) {
    const ofTier = seps.filter((m) => tier.test(m[0]));
    const fits = ofTier.find((m) => [...cut(m).name].length <= MAX_NAME_CHARS);
    if (fits) return cut(fits);
  }
  return cut(seps.at(-1)!);
}

/** Units (paragraphs or lines) above a signature that may belong to its post. */
const MAX_TEXT_UNITS = 6;
// A lead-in clause of the article before the post's words: "He added in a second message: ...".
const LEAD_IN = /^([^:\n]{3,120}):\s+(?=\S)/;
const MAX_LEAD_IN_WORDS = 12;

/** The units printed before a signature, nearest last: the signature's own line ends the post. */
export function unitsBefore(body: string, lineStart: number, sameLine: string, paragraphs: boolean): string[] {
  const above = body.slice(Math.max(0, lineStart - MAX_EMBED_CHARS), lineStart);
  const startsBlock = above.trim() === '' || /\n[ \t]*\n[ \t]*$/.test(above);
  const trimmed = above.replace(/\s+$/, '');
  const units = (paragraphs ? trimmed.split(/\n[ \t]*\n/) : trimmed.split('\n')).map((u) => u.trim()).filter(Boolean);
  // In block mode the rest of the signature line's block belongs to the post.
  if (sameLine.trim() && paragraphs && !startsBlock) units.push(`${units.pop() ?? ''}\n${sameLine}`.trim());
  else if (sameLine.trim()) units.push(sameLine.trim());
  return units.slice(-MAX_TEXT_UNITS);
}

function withoutLeadIn(text: string): string | undefined {
  const m = LEAD_IN.exec(text);
  if (!m || wordCount(m[1]!) > MAX_LEAD_IN_WORDS || /https?:\/\//.test(m[1]!)) return undefined;
  const rest = text.slice(m[0].length).trim();
  return wordCount(rest) > 0 ? rest : undefined;
}

/** The nearest unit as the post's text, and the longer and lead-in-free forms it may take. */
export function textForms(units: string[]): { text: string; variants: string[] } {
  const text = units.at(-1) ?? '';
  const longer = units
    .slice(0, -1)
    .map((_, i) => units.slice(i).join('\n'))
    .reverse();
  const forms = [text, ...longer];
  const bare = forms.flatMap((f) => withoutLeadIn(f) ?? []);
  const variants = [...new Set([...longer, ...bare])].filter((v) => v !== text);
  return { text, variants };
}
