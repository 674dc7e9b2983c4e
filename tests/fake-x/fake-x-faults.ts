// Faults injected into the next request(s) to an endpoint. Each kind plays a
// failure seen from the real API or the network.
import { FaultQueue as SharedFaultQueue, type FaultScope, type NetworkFault } from '../helpers/fake-faults.js';
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
  | NetworkFault
  /** The first post in `data` has no `id`. */
  | { kind: 'missing-id' }
  /** The first post in `data` has a numeric `id` and a numeric `text`. */
  | { kind: 'wrong-type' }
  /** An extra entry in `errors` under HTTP 200 (default: a not-found tweet). */
  | { kind: 'partial-error'; error?: Record<string, unknown> }
  /** Any change to the JSON body (in-process only: functions do not cross the admin endpoint). */
  | { kind: 'mutate'; mutate: (body: Record<string, unknown>) => unknown };

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
