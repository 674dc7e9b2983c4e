// Runs a poll under the account's lease in PostgreSQL, renewed while the poll
// runs, so that two instances (or the CLI beside the service) never poll one
// account at the same time, and a poller killed mid-poll frees the account
// once its short lease expires.
import type { PrismaClient } from '../generated/prisma/client.js';
import { createLeasesRepository } from '../adapters/db/poll-runs-repository.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';

/** Default lease length (ONRECORD_LEASE_TTL): renewed every third of it. */
export const DEFAULT_LEASE_TTL_MS = 2 * 60_000;

export interface LeaseOptions {
  db: PrismaClient;
  clock: Clock;
  logger: Logger;
  owner: string;
  ttlMs?: number;
}

/** Runs fn holding the lease; returns `{ leased: false }` without running it when another owner holds it. */
export async function withAccountLease<T>(
  options: LeaseOptions,
  accountId: number,
  fn: () => Promise<T>,
): Promise<{ leased: true; value: T } | { leased: false }> {
  const leases = createLeasesRepository(options.db);
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!(await leases.acquire(accountId, options.owner, options.clock.now(), ttlMs))) return { leased: false };
  const renew = setInterval(
    () => {
      leases.acquire(accountId, options.owner, options.clock.now(), ttlMs).then(
        (held) => held || options.logger.warn({ accountId }, 'lease lost while polling'),
        (err: unknown) => options.logger.warn({ err, accountId }, 'lease could not be renewed'),
      );
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  try {
    return { leased: true, value: await fn() };
  } finally {
    clearInterval(renew);
    await leases.release(accountId, options.owner);
  }
}
