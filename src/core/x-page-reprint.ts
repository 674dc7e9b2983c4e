// Pages that reprint one post as a header (the author's name and @handle)
// followed by its text, with the post's ID only in the page's own address
// (a mirror, an archive page, a post's own page saved as text). Pure.
import { clip, type CandidateReference } from './article-detect.js';
import { xPlatform } from './x-platform.js';
import { parseStatusUrl, type StatusHosts } from './x-status-url.js';
import { wordCount } from './text-normalize.js';

/** Lines of the page's top in which the header is looked for. */
const HEADER_LINES = 40;
const MAX_TEXT_LINES = 25;
const MAX_NAME_CHARS = 50;
// `@handle` alone, `Name @handle`, `Name (@handle)` or `Name · @handle`.
const HEADER = /^(?:(.{1,50}?)\s*[·\u00b7]?\s*)?\(?@([A-Za-z0-9_]{1,15})\)?$/u;
// What follows a post's text on its page: the time it was posted, counters, actions.
const META =
  /^(?:\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\b|.*\s·\s.*\d{4}$|\d[\d.,]*\s*[KkMm]?\s+(?:reposts?|retweets?|likes?|views?|replies|quotes?|bookmarks?)\b|(?:reply|retweet|repost|like|share)$)/u;

function isHeader(line: string, handle: string | undefined): { name?: string; handle: string } | undefined {
  const m = HEADER.exec(line);
  if (!m || (handle && m[2]!.toLowerCase() !== handle.toLowerCase())) return undefined;
  return { ...(m[1]?.trim() ? { name: m[1].trim() } : {}), handle: m[2]! };
}

function postText(lines: string[]): string {
  const taken: string[] = [];
  for (const line of lines.slice(0, MAX_TEXT_LINES)) {
    if (META.test(line)) return taken.join('\n').trim();
    taken.push(line);
  }
  // No meta line: only the first block is surely the post's.
  return (
    taken
      .join('\n')
      .trim()
      .split(/\n\s*\n/)[0] ?? ''
  );
}

/** The post a page reprints under a name-and-handle header, when its address is that post's. */
export function findReprintedPost(text: string, pageUrl: string, hosts: StatusHosts): CandidateReference | undefined {
  const ref = parseStatusUrl(pageUrl, hosts);
  if (!ref) return undefined;
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = 0; i < Math.min(lines.length, HEADER_LINES); i++) {
    const header = isHeader(lines[i]!, ref.handle);
    if (!header) continue;
    const above = lines.slice(0, i).filter(Boolean).at(-1);
    const name = header.name ?? (above && above.length <= MAX_NAME_CHARS ? above : undefined);
    const body = postText(
      lines
        .slice(i + 1)
        .join('\n')
        .replace(/^\s+/, '')
        .split('\n'),
    );
    if (wordCount(body) === 0) return undefined;
    return {
      kind: 'embed',
      platform: xPlatform.name,
      fingerprint: `${xPlatform.name}:id:${ref.id}`,
      citedId: ref.id,
      handle: header.handle,
      ...(name ? { name } : {}),
      text: body,
      evidence: { form: 'page-header', excerpt: clip(`${name ?? ''} @${header.handle} ${body}`), url: pageUrl },
    };
  }
  return undefined;
}
