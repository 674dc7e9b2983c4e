// Mastodon (and servers speaking its API) as the platform-neutral code sees
// it: handles `user@server` (typed `@user@server` or `user@server`, the server
// lowercased), post IDs qualified by the server that serves them
// (`server:<id>`, see core/mastodon-ids.ts; a status URL
// `https://server/@user/<id>` is accepted too), permalinks on that server, and
// edits that keep the status's ID. Accounts are polled every minute by
// default: reads are free. Pure.
import { InvalidInput } from './errors.js';
import {
  formatMastodonHandle,
  isServerName,
  parseMastodonHandle,
  parseQualifiedId,
  qualifyId,
} from './mastodon-ids.js';
import type { PlatformDescriptor } from './platform-descriptor.js';

/**
 * A status address on its server: `/@user/<id>` (Mastodon's digits; with
 * `/embed` for its embed frame), or the ActivityPub form
 * `/users/user/statuses/<id>`. Digits only in the first form, so that
 * `/@user/media` and the like are not statuses.
 */
const STATUS_PATH = /^\/(?:@([^/@]+)\/(\d{1,20})|users\/([^/@]+)\/statuses\/([A-Za-z0-9]{1,64}))(?:\/embed)?\/?$/;

export interface MastodonStatusUrl {
  server: string;
  username: string;
  /** The status's ID on that server. */
  localId: string;
}

/** Reads a status URL of a server's own account (`https://server/@user/<id>`); undefined for any other URL. */
export function parseMastodonStatusUrl(text: string): MastodonStatusUrl | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const m = STATUS_PATH.exec(url.pathname);
  const server = url.host.toLowerCase();
  if (!m || !isServerName(server)) return undefined;
  const username = safeDecode(m[1] ?? m[3]!);
  return username === undefined ? undefined : { server, username, localId: m[2] ?? m[4]! };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A Mastodon post ID users type: `server:<id>` (or a version ID `server:<id>@<edit time>`), or a status URL. */
function parseMastodonPostId(text: string): string {
  const fromUrl = /^https?:\/\//i.test(text) ? parseMastodonStatusUrl(text) : undefined;
  if (fromUrl) return qualifyId(fromUrl.server, fromUrl.localId);
  if (/^https?:\/\//i.test(text)) {
    throw new InvalidInput(`"${text}" is not a Mastodon status URL (https://server/@user/<id>)`);
  }
  const colon = text.indexOf(':');
  // The server is lowercased as in handles; the local ID and an edit time are kept as typed.
  const normalized = colon > 0 ? `${text.slice(0, colon).toLowerCase()}${text.slice(colon)}` : text;
  const { server, localId, editedAt } = parseQualifiedId(normalized, 'Mastodon post ID');
  return editedAt === null ? qualifyId(server, localId) : `${qualifyId(server, localId)}@${editedAt}`;
}

/** The author's name in a status's path on `server`: `user` for its own accounts, `user@domain` for others. */
function pathAcct(handle: string | null | undefined, server: string): string | undefined {
  if (!handle) return undefined;
  try {
    const author = parseMastodonHandle(handle);
    return author.server === server ? author.username : formatMastodonHandle(author);
  } catch {
    return undefined;
  }
}

/** The permalink of `server:<id>`: under its author's handle on that server when known. */
function mastodonPostUrl(handle: string | null | undefined, id: string): string {
  let qualified;
  try {
    qualified = parseQualifiedId(id, 'Mastodon post ID');
  } catch {
    return `mastodon:${id}`;
  }
  const { server, localId } = qualified;
  const acct = pathAcct(handle, server);
  return acct ? `https://${server}/@${acct}/${localId}` : `https://${server}/statuses/${localId}`;
}

export const mastodonPlatform = {
  name: 'mastodon',
  label: 'Mastodon',
  exampleHandle: '@minister@gov.example',
  examplePostId: 'gov.example:110123456789012345',
  parseHandle(text: string): string {
    return formatMastodonHandle(parseMastodonHandle(text));
  },
  parsePostId: parseMastodonPostId,
  postUrl: mastodonPostUrl,
  editsHaveOwnIds: false,
  importFormats: [],
  samplePostId(time: Date): string {
    // Mastodon's IDs: milliseconds since the epoch shifted 16 bits left, then a sequence.
    return qualifyId('gov.example', (BigInt(time.getTime()) << 16n).toString());
  },
  defaultPollIntervalMs: 60_000,
} as const satisfies PlatformDescriptor<'mastodon'>;
