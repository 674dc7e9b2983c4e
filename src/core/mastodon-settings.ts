// The two Mastodon settings, parsed from their environment strings. Pure.
//
// MASTODON_TOKENS=server=token,...          an access token per server, for
//   servers that answer the API only to an authenticated client
// MASTODON_BASE_URLS=server=http(s)://host:port,...   where a server's API is
//   reached instead of https://<server> (a proxy, a mirror, a local server)
//
// Both are comma-separated `server=value` pairs; spaces around items are
// ignored; a server may appear once. Errors name the bad item, never a token.
import { InvalidInput } from './errors.js';
import { isServerName } from './mastodon-ids.js';

function pairs(text: string, variable: string): [string, string][] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const eq = item.indexOf('=');
    const server = (eq > 0 ? item.slice(0, eq) : '').trim().toLowerCase();
    const value = eq > 0 ? item.slice(eq + 1).trim() : '';
    if (!isServerName(server) || !value) {
      throw new InvalidInput(`${variable}: item ${i + 1} is not server=value (e.g. gov.example=...)`);
    }
    if (seen.has(server)) throw new InvalidInput(`${variable}: ${server} is given twice`);
    seen.add(server);
    return [server, value];
  });
}

/** `MASTODON_TOKENS`: server → access token. */
export function parseMastodonTokens(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [server, token] of pairs(text ?? '', 'MASTODON_TOKENS')) {
    if (/\s/.test(token)) throw new InvalidInput(`MASTODON_TOKENS: the token for ${server} contains a space`);
    map.set(server, token);
  }
  return map;
}

/** `MASTODON_BASE_URLS`: server → base URL (no trailing slash). */
export function parseMastodonBaseUrls(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [server, value] of pairs(text ?? '', 'MASTODON_BASE_URLS')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidInput(`MASTODON_BASE_URLS: "${value}" (for ${server}) is not a URL`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
      throw new InvalidInput(
        `MASTODON_BASE_URLS: "${value}" (for ${server}) must be http(s)://host[:port][/path], without credentials or query`,
      );
    }
    map.set(server, `${url.origin}${url.pathname}`.replace(/\/+$/, ''));
  }
  return map;
}

/** Where a server's API lives: its mapped base URL, else https://<server>. */
export function mastodonBaseUrl(baseUrls: ReadonlyMap<string, string>, server: string): string {
  return baseUrls.get(server) ?? `https://${server}`;
}
