// The live stream's ordering and filters: strict id order, holes held back
// while a transaction that may fill them runs, filters and resume points.
import { describe, expect, it } from 'vitest';
import {
  advanceStream,
  GAP_GIVE_UP_MS,
  parseResumePoint,
  parseSnapshot,
  parseStreamFilter,
  streamFilterMatches,
} from '../../../src/core/event-stream.js';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));
const snap = (...running: string[]) => ({ running });

describe('advanceStream', () => {
  const cases = [
    {
      name: 'contiguous ids all go',
      pos: { floor: 4, gap: null },
      ids: [5, 6, 7],
      s: snap('90'),
      ready: [5, 6, 7],
      floor: 7,
    },
    {
      name: 'a hole with no transaction running is a hole',
      pos: { floor: 4, gap: null },
      ids: [6, 7],
      s: snap(),
      ready: [6, 7],
      floor: 7,
    },
    {
      name: 'a hole while a transaction runs holds the rest back',
      pos: { floor: 4, gap: null },
      ids: [6, 7],
      s: snap('90'),
      ready: [],
      floor: 4,
    },
    {
      name: 'the ids before a hole still go',
      pos: { floor: 4, gap: null },
      ids: [5, 7],
      s: snap('90'),
      ready: [5],
      floor: 5,
    },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const out = advanceStream(c.pos, rows(...c.ids), c.s, 1000);
      expect(out.ready.map((r) => r.id)).toEqual(c.ready);
      expect(out.position.floor).toBe(c.floor);
    });
  }

  it('lets a hole go once the transactions running when it was seen have ended', () => {
    const held = advanceStream({ floor: 4, gap: null }, rows(6), snap('90', '91'), 1000);
    expect(held.position.gap).toEqual({ running: ['90', '91'], firstSeenMs: 1000 });
    const still = advanceStream(held.position, rows(6), snap('91', '95'), 2000);
    expect(still.ready).toEqual([]);
    const filled = advanceStream(held.position, rows(5, 6), snap('91'), 2000);
    expect(filled.ready.map((r) => r.id)).toEqual([5, 6]);
    const settled = advanceStream(held.position, rows(6), snap('95'), 2000);
    expect(settled.ready.map((r) => r.id)).toEqual([6]);
    expect(settled.position).toEqual({ floor: 6, gap: null });
  });

  it('gives a hole up after GAP_GIVE_UP_MS whatever still runs', () => {
    const held = advanceStream({ floor: 4, gap: null }, rows(6), snap('90'), 0);
    expect(advanceStream(held.position, rows(6), snap('90'), GAP_GIVE_UP_MS).ready.map((r) => r.id)).toEqual([6]);
  });
});

describe('parseSnapshot', () => {
  it('reads the running xids', () => {
    expect(parseSnapshot('756:760:756,758')).toEqual({ running: ['756', '758'] });
    expect(parseSnapshot('756:756:')).toEqual({ running: [] });
  });
});

describe('stream filters and resume points', () => {
  it('matches accounts without case and kinds exactly', () => {
    const f = parseStreamFilter({ account: ['x:USFOR_A,x:other'], kind: 'new,edited' });
    expect(streamFilterMatches(f, { kind: 'new', account: 'x:usfor_a' })).toBe(true);
    expect(streamFilterMatches(f, { kind: 'cited', account: 'x:USFOR_A' })).toBe(false);
    expect(streamFilterMatches(f, { kind: 'new', account: 'x:third' })).toBe(false);
    expect(streamFilterMatches(f, { kind: 'new', account: null })).toBe(false);
    expect(streamFilterMatches(parseStreamFilter({}), { kind: 'deleted', account: null })).toBe(true);
  });

  it('refuses unknown kinds and bad handles, naming them', () => {
    expect(() => parseStreamFilter({ kind: 'liked' })).toThrow(/kind.*liked/);
    expect(() => parseStreamFilter({ account: 'x:not a handle' })).toThrow(/handle/);
  });

  it('prefers Last-Event-ID over since, and refuses what is not an id', () => {
    expect(parseResumePoint('42', '7')).toBe(42);
    expect(parseResumePoint(undefined, '7')).toBe(7);
    expect(parseResumePoint(undefined, undefined)).toBeNull();
    expect(() => parseResumePoint('abc', undefined)).toThrow(/Last-Event-ID/);
    expect(() => parseResumePoint(undefined, '-1')).toThrow(/since/);
  });
});
