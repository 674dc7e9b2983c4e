// An observation's leaf data split around its row id (the store writes the
// leaf in the statement that draws the id): the prefix, the id and the
// suffix must give exactly the leaf data, whatever the fields hold.
import { describe, expect, it } from 'vitest';
import { leafData, OBSERVATION_LEAF_PREFIX, observationLeafSuffix } from '../../src/core/log-leaf.js';

const rows = [
  { platform: 'x', platformId: '1234567890', status: 'first_seen', detail: null },
  { platform: 'bsky', platformId: 'at://did:plc:abc/app.bsky.feed.post/3k', status: 'deleted', detail: 'gone' },
  { platform: 'x', platformId: '1', status: 'withheld', detail: 'in "DE", FR\n\u0001\t\\ é ✓ 𝕏 \u2028' },
];

describe('observation leaf suffix', () => {
  it('with the prefix and any id in digits, gives the leaf data of the row', () => {
    const observedAt = new Date('2026-03-05T01:02:03.456Z');
    for (const row of rows) {
      const suffix = observationLeafSuffix({ ...row, observedAt });
      for (const id of [0, 1, 42, 2_147_483_647]) {
        expect(OBSERVATION_LEAF_PREFIX + String(id) + suffix).toBe(
          leafData({ kind: 'observation', ...row, id, observedAt }),
        );
      }
    }
  });

  it('leaves the id out: the suffix starts after it', () => {
    const suffix = observationLeafSuffix({ ...rows[0]!, observedAt: new Date(0) });
    expect(suffix.startsWith(',"platform":"x"')).toBe(true);
  });
});
