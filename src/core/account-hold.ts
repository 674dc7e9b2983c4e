// What holds an account back from being polled, one shape for every
// platform: a pause with an end (a rate limit: `paused until`), or a block
// that only a human can lift (the platform's credentials or settings are
// missing). Pure: the caller passes the time and the configuration it knows.

/** X documents rate-limit windows of 15 minutes... */
export const RATE_LIMIT_WINDOW_MS = 15 * 60_000;
/** ...and a reset is believed up to this far past one window (clock skew, a late reset). */
export const RATE_LIMIT_MARGIN_MS = 5 * 60_000;
/** The longest any rate-limit wait may last, whatever the platform's headers say. */
export const MAX_RATE_LIMIT_WAIT_MS = RATE_LIMIT_WINDOW_MS + RATE_LIMIT_MARGIN_MS;

/**
 * When polling may resume after a rate limit that resets at `resetAt`: never
 * before now, never later than `maxWaitMs` from now (a reset in the year 5138
 * or a malformed one waits one capped window).
 */
export function rateLimitResumeAt(resetAt: Date, now: Date, maxWaitMs = MAX_RATE_LIMIT_WAIT_MS): Date {
  const latest = now.getTime() + maxWaitMs;
  const reset = resetAt.getTime();
  if (!Number.isFinite(reset)) return new Date(latest);
  return new Date(Math.min(Math.max(reset, now.getTime()), latest));
}

export const HOLD_CODES = ['rate_limited', 'missing_credentials'] as const;
export type HoldCode = (typeof HOLD_CODES)[number];

/** A platform that cannot be polled at all until a human sets what is missing. */
export interface PlatformBlock {
  platform: string;
  code: 'missing_credentials';
  /** The settings to set, by name. */
  settings: string[];
  /** One line: what is wrong and what to set. */
  reason: string;
}

/** The block of a platform whose required settings are not all set, or null. */
export function missingSettingsBlock(
  platform: string,
  required: readonly string[],
  isSet: (name: string) => boolean,
): PlatformBlock | null {
  const missing = required.filter((name) => !isSet(name));
  if (missing.length === 0) return null;
  const what = missing.join(' and ');
  return {
    platform,
    code: 'missing_credentials',
    settings: missing,
    reason: `${platform} accounts are not polled: ${what} ${missing.length > 1 ? 'are' : 'is'} not set (set ${missing.length > 1 ? 'them' : 'it'} to poll them)`,
  };
}

/** An account's pause as stored, if it still holds at `now`. */
export function activePause(
  a: { pausedUntil?: Date | null; pauseCode?: string | null; pauseReason?: string | null },
  now: Date,
): { code: string; reason: string; until: Date } | null {
  if (!a.pausedUntil || a.pausedUntil <= now) return null;
  return { code: a.pauseCode ?? 'paused', reason: a.pauseReason ?? 'polling waits', until: a.pausedUntil };
}
