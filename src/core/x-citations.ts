// How articles cite X posts: `blockquote.twitter-tweet` embeds (their
// markup, or their plain-text form `text — Name (@handle) Date`), pages that
// reprint one post under its address, and status links in anchors or in the
// text (x.com, twitter.com, preview proxies, nitter). Pure.
import {
  clip,
  textFingerprint,
  type ArticleContent,
  type CandidateReference,
  type CitationDetector,
  type EmbedMarkup,
} from './article-detect.js';
import { splitNamePrefix, textForms, unitsBefore } from './embed-text-forms.js';
import { parsePrintedDate, PRINTED_DATE_SOURCE } from './printed-date.js';
import { wordCount } from './text-normalize.js';
import { findReprintedPost } from './x-page-reprint.js';
import { xPlatform } from './x-platform.js';
import { DEFAULT_STATUS_HOSTS, findStatusUrls, parseStatusUrl, type StatusHosts } from './x-status-url.js';

const X = xPlatform.name;
const SIGNATURE = new RegExp(String.raw`\(@([A-Za-z0-9_]{1,15})\)[ \t]*(${PRINTED_DATE_SOURCE})`, 'gu');

/** X's citation detector; `hosts` are the preview proxies and nitter instances whose status URLs count. */
export function createXCitationDetector(hosts: StatusHosts = DEFAULT_STATUS_HOSTS): CitationDetector {
  return { platform: X, detect: (content) => detectXCitations(content, hosts) };
}

/** X's candidates in the order of their strength: markup, reprint, plain-text embeds, links, URLs in the text. */
function detectXCitations(content: ArticleContent, hosts: StatusHosts): CandidateReference[] {
  return [
    ...content.embeds.flatMap((e) => fromMarkup(e, hosts) ?? []),
    ...(content.pageUrl ? [findReprintedPost(content.text, content.pageUrl, hosts)].flatMap((c) => c ?? []) : []),
    ...findTextEmbeds(content.text),
    ...(content.pageText ? findTextEmbeds(content.pageText) : []),
    ...content.links.flatMap((l) => linkCandidate(l.href, l.text, 'link', hosts) ?? []),
    ...findStatusUrls(content.text, hosts).flatMap((u) => linkCandidate(u.url, u.url, 'url-in-text', hosts) ?? []),
  ];
}

interface Signature {
  name: string;
  handle: string;
  date: string;
  printed: string;
}

/** Parses an attribution such as `— Name (@handle) March 4, 2020`. */
export function parseSignature(line: string): Signature | undefined {
  SIGNATURE.lastIndex = 0;
  const m = SIGNATURE.exec(line);
  if (!m) return undefined;
  const date = parsePrintedDate(m[2]!);
  if (!date) return undefined;
  const before = line.slice(0, m.index);
  const name = splitNamePrefix(before)?.name ?? before.trim();
  return { name, handle: m[1]!, date, printed: m[0] };
}

function fromMarkup(embed: EmbedMarkup, hosts: StatusHosts): CandidateReference | undefined {
  const ref = embed.statusUrl ? parseStatusUrl(embed.statusUrl, hosts) : undefined;
  const sig = parseSignature(embed.attribution.replace(/\s+/g, ' '));
  const text = embed.text.trim();
  if (!ref && !(sig && text)) return undefined;
  const handle = sig?.handle ?? ref?.handle;
  return {
    kind: 'embed',
    platform: X,
    fingerprint: ref ? `${X}:id:${ref.id}` : textFingerprint(X, 'text', handle, sig?.date, text),
    ...(ref ? { citedId: ref.id } : {}),
    ...(handle ? { handle } : {}),
    ...(sig?.name ? { name: sig.name } : {}),
    ...(sig ? { date: sig.date } : {}),
    ...(text ? { text } : {}),
    evidence: {
      form: 'embed-markup',
      excerpt: clip(`${text} ${embed.attribution}`),
      ...(embed.statusUrl ? { url: embed.statusUrl } : {}),
      ...(sig ? { signature: clip(embed.attribution, 200) } : {}),
    },
  };
}

/** Signatures read per article: more is not an article, and each costs a look back. */
const MAX_SIGNATURES = 200;

/** Plain-text embeds: a post's text followed by its signature line. */
export function findTextEmbeds(body: string): CandidateReference[] {
  const found: CandidateReference[] = [];
  const paragraphs = /\n[ \t]*\n/.test(body);
  for (const m of body.matchAll(SIGNATURE)) {
    if (found.length >= MAX_SIGNATURES) break;
    const lineStart = body.lastIndexOf('\n', m.index) + 1;
    const linePrefix = body.slice(lineStart, m.index);
    const split = splitNamePrefix(linePrefix);
    // Without a dash the name must stand alone on its line (pipelines that drop the dash).
    if (!split && linePrefix.length > 80) continue;
    const name = split?.name ?? linePrefix.trim();
    const date = parsePrintedDate(m[2]!);
    if (!date || name.length > 80) continue;
    const { text, variants } = textForms(unitsBefore(body, lineStart, split?.before ?? '', paragraphs));
    if (wordCount(text) === 0) continue;
    found.push({
      kind: 'embed',
      platform: X,
      fingerprint: textFingerprint(X, 'text', m[1], date, text),
      handle: m[1]!,
      ...(name ? { name } : {}),
      date,
      text,
      ...(variants.length ? { textVariants: variants } : {}),
      evidence: {
        form: 'embed-text',
        excerpt: clip(`${text} ${linePrefix.slice(split ? split.before.length : 0)}${m[0]}`),
        signature: clip(`${name} ${m[0]}`, 200),
      },
    });
  }
  return found;
}

function linkCandidate(url: string, anchor: string, form: 'link' | 'url-in-text', hosts: StatusHosts) {
  const ref = parseStatusUrl(url, hosts);
  if (!ref) return undefined;
  const c: CandidateReference = {
    kind: 'link',
    platform: X,
    fingerprint: `${X}:id:${ref.id}`,
    citedId: ref.id,
    ...(ref.handle ? { handle: ref.handle } : {}),
    evidence: { form, excerpt: clip(anchor || url, 200), url },
  };
  return c;
}
