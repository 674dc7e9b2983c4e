// Faults injected into the next request(s) to an endpoint. Each kind plays a
// failure seen from the real API or the network.
import type { EndpointKey } from './fake-x-rate-limits.js';

export type FaultKind =
  /**
   * Any status with a problem body (default: about:blank titled after the status, e.g. Service Unavailable);
   * `headers` replace the rate-limit headers of the answer (e.g. an absurd x-rate-limit-reset).
   */
  | { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** 429 about:blank with x-rate-limit-remaining 0 (the window is not touched). */
  | { kind: 'rate-limited' }
  /** 429 usage-capped with x-rate-limit-remaining > 0. */
  | { kind: 'usage-capped' }
  /** 401 as for a revoked token. */
  | { kind: 'unauthorized' }
  /** 403 client-forbidden (app not attached to a project). */
  | { kind: 'forbidden' }
  /** Answers normally after a delay. */
  | { kind: 'delay'; ms: number }
  /** Never answers (until the fake closes or the client gives up). */
  | { kind: 'hang' }
  /** Headers and the first half of the body, then a clean end: invalid JSON under application/json. */
  | { kind: 'truncated' }
  /** Headers and part of the body, then the connection is destroyed. */
  | { kind: 'reset' }
  /** The connection is destroyed before any response. */
  | { kind: 'close' }
  /** 200 with an HTML page (a proxy's error page). */
  | { kind: 'non-json' }
  /** 200, JSON content type, no body at all. */
  | { kind: 'empty' }
  /** The first post in `data` has no `id`. */
  | { kind: 'missing-id' }
  /** The first post in `data` has a numeric `id` and a numeric `text`. */
  | { kind: 'wrong-type' }
  /** An extra entry in `errors` under HTTP 200 (default: a not-found tweet). */
  | { kind: 'partial-error'; error?: Record<string, unknown> }
  /** Any change to the JSON body (in-process only: functions do not cross the admin endpoint). */
  | { kind: 'mutate'; mutate: (body: Record<string, unknown>) => unknown };

export type Fault = FaultKind & {
  /** Only requests to this endpoint (default: any endpoint). */
  endpoint?: EndpointKey;
  /** How many requests it hits (default 1); 'always' until cleared. */
  times?: number | 'always';
  /** Lets this many matching requests through first (default 0): e.g. 1 hits the second page of a poll. */
  after?: number;
};

export class FaultQueue {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): readonly Fault[] {
    return this.faults;
  }

  /** The first fault that applies to this endpoint, counted as used. Faults apply in the order added. */
  take(endpoint: EndpointKey): Fault | undefined {
    const index = this.faults.findIndex((f) => !f.endpoint || f.endpoint === endpoint);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (fault.after) {
      fault.after -= 1;
      return undefined;
    }
    if (fault.times !== 'always') {
      fault.times = (fault.times as number) - 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }
}
