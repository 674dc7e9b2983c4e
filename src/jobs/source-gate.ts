// What the poller knows about a source's limits, shared by every account of
// one process: a usage cap stops all polling of the platform; a rate limit
// holds back only the account that met it, until the reset time.
import type { Clock } from '../core/clock.js';

/** How long polling pauses after a usage cap before one probe tries again. */
export const USAGE_CAP_PAUSE_MS = 60 * 60_000;

export type GateState =
  { open: true } | { open: false; reason: 'usage_capped' | 'rate_limited'; until: Date; message: string };

export interface SourceGate {
  check(accountId: number): GateState;
  recordUsageCap(message: string): void;
  recordRateLimit(accountId: number, resetAt: Date, message: string): void;
  /** A successful request: the usage cap, if any, is over. */
  recordSuccess(accountId: number): void;
  /** The platform-wide stop, if any (for stats and health). */
  usageCap(): { since: Date; until: Date; message: string } | null;
}

export function createSourceGate(clock: Clock, pauseMs = USAGE_CAP_PAUSE_MS): SourceGate {
  let capped: { since: Date; until: Date; message: string } | null = null;
  const limited = new Map<number, { until: Date; message: string }>();
  return {
    check(accountId) {
      const now = clock.now();
      if (capped && capped.until > now) {
        return { open: false, reason: 'usage_capped', until: capped.until, message: capped.message };
      }
      const limit = limited.get(accountId);
      if (limit && limit.until > now) {
        return { open: false, reason: 'rate_limited', until: limit.until, message: limit.message };
      }
      return { open: true };
    },
    recordUsageCap(message) {
      const since = clock.now();
      capped = { since, until: new Date(since.getTime() + pauseMs), message };
    },
    recordRateLimit(accountId, resetAt, message) {
      limited.set(accountId, { until: resetAt, message });
    },
    recordSuccess(accountId) {
      capped = null;
      limited.delete(accountId);
    },
    usageCap: () => capped,
  };
}
