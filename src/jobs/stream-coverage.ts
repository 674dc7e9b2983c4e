// Poll intervals while streams are healthy: an account a connected stream
// carries is polled only at the reconciliation interval (ONRECORD_RECONCILE_INTERVAL,
// default 1 h), which cuts X's billed reads; when its stream disconnects, the
// account is polled at its own interval again from the next tick. Read from
// the streams' state rows, so every instance's scheduler agrees, whichever
// instance holds the stream. An account whose deletions the stream pushes
// (the Activity API) skips the timed re-check of its recent posts.
import type { Prisma } from '../adapters/db/database.js';
import { createStreamsRepository } from '../adapters/db/streams-repository.js';
import type { Clock } from '../core/clock.js';
import { pollIntervalFor, streamedAccounts } from '../core/stream-state.js';
import type { PollIntervals } from './scheduler.js';

export interface StreamCoverage extends PollIntervals {
  /** The accounts carried by a connected stream at the last refresh. */
  streamed(): ReadonlySet<number>;
}

export function createStreamCoverage(db: Prisma, clock: Clock, reconcileMs: number): StreamCoverage {
  const streams = createStreamsRepository(db);
  let current = { streamed: new Set<number>(), deletionsPushed: new Set<number>() };
  return {
    async refresh() {
      current = streamedAccounts(await streams.list(), clock.now());
    },
    intervalOf: (account) => pollIntervalFor(account.pollIntervalMs, current.streamed.has(account.id), reconcileMs),
    deletionsPushed: (accountId) => current.deletionsPushed.has(accountId),
    streamed: () => current.streamed,
  };
}
