// Feed dates as publishers write them: RFC 822 with its real-world variants
// and named zones, RFC 3339 / W3C-DTF, and what is no date at all.
import { describe, expect, it } from 'vitest';
import { isSaneFeedDate, parseFeedDate } from '../../../src/core/feed-dates.js';

describe('parseFeedDate', () => {
  it.each([
    // RFC 822 / 1123
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 +0000', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 EST', '2003-06-10T09:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 EDT', '2003-06-10T08:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 PDT', '2003-06-10T11:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 CEST', '2003-06-10T02:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 BST', '2003-06-10T03:00:00.000Z'],
    ['Tue, 10 Jun 2003 09:30:00 IST', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 +0530', '2003-06-09T22:30:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 -03:30', '2003-06-10T07:30:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 Z', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 A', '2003-06-10T04:00:00.000Z'], // military letters: read as UTC (RFC 1123)
    ['10 Jun 2003 04:00 GMT', '2003-06-10T04:00:00.000Z'], // no day name, no seconds
    ['Tuesday, 10 June 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'], // full names
    ['Tue, 10 Jun 03 04:00:00 GMT', '2003-06-10T04:00:00.000Z'], // two-digit year
    ['Thu, 01 Jan 98 00:00:00 GMT', '1998-01-01T00:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00', '2003-06-10T04:00:00.000Z'], // no zone: UTC
    ['  Tue,  10 Jun 2003\n 04:00:00 GMT ', '2003-06-10T04:00:00.000Z'], // stray white space
    ['Tue, 10 Jun 2003 04:00:00 GMT (Coordinated Universal Time)', '2003-06-10T04:00:00.000Z'],
    // RFC 3339 / W3C-DTF
    ['2003-06-10T04:00:00Z', '2003-06-10T04:00:00.000Z'],
    ['2003-06-10T04:00:00.250+02:00', '2003-06-10T02:00:00.250Z'],
    ['2003-06-10T04:00+0100', '2003-06-10T03:00:00.000Z'],
    ['2003-06-10 04:00:00', '2003-06-10T04:00:00.000Z'], // space, no zone: UTC
    ['2003-06-10', '2003-06-10T00:00:00.000Z'],
  ])('%s', (raw, expected) => {
    expect(parseFeedDate(raw)?.toISOString()).toBe(expected);
  });

  it.each([
    [null],
    [''],
    ['   '],
    ['yesterday'],
    ['Tue, 10 Foo 2003 04:00:00 GMT'],
    ['Tue, 10 Jun 2003 04:00:00 XYZT'],
    ['2003-02-31T00:00:00Z'],
    ['2003-13-01'],
    ['Tue, 10 Jun 203 04:00:00 GMT'],
    ['1055217600'],
  ])('%s is no date', (raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });
});

describe('isSaneFeedDate', () => {
  const seenAt = new Date('2026-03-21T12:00:00Z');
  it.each([
    ['2026-03-21T11:00:00Z', true],
    ['2026-03-23T11:00:00Z', true], // within the 48 h slack
    ['2026-03-24T12:00:01Z', false],
    ['1995-01-01T00:00:00Z', true],
    ['1970-01-01T00:00:00Z', false],
  ])('%s → %s', (date, expected) => {
    expect(isSaneFeedDate(new Date(date), seenAt)).toBe(expected);
  });
});
