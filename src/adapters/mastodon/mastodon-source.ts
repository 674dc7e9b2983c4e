// The PostSource for Mastodon and servers speaking its API: accounts by
// handle (`user@server`, GET /api/v1/accounts/lookup) or by ID, an account's
// statuses page by page, statuses looked up again by ID, each page one
// request and one capture. IDs are qualified by their server (see
// core/mastodon-ids.ts); each server has its own base URL and optional token.
import { BadPayload, InvalidInput } from '../../core/errors.js';
import { newerMastodonCursor } from '../../core/mastodon-cursor.js';
import { isLocalId, parseMastodonHandle, parseQualifiedId, qualifyId } from '../../core/mastodon-ids.js';
import { MASTODON_PLATFORM } from '../../core/mastodon-normalize.js';
import { accountSchema } from '../../core/mastodon-payload.js';
import { decodePageToken, type PageToken } from '../../core/mastodon-page-token.js';
import type { NormalizedPage, PostSource, UserLookup } from '../../ports/post-source.js';
import { createMastodonClient, type MastodonClientOptions, type MastodonResponse } from './mastodon-client.js';
import { historyPage, lookupPage, SOURCES, timelinePage, type KnownVersions, type ReadDeps } from './mastodon-reads.js';

export type { KnownVersions } from './mastodon-reads.js';

export interface MastodonSourceOptions extends MastodonClientOptions {
  /**
   * Which version IDs the archive already holds, to read the history of a
   * status only when it was edited since (wire it to the database). Without
   * it, the source remembers the edits it has returned since it started.
   */
  knownVersions?: KnownVersions;
  /** Statuses per timeline page (Mastodon serves 40 at most). */
  pageSize?: number;
  /** The most pages one read returns; the poll job reads at most 40. */
  maxPagesPerRead?: number;
}

export interface MastodonSource extends PostSource {
  /** Closes the keep-alive sockets. */
  close(): void;
}

export const MASTODON_PAGE_SIZE = 40;
export const MAX_PAGES_PER_READ = 40;
/** Edits remembered by a source without `knownVersions` (the oldest are forgotten first). */
const REMEMBERED_EDITS = 50_000;

/** The edits this source returned, when no archive is asked. */
function rememberedEdits() {
  const seen = new Set<string>();
  return {
    known: async (ids: string[]) => new Set(ids.filter((id) => seen.has(id))),
    returned(ids: string[]) {
      for (const id of ids) {
        seen.delete(id);
        seen.add(id);
        if (seen.size > REMEMBERED_EDITS) seen.delete(seen.values().next().value!);
      }
    },
  };
}

/** An account lookup's answer (`localOnly`: a handle must name an account of the server itself). */
function toUserLookup(response: MastodonResponse, server: string, localOnly: boolean): UserLookup {
  const { capture } = response;
  if (response.json === undefined) {
    const kind = capture.httpStatus === 410 ? 'suspended' : 'not_found';
    return { kind, detail: `${server} answered ${capture.httpStatus} for the account`, capture };
  }
  const parsed = accountSchema.safeParse(response.json);
  if (!parsed.success)
    throw new BadPayload(`${server} answered an account without a valid id or username`, { capture });
  const account = parsed.data;
  const domain = account.acct.includes('@') ? account.acct.split('@')[1]!.toLowerCase() : server;
  if (localOnly && domain !== server) {
    return { kind: 'not_found', detail: `${account.acct} is an account of ${domain}, not of ${server}`, capture };
  }
  if (account.suspended) return { kind: 'suspended', detail: `${account.username}@${server} is suspended`, capture };
  const user = {
    platformUserId: qualifyId(server, account.id),
    handle: `${account.username}@${server}`,
    displayName: account.display_name || null,
  };
  return { kind: 'found', user, capture };
}

function firstToken(account: { platformUserId: string }, cursor: string | null, pageSize: number): PageToken {
  const { server, localId, editedAt } = parseQualifiedId(account.platformUserId, 'Mastodon account ID');
  if (editedAt !== null) throw new InvalidInput(`"${account.platformUserId}" is not a Mastodon account ID`);
  if (cursor !== null && !isLocalId(cursor)) throw new InvalidInput(`"${cursor}" is not a Mastodon cursor`);
  const query = new URLSearchParams({ limit: String(pageSize), ...(cursor !== null ? { min_id: cursor } : {}) });
  return {
    server,
    accountId: localId,
    mode: cursor === null ? 'backfill' : 'forward',
    pages: 0,
    histories: [],
    timeline: query.toString(),
  };
}

export function createMastodonSource(options: MastodonSourceOptions): MastodonSource {
  const client = createMastodonClient(options);
  const memory = rememberedEdits();
  const deps: ReadDeps = {
    client,
    known: options.knownVersions ?? memory.known,
    returned: options.knownVersions ? () => {} : memory.returned,
    pageSize: Math.min(options.pageSize ?? MASTODON_PAGE_SIZE, MASTODON_PAGE_SIZE),
    maxPagesPerRead: options.maxPagesPerRead ?? MAX_PAGES_PER_READ,
  };

  return {
    platform: MASTODON_PLATFORM,
    lookupBatch: 1,
    newerCursor: newerMastodonCursor,

    async resolveAccount(handle, signal) {
      const { username, server } = parseMastodonHandle(handle);
      const query = new URLSearchParams({ acct: username });
      return toUserLookup(
        await client.get(server, SOURCES.account, '/api/v1/accounts/lookup', query, signal),
        server,
        true,
      );
    },

    async lookupAccount(platformUserId, signal) {
      const { server, localId } = parseQualifiedId(platformUserId, 'Mastodon account ID');
      const path = `/api/v1/accounts/${encodeURIComponent(localId)}`;
      return toUserLookup(await client.get(server, SOURCES.account, path, undefined, signal), server, false);
    },

    /**
     * A page token continues any read, whichever call started it (a lookup's
     * too): with one, `account` and `cursor` are not used.
     */
    async fetchPage(account, cursor, pageToken, signal): Promise<NormalizedPage> {
      const token = pageToken ? decodePageToken(pageToken) : firstToken(account, cursor, deps.pageSize);
      if (token.histories.length > 0) return historyPage(deps, token, signal);
      if (token.accountId === null || token.timeline === null) throw new InvalidInput('the page token ends its read');
      return timelinePage(deps, token, signal);
    },

    async lookupPosts(ids, signal) {
      if (ids.length !== 1) throw new InvalidInput(`a Mastodon lookup takes 1 status ID, got ${ids.length}`);
      // Any ID of the post's chain names the status: a version ID carries its edit time after `@`.
      const { server, localId } = parseQualifiedId(ids[0]!, 'Mastodon status ID');
      return lookupPage(deps, server, localId, signal);
    },

    close: () => client.close(),
  };
}
