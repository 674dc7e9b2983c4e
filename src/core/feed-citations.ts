// How articles cite press releases: by linking the release's own page (the
// feed item's link, kept as its post's permalink). Any link may be one, so
// each link of the article is a candidate known only by its address
// (`citedUrls`, the forms that address may take); the linker keeps those that
// are an archived item's permalink and drops the others. Links to the
// article's own site (its menus, its other articles) are not read, and at
// most MAX_FEED_LINKS per article, so that links never crowd out other
// citations. Pure.
import { clip, type ArticleContent, type CandidateReference, type CitationDetector } from './article-detect.js';
import { feedPlatform } from './feed-platform.js';

const FEED = feedPlatform.name;

/** Distinct links read per article. */
export const MAX_FEED_LINKS = 200;

/** Query parameters that only say where a reader came from: an address is the same without them. */
const TRACKING_PARAM = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;

export function createFeedCitationDetector(): CitationDetector {
  return { platform: FEED, detect: detectFeedCitations };
}

function detectFeedCitations(content: ArticleContent): CandidateReference[] {
  const ownHost = hostOf(content.pageUrl);
  const found = new Map<string, CandidateReference>();
  const consider = (href: string, anchor: string, form: 'link' | 'url-in-text') => {
    const forms = permalinkForms(href);
    if (!forms || found.size >= MAX_FEED_LINKS || found.has(forms[0]!)) return;
    if (ownHost && hostOf(forms[0]) === ownHost) return;
    found.set(forms[0]!, {
      kind: 'link',
      platform: FEED,
      fingerprint: `${FEED}:url:${forms[0]}`,
      citedUrls: forms,
      evidence: { form, excerpt: clip(anchor || href, 200), url: href },
    });
  };
  for (const link of content.links) consider(link.href, link.text, 'link');
  for (const m of content.text.matchAll(URL_IN_TEXT)) {
    const url = trimTrailing(m[0]);
    consider(url, url, 'url-in-text');
  }
  return [...found.values()];
}

/**
 * The forms an http(s) address may take as a feed wrote it: without its
 * fragment and tracking parameters first (the candidate's key), then as
 * linked, each with the other scheme and with or without a trailing slash.
 * Undefined for anything but an absolute http(s) URL.
 */
export function permalinkForms(href: string): string[] | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  const linked = url.toString();
  const tracking = [...url.searchParams.keys()].filter((name) => TRACKING_PARAM.test(name));
  tracking.forEach((name) => url.searchParams.delete(name));
  const bare = url.toString();
  return [...new Set([bare, linked].flatMap(variants))];
}

function variants(address: string): string[] {
  const url = new URL(address);
  const forms = [address];
  if (url.pathname.length > 1) {
    url.pathname = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : `${url.pathname}/`;
    forms.push(url.toString());
  }
  return forms.flatMap((f) => [f, f.replace(/^https?:/, (s) => (s === 'http:' ? 'https:' : 'http:'))]);
}

function hostOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  try {
    return new URL(address).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/** A URL in running text ends before the sentence's punctuation. */
function trimTrailing(url: string): string {
  return url.replace(/[.,;:!?)\]}]+$/, '');
}
