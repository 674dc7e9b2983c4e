// Faults injected into the next request(s) to an endpoint, and the server's
// rate limit. Each fault plays a failure seen from real servers or the network.
import { FaultQueue as SharedFaultQueue, type FaultScope, type NetworkFault } from '../helpers/fake-faults.js';
import type { EndpointKey } from './fake-mastodon-api.js';

export type FaultKind =
  /** Any status with a body (default `{"error": "<reason>"}`); `headers` are added to the answer. */
  | { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** 429 `{"error":"Too many requests"}`, X-RateLimit-Remaining 0 (the window is not touched). */
  | { kind: 'rate-limited'; resetAt?: string }
  /** 401 as for a revoked token. */
  | { kind: 'unauthorized' }
  | NetworkFault
  /** The first status of the answer has no `id`. */
  | { kind: 'missing-id' }
  /** The first status of the answer has a numeric `id` and a `created_at` that is not a time. */
  | { kind: 'wrong-type' }
  /** Any change to the JSON body (in-process only: functions do not cross the admin endpoint). */
  | { kind: 'mutate'; mutate: (body: unknown) => unknown };

export type Fault = FaultKind &
  FaultScope & {
    /** Only requests to this endpoint (default: any endpoint). */
    endpoint?: EndpointKey;
  };

export class FaultQueue extends SharedFaultQueue<Fault, EndpointKey> {
  constructor() {
    super((fault) => fault.endpoint);
  }
}

/** The first status of a body (an array of statuses, or one status) changed in place. */
export function breakFirstStatus(body: unknown, kind: 'missing-id' | 'wrong-type'): unknown {
  const first = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | undefined;
  if (!first || typeof first !== 'object') return body;
  if (kind === 'missing-id') delete first.id;
  else Object.assign(first, { id: Number(first.id), created_at: 'yesterday' });
  return body;
}

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

/**
 * Mastodon's API limit: 300 requests per 5 minutes per token or address,
 * windows aligned on the clock. Every answer carries X-RateLimit-Limit,
 * -Remaining and -Reset (ISO 8601 with microseconds on Mastodon; Unix seconds
 * on some other servers).
 */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly now: () => number,
    public config: RateLimitConfig = { limit: 300, windowMs: 5 * 60_000 },
    public resetFormat: 'iso' | 'unix' = 'iso',
  ) {}

  private roll() {
    const start = Math.floor(this.now() / this.config.windowMs) * this.config.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }

  /** Counts one request; false when the window is used up. */
  take(): boolean {
    this.roll();
    if (this.used >= this.config.limit) return false;
    this.used += 1;
    return true;
  }

  exhaust(): void {
    this.roll();
    this.used = this.config.limit;
  }

  reset(): void {
    this.used = 0;
  }

  headers(resetAt?: string): Record<string, string> {
    this.roll();
    const reset = resetAt ? Date.parse(resetAt) : this.windowStart + this.config.windowMs;
    return {
      'x-ratelimit-limit': String(this.config.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.config.limit - this.used)),
      'x-ratelimit-reset':
        this.resetFormat === 'unix'
          ? String(Math.floor(reset / 1000))
          : new Date(reset).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    };
  }
}
