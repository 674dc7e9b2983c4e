// How articles cite Mastodon posts: embeds (the `/@user/<id>/embed` iframe
// of older servers, the `blockquote.mastodon-embed` placeholder with its
// `data-embed-url` since Mastodon 4.3), and status URLs in anchors or in the
// text. Any server may run Mastodon, so a URL counts only on a server of a
// watched Mastodon account: `/@someone/123` on an arbitrary site is not a
// post. The cited ID is qualified by that server (core/mastodon-ids.ts), as
// the archive names the posts it reads there. Pure.
import { clip, type ArticleContent, type CandidateReference, type CitationDetector } from './article-detect.js';
import type { WatchedAccount } from './article-detect.js';
import { parseMastodonHandle, qualifyId } from './mastodon-ids.js';
import { mastodonPlatform, parseMastodonStatusUrl } from './mastodon-platform.js';

const MASTODON = mastodonPlatform.name;

// A URL in running text that may be a status: a scheme, a host, then `/@user/<digits>` or `/users/…/statuses/…`.
// Bounded repetitions keep the scan linear on hostile text.
const STATUS_URL_IN_TEXT =
  /https?:\/\/[a-z0-9.-]{1,253}(?::\d{1,5})?\/(?:@[^\s/@<>"']{1,64}\/\d{1,20}|users\/[^\s/@<>"']{1,64}\/statuses\/[A-Za-z0-9]{1,64})(?:\/embed)?/gi;

/** Status URLs read per article: more is not an article. */
const MAX_URLS = 500;

export function createMastodonCitationDetector(): CitationDetector {
  return { platform: MASTODON, detect: detectMastodonCitations };
}

/** The servers of the watched Mastodon accounts (lowercase). */
export function watchedServers(watched: readonly WatchedAccount[]): Set<string> {
  const servers = new Set<string>();
  for (const w of watched) {
    if (w.platform !== MASTODON) continue;
    try {
      servers.add(parseMastodonHandle(w.handle).server);
    } catch {
      // A handle that is not `user@server` names no server.
    }
  }
  return servers;
}

/** Mastodon's candidates in the order of their strength: embeds, links, URLs in the text. */
export function detectMastodonCitations(
  content: ArticleContent,
  watched: readonly WatchedAccount[],
): CandidateReference[] {
  const servers = watchedServers(watched);
  if (servers.size === 0) return [];
  const inText = [...content.text.matchAll(STATUS_URL_IN_TEXT)].slice(0, MAX_URLS).map((m) => m[0]);
  return [
    ...(content.embedUrls ?? []).flatMap((url) => candidate(url, url, 'embed', servers) ?? []),
    ...content.links.flatMap((l) => candidate(l.href, l.text, 'link', servers) ?? []),
    ...inText.flatMap((url) => candidate(url, url, 'url-in-text', servers) ?? []),
  ];
}

type Form = 'embed' | 'link' | 'url-in-text';

function candidate(url: string, excerpt: string, form: Form, servers: Set<string>): CandidateReference | undefined {
  const status = parseMastodonStatusUrl(url);
  if (!status || !servers.has(status.server)) return undefined;
  const citedId = qualifyId(status.server, status.localId);
  return {
    kind: form === 'embed' ? 'embed' : 'link',
    platform: MASTODON,
    fingerprint: `${MASTODON}:id:${citedId}`,
    citedId,
    handle: `${status.username}@${status.server}`,
    evidence: { form: form === 'embed' ? 'embed-markup' : form, excerpt: clip(excerpt || url, 200), url },
  };
}
