// A citation may name the cited post's account by handle (a bsky.app
// permalink), while the archive keys posts by the account's immutable user
// ID. Such cited IDs are written with the user ID before lookup and matching:
// the archived account known by that handle first (now or before a rename),
// else the platform's own answer. A handle that cannot be resolved leaves the
// citation as written (kept open, like any citation of a post not found).
import type { Logger } from 'pino';
import type { CandidateReference } from '../core/article-detect.js';
import { errorCode, OnrecordError } from '../core/errors.js';
import { postIdHandle } from '../core/platforms.js';
import type { PostSource } from '../ports/post-source.js';
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';

interface ResolveDeps {
  prisma: Prisma;
  logger: Logger;
  postSources?: readonly PostSource[];
}

/** The candidates with every cited ID written with its account's user ID where it can be; a duplicate it reveals is dropped. */
export async function resolveCitedHandles(
  deps: ResolveDeps,
  candidates: CandidateReference[],
  signal?: AbortSignal,
): Promise<CandidateReference[]> {
  const userIds = new Map<string, Promise<string | undefined>>();
  const resolved: CandidateReference[] = [];
  for (const c of candidates) {
    const named = c.citedId ? postIdHandle(c.platform, c.citedId) : undefined;
    if (!named) {
      resolved.push(c);
      continue;
    }
    const key = `${c.platform}:${named.handle}`;
    if (!userIds.has(key)) userIds.set(key, userIdOf(deps, c.platform, named.handle, signal));
    const userId = await userIds.get(key);
    resolved.push(userId ? withCitedId(c, named.withUserId(userId)) : c);
  }
  return resolved.filter((c, i) => resolved.findIndex((o) => o.fingerprint === c.fingerprint) === i);
}

function withCitedId(c: CandidateReference, citedId: string): CandidateReference {
  // An ID's fingerprint is `<platform>:id:<id>`: it follows the ID, so that two sights of one post are one.
  const fingerprint = c.fingerprint === `${c.platform}:id:${c.citedId}` ? `${c.platform}:id:${citedId}` : c.fingerprint;
  return { ...c, citedId, fingerprint };
}

async function userIdOf(deps: ResolveDeps, platform: string, handle: string, signal?: AbortSignal) {
  const account = await createAccountsRepository(deps.prisma).findByHandle(platform, handle);
  if (account?.platformUserId) return account.platformUserId;
  const source = deps.postSources?.find((s) => s.platform === platform);
  if (!source) return undefined;
  try {
    const lookup = await source.resolveAccount(handle, signal);
    return lookup.kind === 'found' ? lookup.user.platformUserId : undefined;
  } catch (err) {
    if (!(err instanceof OnrecordError)) throw err;
    deps.logger.warn({ err, code: errorCode(err), platform, handle }, 'a cited handle could not be resolved');
    return undefined;
  }
}
