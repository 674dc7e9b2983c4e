// Retry arithmetic shared by polling and alert delivery. Pure: randomness is
// passed in so tests can pin it.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential back-off with "full jitter": a delay drawn uniformly from
 * [0.5, 1] × min(max, base × 2^attempt). Half the window is kept so that a
 * retry is never immediate.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Network and server conditions where retrying can help. */
export const RETRYABLE_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export const RETRYABLE_HTTP_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** SQLSTATEs of transient database conditions (serialization, deadlock, connection). */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '57P01', '08000', '08003', '08006', '53300']);
