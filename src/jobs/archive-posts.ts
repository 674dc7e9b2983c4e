// Archives posts looked up by ID (posts cited by articles, re-checks of an
// account's recent posts), following a lookup's next pages when the source
// has more to say (e.g. the edit history of a post edited since it was
// archived). Posts found are stored like polled ones but first
// seen by 'lookup' and raise no `new` event; archived posts that the lookup
// reports missing become deleted (or unavailable) and raise `deleted`.
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
import type { Clock } from '../core/clock.js';
import type { PartialError } from '../core/post-model.js';
import type { NormalizedPage, PostSource } from '../ports/post-source.js';
import { createPostsRepository, type StatusChange, type TouchedPost } from '../adapters/db/posts-repository.js';

export interface ArchiveDeps {
  db: Prisma;
  source: PostSource;
  clock: Clock;
}

export interface ArchiveResult {
  requests: number;
  /** Posts found, new or already archived. */
  found: { platformId: string; versionId: string }[];
  postsNew: number;
  versionsNew: number;
  /** IDs the source reported missing, deleted or not visible. */
  missing: PartialError[];
  /** Archived posts whose status changed to deleted/unavailable. */
  statusChanged: string[];
  touched: TouchedPost[];
}

/** Looks posts up by ID (any number, in batches of the source's lookupBatch) and archives them. */
export async function archivePostsById(
  deps: ArchiveDeps,
  ids: string[],
  options: { signal?: AbortSignal } = {},
): Promise<ArchiveResult> {
  const result: ArchiveResult = {
    requests: 0,
    found: [],
    postsNew: 0,
    versionsNew: 0,
    missing: [],
    statusChanged: [],
    touched: [],
  };
  const unique = [...new Set(ids)];
  const batch = deps.source.lookupBatch;
  // A source that cannot look posts up (lookupBatch 0: feeds) finds none and reports none missing.
  if (batch < 1) return result;
  for (let i = 0; i < unique.length; i += batch) {
    result.requests += 1;
    let page = await deps.source.lookupPosts(unique.slice(i, i + batch), options.signal);
    await storeLookupPage(deps, page, deps.clock.now(), result);
    // A lookup may go on (a post edited since it was archived: its edit history), each page stored as it comes.
    while (page.nextPageToken) {
      result.requests += 1;
      page = await deps.source.fetchPage(CONTINUED, null, page.nextPageToken, options.signal);
      await storeLookupPage(deps, page, deps.clock.now(), result);
    }
  }
  return result;
}

/** The account of a continued lookup: a page token names everything the next page needs. */
const CONTINUED = { platformUserId: '' };

/** `readAt`: when the page was read (its capture's time: a post it shows restores only a deletion older than that). */
async function storeLookupPage(deps: ArchiveDeps, normalized: NormalizedPage, readAt: Date, result: ArchiveResult) {
  const now = deps.clock.now();
  const capture = normalized.capture;
  const platform = deps.source.platform;
  // Posts by a watched account are linked to it; others (cited posts of other authors) to none.
  const authors = [...new Set(normalized.posts.flatMap((p) => (p.authorId ? [p.authorId] : [])))];
  const owners = await createAccountsRepository(deps.db).idsByUserId(platform, authors);
  const missing = postErrors(normalized.errors);
  const posts = createPostsRepository(deps.db);
  await deps.db.$transaction(async (tx) => {
    const groups = groupBy(normalized.posts, (p) => owners.get(p.authorId ?? '') ?? null);
    let first = true;
    for (const [accountId, group] of groups.size ? groups : new Map([[null, []]])) {
      const input = {
        accountId,
        capture: { ...capture, capturedAt: readAt },
        posts: group,
        // Problems belong to the capture: record them once, with the first group.
        problems: first ? normalized.problems : [],
        firstSeenBy: 'lookup' as const,
        raiseNew: false,
        now,
      };
      const stored = await posts.storeBatch(input, tx);
      first = false;
      result.postsNew += stored.postsNew;
      result.versionsNew += stored.versionsNew;
      result.touched.push(...stored.touched);
    }
    result.statusChanged.push(...(await posts.markUnavailable(platform, missing.map(statusChangeOf), now, tx)));
  });
  result.found.push(...normalized.posts.map((p) => ({ platformId: p.platformId, versionId: p.versionId })));
  result.missing.push(...missing);
}

/** Partial errors about posts (not users) that name the post. */
export function postErrors(errors: PartialError[]): PartialError[] {
  return errors.filter((e) => e.resourceType !== 'user' && e.resourceId);
}

/** What a partial error about a post (HTTP 200 `errors[]`) means for the archived post. */
export function statusChangeOf(e: PartialError): StatusChange {
  const status = e.kind === 'not_found' ? 'deleted' : e.kind === 'suspended' ? 'suspended' : 'unavailable';
  return { id: e.resourceId!, status, detail: e.detail };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
