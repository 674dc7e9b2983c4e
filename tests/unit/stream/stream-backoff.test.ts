// Reconnection delays as X documents them for its streams: at once after an
// established connection drops; then linear 250 ms steps up to 16 s after
// network errors, exponential from 5 s up to 320 s after HTTP errors, and
// exponential from 1 minute after a 429.
import { describe, expect, it } from 'vitest';
import {
  failureOfStatus,
  nextReconnect,
  NO_FAILURES,
  reconnectDelayMs,
  type FailureCounts,
  type StreamFailure,
} from '../../../src/core/stream-backoff.js';

describe('reconnectDelayMs', () => {
  const table: [StreamFailure, number, number][] = [
    ['dropped', 1, 0],
    ['dropped', 7, 0],
    ['network', 1, 250],
    ['network', 2, 500],
    ['network', 4, 1000],
    ['network', 63, 15_750],
    ['network', 64, 16_000],
    ['network', 65, 16_000],
    ['network', 1000, 16_000],
    ['http', 1, 5_000],
    ['http', 2, 10_000],
    ['http', 3, 20_000],
    ['http', 6, 160_000],
    ['http', 7, 320_000],
    ['http', 8, 320_000],
    ['http', 50, 320_000],
    ['rate-limited', 1, 60_000],
    ['rate-limited', 2, 120_000],
    ['rate-limited', 3, 240_000],
    ['rate-limited', 4, 480_000],
    ['rate-limited', 5, 960_000],
    ['rate-limited', 6, 960_000],
    // A count below 1 is read as the first failure.
    ['network', 0, 250],
    ['http', -3, 5_000],
  ];
  it.each(table)('%s failure #%i waits %i ms', (failure, attempt, expected) => {
    expect(reconnectDelayMs(failure, attempt)).toBe(expected);
  });
});

describe('nextReconnect', () => {
  function replay(failures: StreamFailure[]) {
    let counts: FailureCounts = NO_FAILURES;
    const delays: number[] = [];
    for (const failure of failures) {
      const next = nextReconnect(counts, failure);
      counts = next.counts;
      delays.push(next.delayMs);
    }
    return { delays, counts };
  }

  it('reconnects at once after a drop, then backs off linearly while the network stays down', () => {
    expect(replay(['dropped', 'network', 'network', 'network']).delays).toEqual([0, 250, 500, 750]);
  });

  it('grows each kind on its own count, and a drop starts a new series', () => {
    const { delays, counts } = replay(['http', 'http', 'network', 'http', 'rate-limited', 'dropped', 'http']);
    expect(delays).toEqual([5_000, 10_000, 250, 20_000, 60_000, 0, 5_000]);
    expect(counts).toEqual({ dropped: 1, network: 0, http: 1, 'rate-limited': 0 });
  });

  it('doubles the wait at every 429 in a row, from one minute', () => {
    expect(replay(['rate-limited', 'rate-limited', 'rate-limited']).delays).toEqual([60_000, 120_000, 240_000]);
  });
});

describe('failureOfStatus', () => {
  it.each([
    [429, 'rate-limited'],
    [503, 'http'],
    [500, 'http'],
    [401, 'http'],
    [403, 'http'],
  ] as const)('%i → %s', (status, failure) => {
    expect(failureOfStatus(status)).toBe(failure);
  });
});
