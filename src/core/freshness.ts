// Is an account still being archived? Pure: from an account's state and its
// usual gap between posts, says whether it is fine, silent (quiet for many
// times its usual gap), failing (an error a human must look at), paused
// (by a human, or until a rate limit resets) or blocked (its platform's
// credentials or settings are missing: nothing is polled).
import { activePause, type PlatformBlock } from './account-hold.js';

export const FRESHNESS_STATES = ['ok', 'silent', 'failing', 'paused', 'blocked', 'new'] as const;
export type FreshnessState = (typeof FRESHNESS_STATES)[number];

/** An account is silent after this many times its usual gap between posts... */
export const SILENT_GAP_FACTOR = 10;
/** ...and never before this long (accounts posting every minute are not silent after ten). */
export const MIN_SILENCE_MS = 6 * 3_600_000;
/** Account statuses that mean the account cannot be read any more. */
const FAILING_STATUSES = new Set(['error', 'suspended', 'not_found']);
/** Error codes that do not heal by waiting (rate limits and outages do). */
const FAILING_ERROR_CODES = new Set(['auth', 'usage_capped', 'not_found', 'config', 'bad_payload']);

export interface AccountActivity {
  status: string;
  lastPostAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastErrorCode: string | null;
  lastError: string | null;
  /** Median gap between the account's recent posts, null with fewer than two posts. */
  usualGapMs: number | null;
  /** A wait remembered on the account (a rate limit), see account-hold.ts. */
  pausedUntil?: Date | null;
  pauseCode?: string | null;
  pauseReason?: string | null;
}

export interface Freshness {
  state: FreshnessState;
  /** Why, in words, when the state is not ok. */
  reason: string | null;
  silentForMs: number | null;
  usualGapMs: number | null;
  /** Why polling stopped, as a stable code (missing_credentials, rate_limited, ...), when it did. */
  code?: string;
  /** Until when a pause lasts (ISO time); absent when a human must act. */
  until?: string;
}

/** How an account is doing; `block` is its platform's block, if the platform cannot be polled. */
export function assessFreshness(a: AccountActivity, now: Date, block?: PlatformBlock | null): Freshness {
  const silentForMs = a.lastPostAt ? now.getTime() - a.lastPostAt.getTime() : null;
  const base = { silentForMs, usualGapMs: a.usualGapMs };
  if (a.status === 'paused') return { ...base, state: 'paused', reason: 'polling is paused' };
  if (a.status === 'archived') return { ...base, state: 'paused', reason: 'archived from an import, not polled' };
  if (block) return { ...base, state: 'blocked', reason: block.reason, code: block.code };
  const pause = activePause(a, now);
  if (pause) {
    const reason = `${pause.reason} (polling resumes at ${pause.until.toISOString()})`;
    return { ...base, state: 'paused', reason, code: pause.code, until: pause.until.toISOString() };
  }
  if (FAILING_STATUSES.has(a.status)) {
    return { ...base, state: 'failing', reason: `account is ${a.status}${a.lastError ? `: ${a.lastError}` : ''}` };
  }
  const errorIsCurrent = a.lastErrorAt && (!a.lastSuccessAt || a.lastErrorAt > a.lastSuccessAt);
  if (errorIsCurrent && a.lastErrorCode && FAILING_ERROR_CODES.has(a.lastErrorCode)) {
    return { ...base, state: 'failing', reason: `${a.lastErrorCode}: ${a.lastError ?? 'no detail'}` };
  }
  if (silentForMs === null || a.usualGapMs === null) return { ...base, state: 'new', reason: null };
  const limit = Math.max(MIN_SILENCE_MS, a.usualGapMs * SILENT_GAP_FACTOR);
  if (silentForMs > limit) {
    const times = Math.round(silentForMs / Math.max(1, a.usualGapMs));
    return { ...base, state: 'silent', reason: `no post for ${times}× its usual gap between posts` };
  }
  return { ...base, state: 'ok', reason: null };
}
