// Every form of an X status URL seen in news articles, reduced to the status
// ID (authoritative) and the handle printed in it (may be stale after a
// rename). Pure: the proxy and nitter host lists come from configuration.

export interface StatusHosts {
  /** Link-preview proxies with X's path structure (fxtwitter.com, fixupx.com, ...). */
  previewHosts: readonly string[];
  /** Nitter instances (nitter.net, ...). */
  nitterHosts: readonly string[];
}

export interface StatusRef {
  id: string;
  /** The handle in the URL, when the URL names one (not for /i/web/status/). */
  handle?: string;
}

export const DEFAULT_STATUS_HOSTS: StatusHosts = {
  previewHosts: ['fxtwitter.com', 'fixupx.com', 'vxtwitter.com', 'fixvx.com', 'twittpr.com'],
  nitterHosts: ['nitter.net'],
};

const X_HOSTS = ['x.com', 'twitter.com'];
const HOST_PREFIXES = /^(?:www\.|mobile\.|m\.)/;
// /<handle>/status(es)/<id>[/photo/1|/video/1|/analytics|/history|...]
const STATUS_PATH = /^\/(?:([A-Za-z0-9_]{1,15})|i(?:\/web)?)\/status(?:es)?\/(\d{1,19})(?:[/?#]|$)/;
const RESERVED_HANDLES = new Set(['i', 'intent', 'share', 'home', 'search', 'hashtag', 'settings']);

function hostKind(host: string, hosts: StatusHosts): boolean {
  const bare = host.toLowerCase().replace(/\.$/, '').replace(HOST_PREFIXES, '');
  const known = [...X_HOSTS, ...hosts.previewHosts, ...hosts.nitterHosts].map((h) => h.toLowerCase());
  return known.includes(bare);
}

/** Parses one URL (with or without scheme); undefined when it is not a status URL. */
export function parseStatusUrl(raw: string, hosts: StatusHosts = DEFAULT_STATUS_HOSTS): StatusRef | undefined {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text.replace(/^\/\//, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (!hostKind(url.hostname, hosts)) return undefined;
  const m = STATUS_PATH.exec(url.pathname);
  if (!m) return undefined;
  const handle = m[1];
  if (handle && RESERVED_HANDLES.has(handle.toLowerCase())) return { id: m[2]! };
  return handle ? { id: m[2]!, handle } : { id: m[2]! };
}

// Candidate URLs in running text: with a scheme, or a bare host followed by a path.
// Bounded repetitions keep the scan linear on hostile text ("a.a.a.a…").
const URL_IN_TEXT =
  /(?:https?:\/\/|\b)(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}\/[^\s<>"'()\u201c\u201d\u2018\u2019]{1,2000}/gi;

/** Finds every status URL in a text, in order, with its offset. */
export function findStatusUrls(
  text: string,
  hosts: StatusHosts = DEFAULT_STATUS_HOSTS,
): (StatusRef & { url: string; index: number })[] {
  const found: (StatusRef & { url: string; index: number })[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    const ref = parseStatusUrl(url, hosts);
    if (ref) found.push({ ...ref, url, index: m.index });
  }
  return found;
}
