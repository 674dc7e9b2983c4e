import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  parseDay,
  parseSearchInput,
  parseWebQuery,
  nextSliceFraction,
} from '../../../src/core/search-query.js';

describe('parseWebQuery', () => {
  it.each([
    ['security', [[{ text: 'security', negated: false }]]],
    [
      '"joint press" -drone',
      [
        [
          { text: '"joint press"', negated: false },
          { text: 'drone', negated: true },
        ],
      ],
    ],
    [
      'a b OR c',
      [
        [
          { text: 'a', negated: false },
          { text: 'b', negated: false },
        ],
        [{ text: 'c', negated: false }],
      ],
    ],
    ['-"exact words" or', [[{ text: '"exact words"', negated: true }]]],
    ['  ,, -- ""  ', []],
    ['"unterminated phrase', [[{ text: '"unterminated phrase"', negated: false }]]],
  ])('%s', (q, expected) => {
    expect(parseWebQuery(q)).toEqual(expected);
  });
});

describe('parseSearchInput', () => {
  it('turns whole UTC days into an inclusive start and an exclusive end', () => {
    expect(
      parseSearchInput({ q: ' drone ', since: '2024-02-28', until: '2024-02-29', account: ['x:USFOR_A,x:@CENTCOM'] }),
    ).toEqual({
      q: 'drone',
      accounts: [
        { platform: 'x', handle: 'USFOR_A' },
        { platform: 'x', handle: 'CENTCOM' },
      ],
      since: new Date('2024-02-28T00:00:00.000Z'),
      untilExclusive: new Date('2024-03-01T00:00:00.000Z'),
      limit: 20,
    });
  });

  it('parses booleans, language, platform and limit', () => {
    expect(
      parseSearchInput({ cited: 'true', edited: 'false', deleted: '1', lang: 'fr', platform: 'X', limit: '50' }),
    ).toEqual({ q: '', accounts: [], cited: true, edited: false, deleted: true, lang: 'fr', platform: 'x', limit: 50 });
  });

  it.each([
    [{ since: '2024-02-30' }, /YYYY-MM-DD/],
    [{ until: '24-01-01' }, /YYYY-MM-DD/],
    [{ since: '2024-03-02', until: '2024-03-01' }, /after/],
    [{ limit: '0' }, /limit/],
    [{ limit: '201' }, /limit/],
    [{ account: 'USFOR_A' }, /x:USFOR_A/],
    [{ platform: 'myspace' }, /unknown platform/],
    [{ cited: 'maybe' }, /true or false/],
    [{ lang: 'French!' }, /language/],
    [{ cursor: 'garbage' }, /cursor/],
  ])('rejects %j', (input, message) => {
    expect(() => parseSearchInput(input)).toThrow(message);
  });

  it('accepts the last day of a leap February', () => {
    expect(parseDay('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00.000Z'));
  });
});

describe('cursor', () => {
  it('round-trips rank, creation time and id as opaque base64url', () => {
    const cursor = { rank: 0.1, createdAt: new Date('2024-01-01T10:00:00.123Z'), id: 42 };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it('rejects a well-formed JSON of the wrong shape', () => {
    expect(() => decodeCursor(Buffer.from('[1,"x",2]').toString('base64url'))).toThrow(/cursor/);
  });
});

describe('nextSliceFraction', () => {
  it.each([
    [1000, 0.05, 1000, null],
    [0, 0.05, 1000, null],
    [100, 0.05, 1000, null],
    [200, 0.05, 1000, 0.375],
    [500, 0.05, 1000, 0.15],
    [10, 0.05, 1000, null],
  ])('found %i in %f of the archive, window %i: next %s', (found, fraction, window, expected) => {
    const next = nextSliceFraction(found, fraction, window);
    if (expected === null) expect(next).toBeNull();
    else expect(next).toBeCloseTo(expected, 10);
  });
});
