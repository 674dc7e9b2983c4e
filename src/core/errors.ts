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
