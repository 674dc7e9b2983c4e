// The HTML of a feed item (RSS description and content:encoded, Atom html and
// xhtml content, JSON Feed content_html) as the text its readers see, with the
// links and images it carries. Parsed by parse5 as a browser would (broken
// markup, unclosed tags and stray `<` included); block elements and <br> become
// line breaks, script and style are dropped, links and image sources are made
// absolute against the item's base. The walk is iterative, so deeply nested
// markup cannot exhaust the stack. Pure.
import { decodeHTML } from 'entities';
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

export interface HtmlImage {
  url: string;
  alt: string | null;
  width: number | null;
  height: number | null;
}

export interface HtmlText {
  text: string;
  /** Absolute http(s) links of <a href>, in order, without repeats. */
  links: string[];
  images: HtmlImage[];
}

/** Elements whose content nobody reads as text. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'svg',
  'math',
  'iframe',
  'object',
]);
/** Elements that stand as paragraphs: a blank line before and after. */
const PARAGRAPHS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'aside', 'main', 'nav', 'blockquote', 'pre',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'dl', 'table', 'figure', 'hr', 'address', 'form', 'fieldset',
]); // prettier-ignore
/** Elements that stand on a line of their own. */
const LINES = new Set(['li', 'dt', 'dd', 'tr', 'figcaption', 'caption', 'summary', 'details']);

/** HTML to text with its links and images; never throws on broken markup. */
export function htmlToText(html: string, baseUrl: string | null): HtmlText {
  const out = createTextBuilder();
  const links: string[] = [];
  const images: HtmlImage[] = [];
  const stack: { node: Node; leaving: boolean }[] = [{ node: parseFragment(html), leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop()!;
    if (node.nodeName === '#text') {
      out.text((node as DefaultTreeAdapterMap['textNode']).value);
      continue;
    }
    if (!('childNodes' in node) || node.nodeName === '#comment') continue;
    const element = 'tagName' in node ? node : null;
    const tag = element?.tagName ?? '';
    if (SKIPPED.has(tag)) continue;
    if (leaving) {
      out.close(tag);
      continue;
    }
    if (element) visit(element, baseUrl, out, links, images);
    stack.push({ node, leaving: true });
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push({ node: node.childNodes[i]!, leaving: false });
  }
  return { text: decodeLeftoverEntities(out.done()), links, images };
}

function visit(element: Element, baseUrl: string | null, out: TextBuilder, links: string[], images: HtmlImage[]) {
  const tag = element.tagName;
  out.open(tag);
  if (tag === 'a') {
    const href = absoluteHttpUrl(attr(element, 'href'), baseUrl);
    if (href && !links.includes(href)) links.push(href);
  } else if (tag === 'img') {
    const url = absoluteHttpUrl(attr(element, 'src'), baseUrl);
    if (url && !images.some((i) => i.url === url)) {
      const alt = attr(element, 'alt')?.trim() || null;
      images.push({ url, alt, width: dimension(attr(element, 'width')), height: dimension(attr(element, 'height')) });
    }
  }
}

function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function dimension(value: string | undefined): number | null {
  const n = value && /^\d{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  return n > 0 ? n : null;
}

/** An absolute http(s) URL for a link as written (relative to `baseUrl`), or null. */
export function absoluteHttpUrl(raw: string | null | undefined, baseUrl: string | null): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = baseUrl ? new URL(value, baseUrl) : new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.toString();
}

/**
 * Entities left in the text after the markup was read: a feed that escaped
 * its HTML twice (`&amp;amp;`, `&amp;#8217;`) shows them to readers as
 * `&amp;`. One more decoding pass, so `&amp;amp;` reads `&` and a text that
 * truly says `&amp;` must have been escaped three times to stay so.
 */
export function decodeLeftoverEntities(text: string): string {
  return /&(?:[a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i.test(text) ? decodeHTML(text) : text;
}

interface TextBuilder {
  text(value: string): void;
  open(tag: string): void;
  close(tag: string): void;
  done(): string;
}

/** Collapses white space as a browser does, and turns blocks and <br> into line breaks. */
function createTextBuilder(): TextBuilder {
  const parts: string[] = [];
  let pending = 0; // line breaks owed before the next text: 1 for a line, 2 for a paragraph
  let preDepth = 0;
  let atLineStart = true;
  const owe = (n: number) => {
    if (parts.length > 0) pending = Math.max(pending, n);
  };
  const breakOf = (tag: string) => (PARAGRAPHS.has(tag) ? 2 : LINES.has(tag) ? 1 : 0);
  return {
    text(value) {
      const text = preDepth > 0 ? value : value.replace(/[ \t\n\r\f]+/g, ' ');
      const shown = atLineStart || pending > 0 ? text.replace(/^ /, '') : text;
      if (!shown) return;
      if (pending > 0) parts.push('\n'.repeat(pending));
      pending = 0;
      parts.push(shown);
      atLineStart = shown.endsWith('\n');
    },
    open(tag) {
      if (tag === 'br') {
        parts.push('\n'.repeat(pending + 1));
        pending = 0;
        atLineStart = true;
        return;
      }
      if (tag === 'pre') preDepth += 1;
      owe(breakOf(tag));
    },
    close(tag) {
      if (tag === 'pre') preDepth -= 1;
      owe(breakOf(tag));
    },
    done() {
      return parts
        .join('')
        .split('\n')
        .map((line) => line.replace(/[ \t]+$/, ''))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    },
  };
}
