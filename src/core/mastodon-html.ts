// A status's HTML content as its readers saw it, in text: entities decoded,
// `<br>` a line break, paragraphs separated by a blank line, and each link
// written as its full address where the server shortened it for display
// (Mastodon wraps the scheme and the tail of a long URL in
// `<span class="invisible">`), with the links, mentions and hashtags it holds.
// Mentions (`<span class="h-card"><a class="u-url mention">@<span>user</span></a></span>`)
// and hashtags (`<a class="mention hashtag" rel="tag">#<span>tag</span></a>`)
// keep their visible text. The HTML comes from any server speaking the API,
// so nothing is assumed beyond tags and attributes. Pure.
import { Parser } from 'htmlparser2';

export interface HtmlMention {
  href: string;
  /** The visible text, e.g. `@minister`. */
  text: string;
}

export interface HtmlText {
  text: string;
  /** Addresses of plain links (not mentions nor hashtags), in order, once each. */
  links: string[];
  mentions: HtmlMention[];
  /** Hashtags as written, without `#`, once each. */
  hashtags: string[];
}

const BLOCKS = new Set(['p', 'div', 'blockquote', 'ul', 'ol', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const SKIPPED = new Set(['script', 'style', 'template']);

interface OpenLink {
  href: string;
  classes: string[];
  rel: string;
  visible: string;
  all: string;
  isShortened: boolean;
}

class TextBuilder {
  readonly out: string[] = [];
  readonly result: Omit<HtmlText, 'text'> = { links: [], mentions: [], hashtags: [] };
  link: OpenLink | null = null;
  private invisibleDepth = 0;
  private spanStack: boolean[] = [];
  private preDepth = 0;
  private skipDepth = 0;

  open(name: string, attrs: Record<string, string>) {
    if (SKIPPED.has(name)) this.skipDepth += 1;
    if (name === 'br') this.write('\n');
    if (name === 'li') this.block('\n');
    if (BLOCKS.has(name)) this.block(name === 'p' ? '\n\n' : '\n');
    if (name === 'pre') this.preDepth += 1;
    if (name === 'img' && attrs.alt) this.text(attrs.alt);
    if (name === 'span') this.openSpan(attrs.class ?? '');
    if (name === 'a' && !this.link) this.link = openLink(attrs);
  }

  close(name: string) {
    if (SKIPPED.has(name)) this.skipDepth = Math.max(0, this.skipDepth - 1);
    if (name === 'pre') this.preDepth = Math.max(0, this.preDepth - 1);
    if (BLOCKS.has(name)) this.block(name === 'p' ? '\n\n' : '\n');
    if (name === 'span' && this.spanStack.pop()) this.invisibleDepth -= 1;
    if (name === 'a' && this.link) this.closeLink(this.link);
  }

  text(raw: string) {
    if (this.skipDepth > 0) return;
    const text = this.preDepth > 0 ? raw : raw.replace(/[ \t\n\r\f]+/g, ' ');
    if (this.link) {
      this.link.all += text;
      if (this.invisibleDepth === 0) this.link.visible += text;
      return;
    }
    if (this.invisibleDepth === 0) this.write(text);
  }

  private openSpan(className: string) {
    const classes = className.split(/\s+/);
    const isInvisible = classes.includes('invisible');
    if (this.link && (isInvisible || classes.includes('ellipsis'))) this.link.isShortened = true;
    this.spanStack.push(isInvisible);
    if (isInvisible) this.invisibleDepth += 1;
  }

  private closeLink(link: OpenLink) {
    this.link = null;
    const visible = link.visible.trim();
    const isHashtag = link.classes.includes('hashtag') || /(^|\s)tag(\s|$)/.test(link.rel);
    const isMention = !isHashtag && link.classes.includes('mention');
    if (isHashtag) {
      const tag = visible.replace(/^#/, '');
      if (tag && !this.result.hashtags.includes(tag)) this.result.hashtags.push(tag);
      return this.write(link.visible);
    }
    if (isMention) {
      if (link.href) this.result.mentions.push({ href: link.href, text: visible });
      return this.write(link.visible);
    }
    if (link.href && !this.result.links.includes(link.href)) this.result.links.push(link.href);
    this.write(link.href && showsAddress(link, visible) ? link.href : link.visible);
  }

  private block(separator: string) {
    if (this.out.length === 0) return;
    this.write(separator);
  }

  private write(text: string) {
    if (text) this.out.push(text);
  }
}

function openLink(attrs: Record<string, string>): OpenLink {
  return {
    href: (attrs.href ?? '').trim(),
    classes: (attrs.class ?? '').split(/\s+/).filter(Boolean),
    rel: (attrs.rel ?? '').toLowerCase(),
    visible: '',
    all: '',
    isShortened: false,
  };
}

/** True when a link's text stands for its address: shortened by the server, or the address itself (maybe cut). */
function showsAddress(link: OpenLink, visible: string): boolean {
  if (link.isShortened || link.all.trim() === link.href) return true;
  const bare = (url: string) => url.replace(/^[a-z][a-z0-9+.-]*:\/\/(www\.)?/i, '');
  const shown = bare(visible.replace(/(…|\.\.\.)$/, ''));
  return shown.length >= 4 && bare(link.href).startsWith(shown);
}

/** Blank lines at most one, no spaces at line ends, no leading or trailing blank. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, '').replace(/^ /, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function mastodonHtmlToText(html: string): HtmlText {
  const builder = new TextBuilder();
  const parser = new Parser(
    {
      onopentag: (name, attrs) => builder.open(name, attrs),
      onclosetag: (name) => builder.close(name),
      ontext: (text) => builder.text(text),
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { text: tidy(builder.out.join('')), ...builder.result };
}
