import { describe, expect, it } from 'vitest';
import { assessFreshness, type AccountActivity } from '../../../src/core/freshness.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const base: AccountActivity = {
  status: 'active',
  lastPostAt: new Date(NOW.getTime() - 2 * HOUR),
  lastSuccessAt: new Date(NOW.getTime() - 60_000),
  lastErrorAt: null,
  lastErrorCode: null,
  lastError: null,
  usualGapMs: 3 * HOUR,
};

describe('assessFreshness', () => {
  it.each([
    ['posting as usual', {}, 'ok', null],
    ['quiet for 9× its gap', { lastPostAt: new Date(NOW.getTime() - 27 * HOUR) }, 'ok', null],
    [
      'quiet for 12× its gap',
      { lastPostAt: new Date(NOW.getTime() - 36 * HOUR) },
      'silent',
      'no post for 12× its usual gap between posts',
    ],
    [
      'fast poster quiet under the floor',
      { usualGapMs: 60_000, lastPostAt: new Date(NOW.getTime() - 5 * HOUR) },
      'ok',
      null,
    ],
    ['never posted', { lastPostAt: null, usualGapMs: null }, 'new', null],
    ['paused', { status: 'paused' }, 'paused', 'polling is paused'],
    [
      'suspended',
      { status: 'suspended', lastError: 'User has been suspended' },
      'failing',
      'account is suspended: User has been suspended',
    ],
    [
      'usage cap after the last success',
      { lastErrorAt: NOW, lastErrorCode: 'usage_capped', lastError: 'monthly cap reached' },
      'failing',
      'usage_capped: monthly cap reached',
    ],
    ['a rate limit heals by itself', { lastErrorAt: NOW, lastErrorCode: 'rate_limited', lastError: '429' }, 'ok', null],
    [
      'an old auth error followed by a success',
      { lastErrorAt: new Date(NOW.getTime() - HOUR), lastErrorCode: 'auth', lastError: '401' },
      'ok',
      null,
    ],
  ] as const)('%s', (_name, change, state, reason) => {
    const result = assessFreshness({ ...base, ...change }, NOW);
    expect({ state: result.state, reason: result.reason }).toEqual({ state, reason });
  });
});
