// Cited posts that the archive does not hold yet are looked up by ID on the
// source (archivePostsById: GET /2/tweets, 100 IDs per request, stored as
// first seen by 'lookup'). A failing source leaves the references open; they
// resolve when the post arrives by another way.
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { errorCode, OnrecordError } from '../core/errors.js';
import type { PostSource } from '../ports/post-source.js';
import type { Prisma } from '../adapters/db/database.js';
import { createArticlesRepository } from '../adapters/db/articles-repository.js';
import { archivePostsById } from './archive-posts.js';

interface LookupDeps {
  prisma: Prisma;
  logger: Logger;
  clock: Clock;
}

/** Looks up and stores the IDs not archived yet; returns how many posts the source returned. */
export async function archiveMissingPosts(deps: LookupDeps, source: PostSource, ids: string[], signal?: AbortSignal) {
  if (ids.length === 0) return 0;
  const known = await createArticlesRepository(deps.prisma).findPostsByIds(source.platform, ids);
  const have = new Set(known.flatMap((p) => [p.platformId, ...p.editIds]));
  const missing = ids.filter((id) => !have.has(id));
  if (missing.length === 0) return 0;
  try {
    const result = await archivePostsById({ db: deps.prisma, source, clock: deps.clock }, missing, { signal });
    return result.found.length;
  } catch (err) {
    if (!(err instanceof OnrecordError)) throw err;
    deps.logger.warn({ err, code: errorCode(err), ids: missing.length }, 'cited posts could not be looked up');
    return 0;
  }
}
