// Runs a poll holding the account's lock (src/adapters/db/account-locks.ts),
// so that two instances (or the CLI beside the service) never poll one account
// at the same time. The lock dies with its holder: a poller killed mid-poll,
// even by kill -9, frees the account at once.
import type { AccountLocks } from '../adapters/db/account-locks.js';
import type { Clock } from '../core/clock.js';
import { sleep } from '../core/lifecycle.js';

/** How often a waiting poll asks for the account again. */
export const LEASE_RETRY_MS = 250;

export interface LeaseOptions {
  locks: AccountLocks;
  clock: Clock;
  /** How long to wait for a live holder before giving up (default 0: do not wait). */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once when the account is held by another and this poll starts waiting. */
  onWait?: (holder: string) => void;
}

export type LeaseOutcome<T> = { leased: true; value: T } | { leased: false; holder: string };

/** Runs fn holding the account; without running it, names the holder when it is still held after waitMs. */
export async function withAccountLease<T>(
  options: LeaseOptions,
  accountId: number,
  fn: () => Promise<T>,
): Promise<LeaseOutcome<T>> {
  const deadline = options.clock.now().getTime() + (options.waitMs ?? 0);
  for (let attempt = 0; ; attempt++) {
    const hold = await options.locks.tryHold(accountId);
    if (hold.held) {
      try {
        return { leased: true, value: await fn() };
      } finally {
        await hold.release();
      }
    }
    if (options.clock.now().getTime() >= deadline || options.signal?.aborted) {
      return { leased: false, holder: hold.holder };
    }
    if (attempt === 0) options.onWait?.(hold.holder);
    await sleep(LEASE_RETRY_MS, options.signal);
  }
}
