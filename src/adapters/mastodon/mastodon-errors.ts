// Mastodon API answers and transport failures translated at the edge into the
// taxonomy of core/errors.ts, and the rate-limit headers read into the port's
// shape. 404 and 410 are not errors here: what they mean depends on what was
// asked (a deleted status, a gone account), so the source decides.
import { RETRYABLE_SOCKET_CODES } from '../../core/backoff.js';
import {
  BadPayload,
  ConfigError,
  InvalidInput,
  OnrecordError,
  SourceAuth,
  SourceRateLimited,
  SourceUnavailable,
} from '../../core/errors.js';
import type { RateLimitState, RawCapture } from '../../ports/post-source.js';

/** Mastodon's window when a 429 names no reset: its default five minutes. */
const DEFAULT_WINDOW_MS = 5 * 60_000;

export type Headers = Record<string, string | string[] | undefined>;

export function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/**
 * `X-RateLimit-Reset` is an ISO 8601 time on Mastodon (`2026-03-01T12:05:00.000000Z`)
 * and Unix seconds on some other servers; both are read.
 */
export function parseResetTime(value: string | null): Date | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return new Date(Number(value) * 1000);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

export function readRateLimit(headers: Headers): RateLimitState | undefined {
  const limit = Number(headerValue(headers['x-ratelimit-limit']) ?? NaN);
  const remaining = Number(headerValue(headers['x-ratelimit-remaining']) ?? NaN);
  const resetAt = parseResetTime(headerValue(headers['x-ratelimit-reset']));
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !resetAt) return undefined;
  return { limit, remaining, resetAt };
}

/** The `error` (and `error_description`) of a Mastodon error body, if it has one. */
function errorText(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown } | null;
    if (typeof parsed?.error !== 'string') return null;
    return typeof parsed.error_description === 'string' ? `${parsed.error}: ${parsed.error_description}` : parsed.error;
  } catch {
    return null;
  }
}

export interface AnswerContext {
  server: string;
  hasToken: boolean;
  now: () => Date;
}

/** An answer that is neither a success nor a 404/410, as an OnrecordError. */
export function statusError(capture: RawCapture, headers: Headers, ctx: AnswerContext): OnrecordError {
  const status = capture.httpStatus;
  const said = errorText(capture.body);
  const what = `${ctx.server} answered ${status}${said ? `: ${said}` : ''}`;
  if (status === 429) {
    const resetAt =
      readRateLimit(headers)?.resetAt ??
      retryAfter(headerValue(headers['retry-after']), ctx.now()) ??
      new Date(ctx.now().getTime() + DEFAULT_WINDOW_MS);
    return new SourceRateLimited(`${what} (rate limited)`, resetAt);
  }
  if (status === 401 || status === 403) {
    const hint = ctx.hasToken
      ? `check the access token given for ${ctx.server} in MASTODON_TOKENS`
      : `the server requires an access token: give one for ${ctx.server} in MASTODON_TOKENS`;
    return new SourceAuth(`${what} (${hint})`);
  }
  if (status >= 500) return new SourceUnavailable(what);
  if (status === 400 || status === 422) return new InvalidInput(what);
  return new BadPayload(`${what} (unexpected status)`, { capture });
}

function retryAfter(value: string | null, now: Date): Date | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return new Date(now.getTime() + Number(value) * 1000);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

/** A transport failure (no answer, or an answer cut short) as an OnrecordError. */
export function transportError(err: unknown, ctx: { server: string; timedOut: boolean; timeoutMs: number }) {
  if (err instanceof OnrecordError) return err;
  if (ctx.timedOut) return new SourceUnavailable(`${ctx.server} did not answer within ${ctx.timeoutMs} ms`);
  const cause = err as (Error & { code?: string; cause?: Error & { code?: string } }) | undefined;
  const code = cause?.code ?? cause?.cause?.code ?? '';
  if (TLS_TRUST.test(code)) {
    return new ConfigError(`the certificate of ${ctx.server} is not trusted (${code}); check MASTODON_BASE_URLS`, {
      cause,
    });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new BadPayload(`${ctx.server} answered a body larger than the size limit`, { cause });
  }
  const known = RETRYABLE_SOCKET_CODES.has(code) || code.startsWith('UND_ERR') ? code : cause?.message;
  return new SourceUnavailable(`${ctx.server} could not be reached (${known || 'network error'})`, { cause });
}
