// An AppView answer translated into the taxonomy of core/errors.ts, from the
// response itself (status, headers, body) rather than from @atproto/api's
// error objects, which drop the body of a malformed answer. XRPC errors are
// `{ error, message }` with a status; Bluesky's rate-limit headers follow its
// XRPC servers: `ratelimit-reset` is an epoch time in seconds.
import { RETRYABLE_SOCKET_CODES } from '../../core/backoff.js';
import {
  BadPayload,
  ConfigError,
  OnrecordError,
  SourceAuth,
  SourceRateLimited,
  SourceUnavailable,
} from '../../core/errors.js';
import type { RateLimitState, RawCapture } from '../../ports/post-source.js';

/** A response as received: the capture, and its headers (lower-case names). */
export interface Received {
  capture: RawCapture;
  headers: Record<string, string>;
}

/** The `{ error, message }` of an XRPC error body, when it is one. */
export function xrpcErrorOf(body: string): { error: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown } | null;
    if (!parsed || typeof parsed.error !== 'string') return undefined;
    return { error: parsed.error, message: typeof parsed.message === 'string' ? parsed.message : '' };
  } catch {
    return undefined;
  }
}

/** The AppView's default window when a 429 names no reset (its XRPC servers count 5 minutes). */
const DEFAULT_WINDOW_MS = 5 * 60_000;

/** A reset header as a time: epoch seconds, or (as the IETF draft has it) seconds from now when small. */
function resetTime(value: string | undefined, now: Date): Date | undefined {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return n >= 1e9 ? new Date(n * 1000) : new Date(now.getTime() + n * 1000);
}

export function rateLimitOf(headers: Record<string, string>, now: Date): RateLimitState | undefined {
  const limit = Number(headers['ratelimit-limit']);
  const remaining = Number(headers['ratelimit-remaining']);
  const resetAt = resetTime(headers['ratelimit-reset'], now);
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !resetAt) return undefined;
  return { limit, remaining, resetAt };
}

/**
 * An error status as an OnrecordError, or undefined for the 400s the caller
 * reads itself (an account not found, suspended, deactivated; a bad request).
 */
export function statusError({ capture, headers }: Received, now: Date): OnrecordError | undefined {
  const status = capture.httpStatus;
  const xrpc = xrpcErrorOf(capture.body);
  const what = `the AppView answered ${status}${xrpc ? ` ${xrpc.error}${xrpc.message ? `: ${xrpc.message}` : ''}` : ''}`;
  if (status === 429) {
    const retryAfter = Number(headers['retry-after']);
    const resetAt =
      resetTime(headers['ratelimit-reset'], now) ??
      (Number.isFinite(retryAfter) ? new Date(now.getTime() + retryAfter * 1000) : undefined) ??
      new Date(now.getTime() + DEFAULT_WINDOW_MS);
    return new SourceRateLimited(`${what} (rate limited)`, resetAt);
  }
  if (status === 400) return undefined;
  if (status === 401 || status === 403) {
    return new SourceAuth(`${what} (the public AppView needs no login: check BSKY_APPVIEW_URL)`);
  }
  if (status === 404 || status === 501) {
    return new ConfigError(`${what} at ${capture.requestUrl} (not an AppView: check BSKY_APPVIEW_URL)`);
  }
  if (status >= 500) return new SourceUnavailable(what);
  return new BadPayload(`${what} (unexpected status)`, { capture });
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/** The socket error under fetch's "fetch failed" (and under the library's wrapping of it). */
function socketCause(err: unknown): (Error & { code?: string }) | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && code !== 'UND_ERR_SOCKET') {
      return current as Error & { code: string };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** No response at all: the network, a refused or reset connection, an untrusted certificate. */
export function networkError(err: unknown): OnrecordError {
  const cause = socketCause(err);
  const code = cause?.code ?? '';
  if (TLS_TRUST.test(code)) {
    return new ConfigError(`the AppView's certificate is not trusted (${code}); check BSKY_APPVIEW_URL`, { cause });
  }
  const known = RETRYABLE_SOCKET_CODES.has(code) ? code : (cause?.message ?? (err as Error | undefined)?.message);
  return new SourceUnavailable(`the AppView could not be reached (${known ?? 'network error'})`, { cause });
}
