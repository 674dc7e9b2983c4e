// Cited posts that the archive does not hold yet, looked up by ID on the
// source (GET /2/tweets, up to 100 per request) and stored like any other
// looked-up post. A failing source leaves the references open; they resolve
// when the post arrives by another way.
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { errorCode, OnrecordError } from '../core/errors.js';
import { normalizeXBody, type NormalizedPost } from '../core/x-normalize.js';
import type { PostSource } from '../ports/post-source.js';
import type { Prisma } from '../adapters/db/database.js';
import { findPostsByIds } from '../adapters/db/articles-repository.js';
import { storeBatch } from '../adapters/db/posts-repository.js';

export const LOOKUP_BATCH = 100;

interface LookupDeps {
  prisma: Prisma;
  logger: Logger;
  clock: Clock;
}

/** Looks up and stores the IDs not archived yet; returns how many posts were stored. */
export async function archiveMissingPosts(deps: LookupDeps, source: PostSource, ids: string[], signal?: AbortSignal) {
  const known = await findPostsByIds(deps.prisma, source.platform, ids);
  const have = new Set(known.flatMap((p) => [p.platformId, ...p.editIds]));
  const missing = ids.filter((id) => !have.has(id));
  let stored = 0;
  for (let i = 0; i < missing.length; i += LOOKUP_BATCH) {
    const chunk = missing.slice(i, i + LOOKUP_BATCH);
    try {
      stored += await lookupAndStore(deps, source, chunk, signal);
    } catch (err) {
      if (!(err instanceof OnrecordError)) throw err;
      deps.logger.warn({ err, code: errorCode(err), ids: chunk.length }, 'cited posts could not be looked up');
      return stored;
    }
  }
  return stored;
}

async function lookupAndStore(deps: LookupDeps, source: PostSource, ids: string[], signal?: AbortSignal) {
  const page = await source.fetchPostsById(ids, signal);
  const body = normalizeXBody(page.body);
  const now = deps.clock.now();
  const byAuthor = new Map<string, NormalizedPost[]>();
  for (const p of body.posts) byAuthor.set(p.authorId ?? '', [...(byAuthor.get(p.authorId ?? '') ?? []), p]);
  await deps.prisma.$transaction(async (tx) => {
    const accounts = await tx.account.findMany({
      where: { platform: source.platform, platformUserId: { in: [...byAuthor.keys()].filter(Boolean) } },
      select: { id: true, platformUserId: true },
    });
    const accountOf = new Map(accounts.map((a) => [a.platformUserId, a.id]));
    const groups = byAuthor.size ? [...byAuthor.entries()] : [['', []] as [string, NormalizedPost[]]];
    for (const [authorId, posts] of groups) {
      await storeBatch(tx, {
        accountId: accountOf.get(authorId) ?? null,
        capture: { ...page.capture, capturedAt: now },
        posts,
        problems: authorId === groups[0]![0] ? body.problems : [],
        firstSeenBy: 'lookup',
        raiseNew: false,
        now,
      });
    }
  });
  return body.posts.length;
}
