// A feed account's identity: the feed's URL, normalized so that the ways
// people type one URL name one account. Its platform user ID and its handle
// are both this string. Kept as written: the path, the query (feeds are often
// `?format=rss`) and their case. Normalized: surrounding space, the `feed:`
// and `feed://` forms browsers once used, the scheme's and host's case, an
// IDN host (to its punycode form), the default port, an empty path (`/`), and
// the fragment (never sent to the server). Pure.
import { InvalidInput } from './errors.js';

/** The normalized feed URL, or InvalidInput when the text is not an http(s) URL. */
export function normalizeFeedUrl(input: string): string {
  let text = input.trim();
  if (/^feed:\/\//i.test(text)) text = `http://${text.slice('feed://'.length)}`;
  else if (/^feed:https?:\/\//i.test(text)) text = text.slice('feed:'.length);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInput(`"${input}" is not a feed URL (http:// or https://)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidInput(`a feed URL is http:// or https://, got "${url.protocol}" in "${input}"`);
  if (url.username || url.password) throw new InvalidInput(`a feed URL carries no user name or password: "${input}"`);
  if (!url.hostname) throw new InvalidInput(`"${input}" names no host`);
  url.hash = '';
  return url.toString();
}
