// When a delivery is due: retries after a failure, the point where it is given
// up (dead), and the periods that digests gather. Pure: time is passed in.
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { InvalidInput } from './errors.js';

/** From about 1 s, doubling, capped at one hour between two attempts. */
export const DELIVERY_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 3_600_000 };
/** A delivery that still fails this long after it first fell due is dead. */
export const DELIVERY_GIVE_UP_MS = 24 * 3_600_000;

export type RetryDecision = { kind: 'retry'; at: Date } | { kind: 'dead' };

export interface FailedAttempt {
  /** Attempts made so far, the failed one included (1 after the first failure). */
  attempts: number;
  /** When the delivery first fell due (its creation, or a digest's period end). */
  firstDueAt: Date;
  now: Date;
}

export function afterFailure(
  failed: FailedAttempt,
  options: { policy?: BackoffPolicy; giveUpMs?: number; random?: () => number } = {},
): RetryDecision {
  const giveUpMs = options.giveUpMs ?? DELIVERY_GIVE_UP_MS;
  if (failed.now.getTime() - failed.firstDueAt.getTime() >= giveUpMs) return { kind: 'dead' };
  const delay = backoffDelay(Math.max(0, failed.attempts - 1), options.policy ?? DELIVERY_BACKOFF, options.random);
  return { kind: 'retry', at: new Date(failed.now.getTime() + delay) };
}

export const DIGEST_MODES = ['none', 'hourly', 'daily'] as const;
export type DigestMode = (typeof DIGEST_MODES)[number];

export interface DigestPeriod {
  /** `hourly:2026-03-04T15` or `daily:2026-03-04` (UTC). */
  key: string;
  mode: Exclude<DigestMode, 'none'>;
  start: Date;
  end: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The digest period (UTC hour or UTC day) that contains `at`. */
export function digestPeriod(mode: Exclude<DigestMode, 'none'>, at: Date): DigestPeriod {
  const size = mode === 'hourly' ? HOUR_MS : DAY_MS;
  const start = new Date(Math.floor(at.getTime() / size) * size);
  const iso = start.toISOString();
  const key = mode === 'hourly' ? `hourly:${iso.slice(0, 13)}` : `daily:${iso.slice(0, 10)}`;
  return { key, mode, start, end: new Date(start.getTime() + size) };
}

/** The period after `period`. */
export function nextDigestPeriod(period: DigestPeriod): DigestPeriod {
  return digestPeriod(period.mode, period.end);
}

export function parseDigestKey(key: string): DigestPeriod {
  const m = /^(hourly):(\d{4}-\d{2}-\d{2}T\d{2})$|^(daily):(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (!m) throw new InvalidInput(`not a digest key: ${key}`);
  const mode = (m[1] ?? m[3]) as 'hourly' | 'daily';
  const start = new Date(mode === 'hourly' ? `${m[2]}:00:00Z` : `${m[4]}T00:00:00Z`);
  return digestPeriod(mode, start);
}

/**
 * The digest_key of a member row: one event gathered into a digest. The
 * period key followed by `#<event id>`, unique per rule like every digest_key.
 */
export function digestMemberKey(periodKey: string, eventId: number): string {
  return `${periodKey}#${eventId}`;
}

export function parseDigestMode(text: string): DigestMode {
  const mode = text.trim().toLowerCase();
  if (!(DIGEST_MODES as readonly string[]).includes(mode)) {
    throw new InvalidInput(`unknown digest "${text}" (known: hourly, daily)`);
  }
  return mode as DigestMode;
}
