// twitter-api-v2's errors translated at the edge into the taxonomy of
// core/errors.ts, so that jobs decide on `code` and `isRetryable` only.
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { RETRYABLE_SOCKET_CODES } from '../../core/backoff.js';
import {
  BadPayload,
  ConfigError,
  InvalidInput,
  OnrecordError,
  SourceAuth,
  SourceRateLimited,
  SourceUnavailable,
  SourceUsageCapped,
} from '../../core/errors.js';
import type { RawCapture } from '../../ports/post-source.js';

export interface RequestContext {
  source: string;
  requestUrl: string;
  timeoutMs: number;
  /** True when the adapter's own timeout fired (not the caller's signal). */
  timedOut: boolean;
  now: () => Date;
}

interface Problem {
  type?: string;
  title?: string;
  detail?: string;
}

/** The problem object of an error body, if it is one (`{type,title,detail}` or `{errors:[…]}`). */
export function problemOf(text: string): Problem | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object') return undefined;
    const record = parsed as Problem & { errors?: Problem[] };
    return record.type || record.title ? record : record.errors?.[0];
  } catch {
    return undefined;
  }
}

/** The window X reports when the headers are missing: its standard 15 minutes. */
const DEFAULT_WINDOW_MS = 15 * 60_000;

/** An error status (>= 400) with its headers and body text, as an OnrecordError. */
function statusError(
  status: number,
  headers: Record<string, string | string[] | number | undefined>,
  text: string,
  ctx: RequestContext,
): OnrecordError {
  const problem = problemOf(text);
  const what = `X answered ${status}${problem?.title ? ` ${problem.title}` : ''}${problem?.detail ? `: ${problem.detail}` : ''}`;
  const remaining = Number(headerValue(headers['x-rate-limit-remaining']) ?? NaN);
  if (status === 429) {
    if (problem?.type?.endsWith('/problems/usage-capped') || remaining > 0) {
      return new SourceUsageCapped(`${what} (usage cap: polling stops until the cap is raised or the cycle ends)`);
    }
    const reset = Number(headerValue(headers['x-rate-limit-reset']) ?? NaN);
    const resetAt = Number.isFinite(reset) ? new Date(reset * 1000) : new Date(ctx.now().getTime() + DEFAULT_WINDOW_MS);
    // The reset is passed on as X said it; the poller caps the wait (core/account-hold.ts).
    return new SourceRateLimited(`${what} (rate limited)`, resetAt);
  }
  if (status === 401 || status === 403) return new SourceAuth(`${what} (check X_BEARER_TOKEN and the app's access)`);
  if (status >= 500) return new SourceUnavailable(what);
  if (status === 400) return new InvalidInput(what);
  return new BadPayload(`${what} (unexpected status)`, { capture: captureOf(status, headers, text, ctx) });
}

function captureOf(
  status: number,
  headers: Record<string, string | string[] | number | undefined>,
  text: string,
  ctx: RequestContext,
): RawCapture {
  return {
    source: ctx.source,
    requestUrl: ctx.requestUrl,
    httpStatus: status,
    contentType: headerValue(headers['content-type']),
    body: text,
  };
}

function responseError(err: ApiResponseError, ctx: RequestContext): OnrecordError {
  const text = typeof err.data === 'string' ? err.data : JSON.stringify(err.data ?? null);
  return statusError(err.code, err.headers ?? {}, text, ctx);
}

/**
 * The library rejects with ApiPartialResponseError when a JSON body does not
 * parse: either the connection broke mid-body (retry) or the server sent bad
 * JSON (keep the raw text and report it).
 */
function partialResponseError(err: ApiPartialResponseError, ctx: RequestContext): OnrecordError {
  const response = err.response;
  if (ctx.timedOut) return new SourceUnavailable(`X did not answer within ${ctx.timeoutMs} ms`);
  if (!response?.complete) return new SourceUnavailable('X closed the connection in the middle of a response');
  const status = response.statusCode ?? 0;
  const text = err.rawContent ?? '';
  if (status >= 400) return statusError(status, response.headers, text, ctx);
  const capture = captureOf(status, response.headers, text, ctx);
  return new BadPayload(`X answered malformed JSON (${err.responseError?.message ?? 'parse error'})`, { capture });
}

/** The underlying socket or TLS error (ApiRequestError.requestError reads the wrong property). */
function underlyingError(err: ApiRequestError): (Error & { code?: string }) | undefined {
  const options = (err as unknown as { _options?: { error?: Error & { code?: string } } })._options;
  return options?.error;
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ALTNAME/;

// The causes kept are the socket errors, never the library's error objects: those hold
// the request, and so the bearer token, where a log serializer might find it.
function requestError(err: ApiRequestError, ctx: RequestContext): OnrecordError {
  const cause = underlyingError(err);
  // The library's own idle-socket timeout destroys the request with this message.
  if (ctx.timedOut || cause?.message === 'Request timeout.') {
    return new SourceUnavailable(`X did not answer within ${ctx.timeoutMs} ms`);
  }
  const code = cause?.code ?? '';
  if (TLS_TRUST.test(code)) {
    return new ConfigError(
      `the X API's certificate is not trusted (${code}); check X_API_BASE_URL and NODE_EXTRA_CA_CERTS`,
      {
        cause,
      },
    );
  }
  const known = RETRYABLE_SOCKET_CODES.has(code) ? code : cause?.message;
  return new SourceUnavailable(`X could not be reached (${known ?? 'network error'})`, { cause });
}

/** Any error thrown by a twitter-api-v2 call, as an OnrecordError (others pass through unchanged). */
export function mapXError(err: unknown, ctx: RequestContext): unknown {
  if (err instanceof OnrecordError) return err;
  if (err instanceof ApiResponseError) return responseError(err, ctx);
  if (err instanceof ApiPartialResponseError) return partialResponseError(err, ctx);
  if (err instanceof ApiRequestError) return requestError(err, ctx);
  return err;
}

export function headerValue(value: string | string[] | number | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : String(value);
}
