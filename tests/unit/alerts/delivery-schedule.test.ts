import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  digestMemberKey,
  digestPeriod,
  nextDigestPeriod,
  parseDigestKey,
  parseDigestMode,
} from '../../../src/core/delivery-schedule.js';
import { InvalidInput } from '../../../src/core/errors.js';

const T0 = new Date('2026-03-04T15:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const H = 3_600_000;

describe('afterFailure', () => {
  it.each([
    // attempts, elapsed since due, random, expected delay (ms) or 'dead'
    [1, 0, 1, 1000],
    [1, 0, 0, 500],
    [2, 1000, 1, 2000],
    [5, 30_000, 1, 16_000],
    [12, 2 * H, 1, 2048_000],
    [13, 2 * H, 1, H],
    [30, 20 * H, 0, H / 2],
    [30, 24 * H - 1, 1, H],
    [30, 24 * H, 1, 'dead'],
    [2, 25 * H, 1, 'dead'],
  ] as [number, number, number, number | 'dead'][])(
    'attempt %i, %i ms after due, random %d → %s',
    (attempts, elapsed, random, expected) => {
      const decision = afterFailure({ attempts, firstDueAt: T0, now: at(elapsed) }, { random: () => random });
      if (expected === 'dead') expect(decision).toEqual({ kind: 'dead' });
      else expect(decision).toEqual({ kind: 'retry', at: at(elapsed + expected) });
    },
  );

  it('keeps retrying for at least 24 h before giving up', () => {
    let now = T0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const d = afterFailure({ attempts, firstDueAt: T0, now }, { random: () => 0 });
      if (d.kind === 'dead') break;
      now = d.at;
    }
    expect(now.getTime() - T0.getTime()).toBeGreaterThanOrEqual(24 * H);
    expect(attempts).toBeGreaterThan(40);
    expect(attempts).toBeLessThan(70);
  });
});

describe('digest periods', () => {
  it.each([
    [
      'hourly',
      '2026-03-04T15:59:59.999Z',
      'hourly:2026-03-04T15',
      '2026-03-04T15:00:00.000Z',
      '2026-03-04T16:00:00.000Z',
    ],
    [
      'hourly',
      '2026-03-04T16:00:00.000Z',
      'hourly:2026-03-04T16',
      '2026-03-04T16:00:00.000Z',
      '2026-03-04T17:00:00.000Z',
    ],
    ['daily', '2026-03-04T23:59:59.000Z', 'daily:2026-03-04', '2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z'],
    ['daily', '2026-12-31T12:00:00.000Z', 'daily:2026-12-31', '2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ] as const)('%s at %s is %s', (mode, time, key, start, end) => {
    const period = digestPeriod(mode, new Date(time));
    expect({ ...period, start: period.start.toISOString(), end: period.end.toISOString() }).toEqual({
      key,
      mode,
      start,
      end,
    });
    expect(parseDigestKey(key)).toEqual(period);
  });

  it('steps to the next period', () => {
    expect(nextDigestPeriod(digestPeriod('hourly', T0)).key).toBe('hourly:2026-03-04T16');
    expect(nextDigestPeriod(digestPeriod('daily', T0)).key).toBe('daily:2026-03-05');
  });

  it('names member rows by period and event', () => {
    expect(digestMemberKey('hourly:2026-03-04T15', 42)).toBe('hourly:2026-03-04T15#42');
  });

  it.each(['weekly:2026-03-04', 'hourly:2026-03-04', 'hourly:2026-03-04T15#1'])('refuses key %s', (key) => {
    expect(() => parseDigestKey(key)).toThrow(InvalidInput);
  });

  it.each([
    ['hourly', 'hourly'],
    ['DAILY', 'daily'],
    ['none', 'none'],
  ])('parses mode %s', (text, mode) => {
    expect(parseDigestMode(text)).toBe(mode);
  });

  it('refuses an unknown mode', () => {
    expect(() => parseDigestMode('weekly')).toThrow('unknown digest "weekly" (known: hourly, daily)');
  });
});
