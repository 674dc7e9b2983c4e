// One way to write HTML: the `html` tagged template escapes every value unless
// it is already SafeHtml (the result of another `html`). Nothing else in the
// pages builds markup from strings.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Value = SafeHtml | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * A URL safe to put in href/src: http(s) absolute URLs, and paths or queries of
 * this site. Anything else (javascript:, data:, //host) becomes "#".
 */
export function safeUrl(url: string | null | undefined): string {
  if (!url) return '#';
  if (/^\/(?!\/)/.test(url) || url.startsWith('?')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : '#';
  } catch {
    return '#';
  }
}

/** Text with marked spans (between start and stop markers) as escaped HTML with <mark>. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

/**
 * Post text with its http(s) links clickable (X writes them as t.co links);
 * everything else escaped. Trailing punctuation stays outside the link.
 */
export function linkedText(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    parts.push(html`${text.slice(at, m.index)}`);
    parts.push(html`<a href="${safeUrl(url)}" rel="nofollow noopener noreferrer">${url}</a>`);
    at = m.index + url.length;
  }
  parts.push(html`${text.slice(at)}`);
  return html`${parts}`;
}

export function markedText(text: string, start: string, stop: string): SafeHtml {
  let out = '';
  let open = false;
  for (const part of text.split(new RegExp(`([${start}${stop}])`))) {
    if (part === start && !open) {
      out += '<mark>';
      open = true;
    } else if (part === stop && open) {
      out += '</mark>';
      open = false;
    } else if (part !== start && part !== stop) {
      out += escapeHtml(part);
    }
  }
  return new SafeHtml(open ? `${out}</mark>` : out);
}

/** JSON for a <script type="application/json"> block: no "</script>" can close it early. */
export function jsonScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}
