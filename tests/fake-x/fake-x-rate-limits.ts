// Per-endpoint rate-limit windows, reported on every authenticated response
// as x-rate-limit-limit / -remaining / -reset (epoch seconds), like X does.
export const ENDPOINTS = [
  'users/by/username/:username',
  'users/:id',
  'users/:id/tweets',
  'tweets',
  'tweets/:id',
  'tweets/search/stream',
  'tweets/search/stream/rules',
  'activity/stream',
  'activity/subscriptions',
  'webhooks',
] as const;
export type EndpointKey = (typeof ENDPOINTS)[number];

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

const FIFTEEN_MINUTES_MS = 15 * 60_000;

/** App-only (bearer) limits from the 2026 rate-limit table. */
export const DEFAULT_RATE_LIMITS: Record<EndpointKey, RateLimitConfig> = {
  'users/by/username/:username': { limit: 300, windowMs: FIFTEEN_MINUTES_MS },
  'users/:id': { limit: 300, windowMs: FIFTEEN_MINUTES_MS },
  'users/:id/tweets': { limit: 10_000, windowMs: FIFTEEN_MINUTES_MS },
  tweets: { limit: 3_500, windowMs: FIFTEEN_MINUTES_MS },
  'tweets/:id': { limit: 450, windowMs: FIFTEEN_MINUTES_MS },
  // Connects to a stream; rule reads and changes (X's filtered-stream table).
  'tweets/search/stream': { limit: 50, windowMs: FIFTEEN_MINUTES_MS },
  'tweets/search/stream/rules': { limit: 450, windowMs: FIFTEEN_MINUTES_MS },
  // The Activity API's limits are not in X's table: the filtered stream's are used.
  'activity/stream': { limit: 50, windowMs: FIFTEEN_MINUTES_MS },
  'activity/subscriptions': { limit: 450, windowMs: FIFTEEN_MINUTES_MS },
  // Not in X's table either.
  webhooks: { limit: 50, windowMs: FIFTEEN_MINUTES_MS },
};

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

interface Window {
  startedAt: number;
  used: number;
}

export class RateLimiter {
  private readonly config: Record<EndpointKey, RateLimitConfig> = { ...DEFAULT_RATE_LIMITS };
  private readonly windows = new Map<EndpointKey, Window>();

  constructor(
    private readonly now: () => number,
    overrides: Partial<Record<EndpointKey, Partial<RateLimitConfig>>> = {},
  ) {
    for (const [endpoint, config] of Object.entries(overrides)) this.configure(endpoint as EndpointKey, config);
  }

  configure(endpoint: EndpointKey, config: Partial<RateLimitConfig>): void {
    this.config[endpoint] = { ...this.config[endpoint], ...config };
    this.windows.delete(endpoint);
  }

  /** Uses up what is left of the current window. */
  exhaust(endpoint: EndpointKey): void {
    this.window(endpoint).used = this.config[endpoint].limit;
  }

  reset(): void {
    this.windows.clear();
  }

  /** Counts one request; `allowed` is false when the window was already used up. */
  take(endpoint: EndpointKey): RateLimitHeaders & { allowed: boolean } {
    const window = this.window(endpoint);
    const { limit } = this.config[endpoint];
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return { allowed, ...this.headers(endpoint) };
  }

  headers(endpoint: EndpointKey): RateLimitHeaders {
    const window = this.window(endpoint);
    const { limit, windowMs } = this.config[endpoint];
    const reset = Math.ceil((window.startedAt + windowMs) / 1000);
    return { limit, remaining: Math.max(0, limit - window.used), reset };
  }

  private window(endpoint: EndpointKey): Window {
    const now = this.now();
    let window = this.windows.get(endpoint);
    if (!window || now >= window.startedAt + this.config[endpoint].windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(endpoint, window);
    }
    return window;
  }
}
