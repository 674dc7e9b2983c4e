// What every platform fake (X, Bluesky, Mastodon) does the same way with
// injected faults: the queue that hands the next matching fault to a request,
// the failures of the network and of a proxy in front of the API, and how a
// fault holds an answer back. Each fake keeps its own API-specific faults
// (its error bodies, its malformed payloads) in its own faults file.
import type http from 'node:http';

/** Failures of the network or a proxy: the same on every platform. */
export type NetworkFault =
  /** Answers normally after a delay. */
  | { kind: 'delay'; ms: number }
  /** Never answers (until the fake closes or the client gives up). */
  | { kind: 'hang' }
  /** JSON content type, the first half of the body, then a clean end: malformed JSON. */
  | { kind: 'truncated' }
  /** Headers and part of the body, then the connection is destroyed. */
  | { kind: 'reset' }
  /** The connection is destroyed before any response. */
  | { kind: 'close' }
  /** 200 with an HTML page (a proxy's error page). */
  | { kind: 'non-json' }
  /** 200, JSON content type, no body at all. */
  | { kind: 'empty' };

/** How many requests a fault hits, and which. */
export interface FaultScope {
  /** How many requests it hits (default 1); 'always' until cleared. */
  times?: number | 'always';
  /** Lets this many matching requests through first (default 0): e.g. 1 hits the second page of a poll. */
  after?: number;
}

/**
 * Faults waiting for requests, in the order added. `targetOf` reads the
 * endpoint (or method) a fault is limited to; a fault without one hits any.
 */
export class FaultQueue<F extends FaultScope, K extends string> {
  private faults: F[] = [];

  constructor(private readonly targetOf: (fault: F) => K | undefined) {}

  add(fault: F): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): readonly F[] {
    return this.faults;
  }

  /** The first fault that applies to this endpoint, counted as used. */
  take(target: K): F | undefined {
    const index = this.faults.findIndex((f) => {
      const only = this.targetOf(f);
      return !only || only === target;
    });
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

/**
 * Runs `answer` now, later (`delay`) or never (`hang`; `close` destroys the
 * connection first), as the fault says.
 */
export function answerAsFaultSays(
  fault: { kind: string; ms?: number } | undefined,
  res: http.ServerResponse,
  answer: () => void,
): void {
  if (fault?.kind === 'hang') return;
  if (fault?.kind === 'close') return void res.socket?.destroy();
  if (fault?.kind === 'delay') {
    const timer = setTimeout(answer, fault.ms);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  answer();
}

/** The first half of a body: what `truncated` and `reset` send. */
export function halfOf(text: string): string {
  return text.slice(0, Math.floor(text.length / 2));
}
