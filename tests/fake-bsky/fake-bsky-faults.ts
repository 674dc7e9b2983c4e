// Faults injected into the next request(s) to a method, and the rate limit
// window. Each fault kind plays a failure seen from an AppView or the network.
// The window follows Bluesky's XRPC servers: `ratelimit-limit`,
// `ratelimit-remaining`, `ratelimit-reset` (epoch SECONDS, not a delta) and
// `ratelimit-policy` (`<limit>;w=<window seconds>`) on every answer; a used-up
// window answers 429 RateLimitExceeded with `retry-after` (seconds).
import { FaultQueue as SharedFaultQueue, type FaultScope, type NetworkFault } from '../helpers/fake-faults.js';
import type { Json, Nsid } from './fake-bsky-api.js';

export type FaultKind =
  /** Any status with an XRPC error body `{ error, message }`, or a raw `body` with its `contentType`. */
  | {
      kind: 'status';
      status: number;
      error?: string;
      message?: string;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  /** 429 RateLimitExceeded, remaining 0, reset at `resetAt` (epoch seconds; default the window's end). */
  | { kind: 'rate-limited'; resetAt?: number }
  | NetworkFault
  /** The record of the `index`th post (default 0) loses its `text`: the lexicon allows it (records are "unknown"). */
  | { kind: 'malformed-record'; index?: number }
  /** The `index`th post (default 0) gets a `cid` that is not a CID: the lexicon refuses the whole answer. */
  | { kind: 'invalid-cid'; index?: number }
  /** Any change to the JSON body (in-process only). */
  | { kind: 'mutate'; mutate: (body: Json) => unknown };

export type Fault = FaultKind &
  FaultScope & {
    /** Only requests to this method (default: any). */
    nsid?: Nsid;
  };

export class FaultQueue extends SharedFaultQueue<Fault, Nsid> {
  constructor() {
    super((fault) => fault.nsid);
  }
}

/** The posts of an answer: feed items' posts, or getPosts' posts. */
function postsOf(body: Json): Json[] {
  if (Array.isArray(body.feed)) return (body.feed as Json[]).map((item) => item.post as Json);
  return Array.isArray(body.posts) ? (body.posts as Json[]) : [];
}

/** The body as the fault changes it (faults that change no body return it unchanged). */
export function mutateBody(fault: Fault | undefined, body: Json): unknown {
  if (!fault) return body;
  if (fault.kind === 'mutate') return fault.mutate(structuredClone(body));
  if (fault.kind !== 'malformed-record' && fault.kind !== 'invalid-cid') return body;
  const copy = structuredClone(body);
  const post = postsOf(copy)[fault.index ?? 0];
  if (post && fault.kind === 'malformed-record') delete (post.record as Json).text;
  if (post && fault.kind === 'invalid-cid') post.cid = 'not-a-cid';
  return copy;
}

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private used = 0;
  private startedAt: number;

  constructor(
    private readonly now: () => number,
    private config: RateWindow = { limit: 3000, windowMs: 300_000 },
  ) {
    this.startedAt = now();
  }

  configure(config: Partial<RateWindow>): void {
    this.config = { ...this.config, ...config };
  }

  private roll(): void {
    if (this.now() >= this.startedAt + this.config.windowMs) {
      this.startedAt = this.now();
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
    this.startedAt = this.now();
  }

  /** The window's end, in epoch seconds. */
  resetAt(): number {
    return Math.floor((this.startedAt + this.config.windowMs) / 1000);
  }

  headers(overrides: { remaining?: number; resetAt?: number } = {}): Record<string, string> {
    this.roll();
    return {
      'ratelimit-limit': String(this.config.limit),
      'ratelimit-remaining': String(overrides.remaining ?? Math.max(this.config.limit - this.used, 0)),
      'ratelimit-reset': String(overrides.resetAt ?? this.resetAt()),
      'ratelimit-policy': `${this.config.limit};w=${Math.round(this.config.windowMs / 1000)}`,
    };
  }
}
