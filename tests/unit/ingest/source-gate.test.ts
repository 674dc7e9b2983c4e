import { describe, expect, it } from 'vitest';
import { createSourceGate } from '../../../src/jobs/source-gate.js';

const T0 = new Date('2026-03-04T15:00:00Z');

function clockAt() {
  const clock = { at: T0, now: () => clock.at };
  return clock;
}

describe('source gate', () => {
  it('a rate limit holds back only its account, until the reset', () => {
    const clock = clockAt();
    const gate = createSourceGate(clock, 60_000);
    gate.recordRateLimit(1, new Date(T0.getTime() + 30_000), 'limited');
    expect([gate.check(1), gate.check(2)]).toEqual([
      { open: false, reason: 'rate_limited', until: new Date(T0.getTime() + 30_000), message: 'limited' },
      { open: true },
    ]);
    clock.at = new Date(T0.getTime() + 30_000);
    expect(gate.check(1)).toEqual({ open: true });
  });

  it('a usage cap stops every account for the pause, and a success lifts it', () => {
    const clock = clockAt();
    const gate = createSourceGate(clock, 60_000);
    gate.recordUsageCap('capped');
    const closed = { open: false, reason: 'usage_capped', until: new Date(T0.getTime() + 60_000), message: 'capped' };
    expect([gate.check(1), gate.check(2)]).toEqual([closed, closed]);
    expect(gate.usageCap()).toEqual({ since: T0, until: new Date(T0.getTime() + 60_000), message: 'capped' });
    clock.at = new Date(T0.getTime() + 60_000);
    expect(gate.check(2)).toEqual({ open: true });
    gate.recordSuccess(2);
    expect(gate.usageCap()).toBeNull();
  });
});
