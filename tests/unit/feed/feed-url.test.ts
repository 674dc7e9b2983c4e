// A feed account's identity (its normalized URL) and Retry-After.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/core/errors.js';
import { normalizeFeedUrl } from '../../../src/core/feed-url.js';
import { retryAfterAt } from '../../../src/core/retry-after.js';

describe('normalizeFeedUrl', () => {
  it.each([
    ['https://coast.nordvale.example/press/rss.xml', 'https://coast.nordvale.example/press/rss.xml'],
    ['  HTTPS://Coast.Nordvale.EXAMPLE:443/Press/RSS.xml  ', 'https://coast.nordvale.example/Press/RSS.xml'],
    ['http://coast.nordvale.example:80', 'http://coast.nordvale.example/'],
    [
      'https://coast.nordvale.example/feed?format=rss&lang=en#top',
      'https://coast.nordvale.example/feed?format=rss&lang=en',
    ],
    ['feed://coast.nordvale.example/rss', 'http://coast.nordvale.example/rss'],
    ['feed:https://coast.nordvale.example/rss', 'https://coast.nordvale.example/rss'],
    ['https://küste.example/presse', 'https://xn--kste-0ra.example/presse'],
    ['http://127.0.0.1:8080/feed', 'http://127.0.0.1:8080/feed'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFeedUrl(input)).toBe(expected);
  });

  it.each([
    'coast.nordvale.example/rss',
    'ftp://coast.nordvale.example/rss',
    'https://user:pw@coast.nordvale.example/',
    '',
  ])('%j is refused', (input) => {
    expect(() => normalizeFeedUrl(input)).toThrow(InvalidInput);
  });
});

describe('retryAfterAt', () => {
  const now = new Date('2026-03-21T12:00:00Z');
  it.each([
    ['120', '2026-03-21T12:02:00.000Z'],
    [' 0 ', '2026-03-21T12:00:00.000Z'],
    ['Sat, 21 Mar 2026 13:00:00 GMT', '2026-03-21T13:00:00.000Z'],
    ['Sat, 21 Mar 2026 11:00:00 GMT', '2026-03-21T12:00:00.000Z'], // a date past is now
  ])('%j', (value, expected) => {
    expect(retryAfterAt(value, now)?.toISOString()).toBe(expected);
  });

  it.each([[null], [''], ['soon'], ['-5'], ['2026-03-21T13:00:00']])('%j is none', (value) => {
    expect(retryAfterAt(value, now)).toBeNull();
  });
});
