// Guards for pathological pages. DOM parsers and Readability slow down
// sharply with nesting depth (a few thousand nested elements take minutes and
// overflow the stack), so the depth is estimated from the raw markup first:
// deep pages skip Readability, very deep ones are read as text with their
// links kept.

const VOID = new Set(
  'area base br col embed hr img input link meta param source track wbr keygen command basefont frame isindex'.split(
    ' ',
  ),
);
// Elements the parser closes implicitly: counting them would overstate sloppy pages.
const IMPLIED_END = new Set(
  'p li dt dd option optgroup tr td th tbody thead tfoot rb rt rp colgroup caption'.split(' '),
);
const TAG = /<(\/?)([a-zA-Z][\w:-]{0,40})(?:\s[^<>]{0,4000})?>/g;

/** An upper estimate of the element nesting depth of a page, from its markup. */
export function markupDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(TAG)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name) || IMPLIED_END.has(name) || m[0].endsWith('/>')) continue;
    depth = Math.max(0, depth + (m[1] ? -1 : 1));
    if (depth > max) max = depth;
  }
  return max;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '\u2014',
  ndash: '\u2013',
};

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
  });
}

const BLOCK_TAG =
  /<\/?(?:p|div|blockquote|h[1-6]|li|ul|ol|section|article|header|footer|figure|figcaption|pre|table|tr|aside|main|br|hr)\b[^<>]{0,4000}>/gi;

const RAW_TEXT_OPEN = /<(script|style|noscript|template)\b[^<>]{0,4000}>/gi;

/**
 * The page without the content of script, style, noscript and template
 * elements. One pass: each closing tag is looked for once from where the
 * element opens (an element left open runs to the end of the page, as in a
 * browser), so a page of unclosed <script> tags costs no more than its length.
 */
export function withoutRawText(html: string): string {
  const lower = html.toLowerCase();
  const parts: string[] = [];
  let at = 0;
  RAW_TEXT_OPEN.lastIndex = 0;
  for (let m = RAW_TEXT_OPEN.exec(html); m; m = RAW_TEXT_OPEN.exec(html)) {
    parts.push(html.slice(at, m.index), ' ');
    const close = lower.indexOf(`</${m[1]!.toLowerCase()}`, m.index + m[0].length);
    if (close < 0) return parts.join('');
    const end = html.indexOf('>', close);
    at = end < 0 ? html.length : end + 1;
    RAW_TEXT_OPEN.lastIndex = at;
  }
  parts.push(html.slice(at));
  return parts.join('');
}

/** The text of a page without a DOM: block tags become blank lines. */
export function htmlToText(html: string): string {
  return decode(
    withoutRawText(html)
      .replace(BLOCK_TAG, '\n\n')
      .replace(/<[^<>]{0,4000}>/g, ' '),
  );
}

/** The href of every anchor, without a DOM. */
export function hrefsOf(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a\s[^<>]{0,4000}?href\s*=\s*["']([^"'<>]{1,2000})["']/gi)].map((m) => ({
    href: decode(m[1]!),
    text: '',
  }));
}
