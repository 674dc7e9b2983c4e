import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { backoffDelay } from '../../../src/core/backoff.js';
import { formatDuration, parseDuration } from '../../../src/core/duration.js';
import { ConfigError, InvalidInput } from '../../../src/core/errors.js';
import { compareIds, parseAccountRef, parsePostRef, postUrl } from '../../../src/core/ids.js';
import { snowflakeAt, snowflakeTime } from '../../../src/core/x-snowflake.js';

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['1500', 1500],
    [' 10s ', 10_000],
    ['5 m', undefined],
    ['m5', undefined],
    ['5x', undefined],
    ['', undefined],
  ])('%j → %j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    [300_000, '5m'],
    [3_600_000, '1h'],
    [90_000, '90s'],
    [1500, '1500ms'],
  ])('formats %j as %j', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('account and post references', () => {
  it.each([
    ['x:USFOR_A', { platform: 'x', handle: 'USFOR_A' }],
    ['X:@usfor_a', { platform: 'x', handle: 'usfor_a' }],
  ])('parses %j', (text, ref) => expect(parseAccountRef(text)).toEqual(ref));

  it.each([
    ['USFOR_A', /must look like x:USFOR_A/],
    ['myspace:someone', /unknown platform "myspace"/],
    ['bsky:someone', /not a Bluesky handle/],
    ['x:this_handle_is_too_long', /not a valid X handle/],
    ['x:bad-handle', /not a valid X handle/],
  ])('rejects %j', (text, message) => {
    expect(() => parseAccountRef(text)).toThrow(InvalidInput);
    expect(() => parseAccountRef(text)).toThrow(message);
  });

  it('parses post references and keeps IDs beyond 2^53 exact', () => {
    expect(parsePostRef('x:1235243970720694456')).toEqual({ platform: 'x', id: '1235243970720694456' });
    expect(() => parsePostRef('x:12a')).toThrow(/not an X post ID/);
  });

  it('builds permalinks', () => {
    expect(postUrl('x', 'USFOR_A', '1235243970720694456')).toBe('https://x.com/USFOR_A/status/1235243970720694456');
    expect(postUrl('x', null, '1')).toBe('https://x.com/i/web/status/1');
  });

  it('orders decimal IDs numerically', () => {
    const ids = ['1235243970720694456', '99', '1235243970720694455', '463440424141459456'];
    expect([...ids].sort(compareIds)).toEqual([
      '99',
      '463440424141459456',
      '1235243970720694455',
      '1235243970720694456',
    ]);
  });
});

describe('snowflakes', () => {
  it.each([
    ['1346889436626259968', '2021-01-06T18:40:40.344Z'],
    ['463440424141459456', '2014-05-05T22:09:42.079Z'],
  ])('%s was created at %s', (id, iso) => expect(snowflakeTime(id)?.toISOString()).toBe(iso));

  it('has no time for pre-snowflake IDs', () => expect(snowflakeTime('20')).toBeUndefined());

  it('round-trips a time through the smallest ID at that time', () => {
    const at = new Date('2020-03-04T15:00:00.000Z');
    expect(snowflakeTime(snowflakeAt(at))).toEqual(at);
  });
});

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  it.each([
    [0, 0, 500],
    [0, 1, 1000],
    [3, 1, 8000],
    [3, 0, 4000],
    [10, 1, 60_000],
    [50, 0.5, 45_000],
  ])('attempt %i with random %f waits %i ms', (attempt, r, ms) =>
    expect(backoffDelay(attempt, policy, () => r)).toBe(ms),
  );
});

describe('loadConfig', () => {
  const defaults = { instanceId: 'host:1' };
  it('applies documented defaults', () => {
    const config = loadConfig({}, defaults);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      ONRECORD_DATA_DIR: './data',
      LOG_LEVEL: 'info',
      X_API_BASE_URL: 'https://api.x.com',
      X_API_TIMEOUT: 15_000,
      ONRECORD_POLL_INTERVAL: 300_000,
      PORT: 8080,
      ONRECORD_READ_ACCESS: 'local',
      ONRECORD_ALLOW_PRIVATE_FETCH: false,
      instanceId: 'host:1',
    });
  });

  it('parses strings into types and trims a trailing slash of the X base', () => {
    const config = loadConfig(
      {
        X_API_BASE_URL: 'http://127.0.0.1:4010/',
        ONRECORD_POLL_INTERVAL: '90s',
        PORT: '0',
        ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
      },
      defaults,
    );
    expect(config).toMatchObject({
      X_API_BASE_URL: 'http://127.0.0.1:4010',
      ONRECORD_POLL_INTERVAL: 90_000,
      PORT: 0,
      ONRECORD_ALLOW_PRIVATE_FETCH: true,
    });
  });

  it('names every bad variable in one error', () => {
    const bad = { X_API_BASE_URL: 'ftp://x', ONRECORD_POLL_INTERVAL: 'soon', LOG_LEVEL: 'loud', PORT: '99999' };
    expect(() => loadConfig(bad, defaults)).toThrow(ConfigError);
    try {
      loadConfig(bad, defaults);
    } catch (err) {
      for (const name of Object.keys(bad)) expect((err as Error).message).toContain(name);
    }
  });
});
