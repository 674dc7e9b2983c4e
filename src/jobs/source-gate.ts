// What the poller knows about a source's limits, shared by every account of
// one process: a usage cap stops all polling of the platform; a rate limit
// holds back only the account that met it, until the reset time (capped, see
// core/account-hold.ts, and remembered on the account across restarts).
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
import type { Prisma } from '../adapters/db/database.js';
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

export interface RecordedUsageCap {
  since: Date;
  message: string;
}

export interface RecordedRateLimit {
  accountId: number;
  until: Date;
  message: string;
}

export function createSourceGate(
  clock: Clock,
  pauseMs = USAGE_CAP_PAUSE_MS,
  restored?: RecordedUsageCap,
  restoredLimits: RecordedRateLimit[] = [],
): SourceGate {
  let capped: { since: Date; until: Date; message: string } | null = restored
    ? { ...restored, until: new Date(restored.since.getTime() + pauseMs) }
    : null;
  if (capped && capped.until <= clock.now()) capped = null;
  const limited = new Map<number, { until: Date; message: string }>(
    restoredLimits.map((l) => [l.accountId, { until: l.until, message: l.message }]),
  );
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

/**
 * A gate that remembers a usage cap met by an earlier process (the service
 * before a restart, another `poll --once`): the cap is recorded on the
 * account that met it, so a restart does not spend requests on a capped API.
 * Rate-limit waits are remembered on each account (`paused_until`) likewise.
 */
export async function restoreSourceGate(
  db: Prisma,
  platform: string,
  clock: Clock,
  pauseMs = USAGE_CAP_PAUSE_MS,
): Promise<SourceGate> {
  const accounts = createAccountsRepository(db);
  const capped = await accounts.usageCapped(platform);
  const limits = (await accounts.pausedAt(platform, clock.now())).map((a) => ({
    accountId: a.id,
    until: a.pausedUntil!,
    message: a.pauseReason ?? 'rate limited',
  }));
  const latest = capped
    .filter((a) => a.lastErrorAt !== null)
    .sort((a, b) => b.lastErrorAt!.getTime() - a.lastErrorAt!.getTime())[0];
  const restored = latest ? { since: latest.lastErrorAt!, message: latest.lastError ?? 'usage cap' } : undefined;
  return createSourceGate(clock, pauseMs, restored, limits);
}
