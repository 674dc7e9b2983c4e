// The error taxonomy. Each error has a stable `code` that logs, the CLI and
// the HTTP API show, and says whether retrying can help.

export abstract class OnrecordError extends Error {
  abstract readonly code: string;
  abstract readonly isRetryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends OnrecordError {
  readonly code = 'config';
  readonly isRetryable = false;
}

export class NotFound extends OnrecordError {
  readonly code = 'not_found';
  readonly isRetryable = false;
}

export class InvalidInput extends OnrecordError {
  readonly code = 'invalid_input';
  readonly isRetryable = false;
}

/** The source's rate limit is used up until resetAt. */
export class SourceRateLimited extends OnrecordError {
  readonly code = 'rate_limited';
  readonly isRetryable = true;
  constructor(
    message: string,
    readonly resetAt: Date,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The usage cap (billing) is used up: polling stops until a human acts or the cycle changes. */
export class SourceUsageCapped extends OnrecordError {
  readonly code = 'usage_capped';
  readonly isRetryable = false;
}

/** Credentials are missing, wrong or not allowed: a human must act. */
export class SourceAuth extends OnrecordError {
  readonly code = 'auth';
  readonly isRetryable = false;
}

/** 5xx, timeouts and network errors: retry with back-off. */
export class SourceUnavailable extends OnrecordError {
  readonly code = 'unavailable';
  readonly isRetryable = true;
}

/** A raw response kept with a BadPayload (the same shape as RawCapture in ports/post-source.ts). */
export interface CapturedResponse {
  source: string;
  requestUrl: string;
  httpStatus: number;
  contentType: string | null;
  body: string;
}

/** A payload that does not have the documented shape. Keep the raw bytes, report, go on. */
export class BadPayload extends OnrecordError {
  readonly code = 'bad_payload';
  readonly isRetryable = false;
  /** The response as received, so that the caller can store it. */
  readonly capture?: CapturedResponse;
  constructor(message: string, options?: { cause?: unknown; capture?: CapturedResponse }) {
    super(message, options);
    if (options?.capture) this.capture = options.capture;
  }
}

/** A fetch refused by policy (scheme, address, size, type). */
export class FetchRefused extends OnrecordError {
  readonly code = 'fetch_refused';
  readonly isRetryable = false;
}

/** A database statement stopped at its time limit (statement_timeout): too costly to answer. */
export class QueryTimeout extends OnrecordError {
  readonly code = 'query_timeout';
  readonly isRetryable = false;
}

export function errorCode(err: unknown): string {
  return err instanceof OnrecordError ? err.code : 'internal';
}

/** A SQLSTATE (five characters, e.g. 22P05) found on an error or its causes. */
function sqlStateOf(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as {
    code?: unknown;
    originalCode?: unknown;
    meta?: { code?: unknown; driverAdapterError?: unknown };
    cause?: unknown;
  };
  for (const code of [e.originalCode, e.meta?.code, e.code]) {
    // Prisma's own codes (P1xxx, P2xxx) have the same shape: not SQLSTATEs.
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^P[12]\d{3}$/.test(code)) return code;
  }
  return sqlStateOf(e.meta?.driverAdapterError, depth + 1) ?? sqlStateOf(e.cause, depth + 1);
}

/**
 * What may be shown of an error to anyone who reads health, pages or the API:
 * the taxonomy's code and message for our own errors; for anything else (a
 * database driver's text can hold SQL, values or addresses) a stable code, the
 * SQLSTATE if there is one, and a short message. The log keeps the whole error.
 */
export function publicErrorSummary(err: unknown, fallback = 'unexpected error'): { code: string; message: string } {
  if (err instanceof OnrecordError) return { code: err.code, message: err.message };
  const state = sqlStateOf(err);
  if (state) return { code: 'database', message: `${fallback} (SQLSTATE ${state})` };
  const socket = (err as { code?: unknown } | null)?.code;
  if (typeof socket === 'string' && /^E[A-Z]+$/.test(socket))
    return { code: 'connection', message: `${fallback} (${socket})` };
  return { code: 'internal', message: fallback };
}
