// When to reconnect a pushed stream, as X documents it for its streaming
// endpoints ("Handling disconnections"): an established connection that drops
// is reconnected at once; a reconnect that fails backs off by the kind of
// failure: linearly by 250 ms up to 16 s after a network error, exponentially
// from 5 s up to 320 s after an HTTP error, exponentially from 1 minute after
// a 429. Pure: the job counts the failures and sleeps.

export const STREAM_FAILURES = ['dropped', 'network', 'http', 'rate-limited'] as const;
/**
 * - dropped: an established connection ended (network drop, keep-alive
 *   timeout, X's operational disconnect): reconnect at once.
 * - network: a connect attempt failed below HTTP (refused, reset, timeout).
 * - http: a connect attempt was answered with an HTTP error (5xx, 4xx).
 * - rate-limited: a connect attempt was answered 429 (too many connections or requests).
 */
export type StreamFailure = (typeof STREAM_FAILURES)[number];

export const NETWORK_STEP_MS = 250;
export const NETWORK_MAX_MS = 16_000;
export const HTTP_BASE_MS = 5_000;
export const HTTP_MAX_MS = 320_000;
export const RATE_LIMIT_BASE_MS = 60_000;
/**
 * X says only "each 429 increases the wait until rate limiting expires";
 * connection limits reset in 15-minute windows, so doubling stops at 16 minutes.
 */
export const RATE_LIMIT_MAX_MS = 960_000;

/**
 * The wait before the next connect, after the `attempt`-th consecutive failure
 * of this kind since the last established connection (attempt counts from 1).
 */
export function reconnectDelayMs(failure: StreamFailure, attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  switch (failure) {
    case 'dropped':
      return 0;
    case 'network':
      return Math.min(NETWORK_MAX_MS, NETWORK_STEP_MS * n);
    case 'http':
      return Math.min(HTTP_MAX_MS, HTTP_BASE_MS * 2 ** (n - 1));
    case 'rate-limited':
      return Math.min(RATE_LIMIT_MAX_MS, RATE_LIMIT_BASE_MS * 2 ** (n - 1));
  }
}

/** Consecutive failures by kind since the last established connection. */
export type FailureCounts = Readonly<Record<StreamFailure, number>>;

export const NO_FAILURES: FailureCounts = { dropped: 0, network: 0, http: 0, 'rate-limited': 0 };

/**
 * Counts one more failure and says how long to wait. A drop of an established
 * connection starts a new series (the counts are reset); the other kinds grow
 * their own count, so a network error after three HTTP errors waits 250 ms.
 */
export function nextReconnect(
  counts: FailureCounts,
  failure: StreamFailure,
): { delayMs: number; counts: FailureCounts } {
  if (failure === 'dropped') return { delayMs: 0, counts: { ...NO_FAILURES, dropped: counts.dropped + 1 } };
  const next = { ...counts, [failure]: counts[failure] + 1 };
  return { delayMs: reconnectDelayMs(failure, next[failure]), counts: next };
}

/** How an HTTP status at connect time is retried (401/403 mean a human must act, but are retried slowly too). */
export function failureOfStatus(status: number): StreamFailure {
  return status === 429 ? 'rate-limited' : 'http';
}
