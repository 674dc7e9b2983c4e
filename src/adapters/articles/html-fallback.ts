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

/** The text of a page without a DOM: block tags become blank lines. */
export function htmlToText(html: string): string {
  return decode(
    html
      .replace(/<(script|style|noscript|template)\b[^<>]{0,4000}>[\s\S]{0,2000000}?<\/\1\s*>/gi, ' ')
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
