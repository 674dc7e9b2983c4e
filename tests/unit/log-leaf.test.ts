// A leaf's data split around its row's id (the store writes a leaf in the
// statement that draws or returns the id): the kind's prefix, the id in
// digits and the rest must give exactly the leaf data, whatever the fields hold.
import { describe, expect, it } from 'vitest';
import { leafData, leafDataAfterId, leafIdPrefix, type LeafRow } from '../../src/core/log-leaf.js';

const at = new Date('2026-03-05T01:02:03.456Z');
const odd = 'in "DE", FR\n\u0001\t\\ é ✓ 𝕏 \u2028';
const rows: LeafRow[] = [
  {
    kind: 'observation',
    id: 0,
    platform: 'x',
    platformId: '1234567890',
    status: 'first_seen',
    detail: null,
    observedAt: at,
  },
  { kind: 'observation', id: 0, platform: 'x', platformId: '1', status: 'withheld', detail: odd, observedAt: at },
  {
    kind: 'capture',
    id: 0,
    platform: 'bsky',
    source: 'bsky:feed',
    requestUrl: `https://bsky.example/x?q=${odd}`,
    httpStatus: null,
    contentType: null,
    capturedAt: at,
    sha256: 'ab'.repeat(32),
  },
  {
    kind: 'media',
    id: 0,
    url: 'https://m.example/a.jpg',
    contentType: 'image/jpeg',
    bytes: 12,
    capturedAt: at,
    sha256: 'cd',
  },
  {
    kind: 'article_snapshot',
    id: 0,
    articleId: 7,
    fetchedFrom: null,
    contentType: 'text/html',
    capturedAt: at,
    sha256: 'ef',
  },
];

describe('leaf data around the row id', () => {
  it('the kind prefix, any id in digits and the rest give the leaf data of the row', () => {
    for (const row of rows) {
      const rest = leafDataAfterId(row);
      for (const id of [0, 1, 42, 2_147_483_647]) {
        expect(leafIdPrefix(row.kind) + String(id) + rest).toBe(leafData({ ...row, id }));
      }
    }
  });

  it('leaves the id out, whatever id the row has', () => {
    expect(leafDataAfterId({ ...rows[0]!, id: 99 })).toBe(leafDataAfterId(rows[0]!));
    expect(leafDataAfterId(rows[0]!).startsWith(',"platform":"x"')).toBe(true);
  });
});
