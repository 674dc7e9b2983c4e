import { describe, expect, it } from 'vitest';
import { alignedShare } from '../../../src/core/quote-alignment.js';

const POST = 'Crews secured 2 vessels overnight in the northern channel; all crew members are accounted for.';

describe('alignedShare', () => {
  it.each([
    ['the same words', 'Crews secured 2 vessels overnight in the northern channel', POST, 1],
    ['one word changed by the newsroom', 'crews secured 2 boats overnight in the northern channel', POST, 0.889],
    [
      'a spelling one edit apart',
      'The organisation reopened the northern gate',
      'The organization reopened the northern gate',
      1,
    ],
    ['another number, in digits', 'Crews secured 3 vessels overnight in the northern channel', POST, 0],
    ['another number, in words', 'Crews secured three vessels overnight in the northern channel', POST, 0],
    ['a German count word', 'Einsatzkräfte haben drei Boote gesichert', 'Einsatzkräfte haben 2 Boote gesichert', 0],
    [
      'a negation the post does not say',
      'The order will not be lifted at noon tomorrow',
      'The order will be lifted at noon tomorrow',
      0,
    ],
    [
      'a negation of the post left out',
      'The order will be lifted at noon tomorrow',
      'The order will not be lifted at noon tomorrow',
      0,
    ],
    ['a French negation', "L'ordre ne sera pas levé demain à midi", "L'ordre sera levé demain à midi", 0],
    [
      'another name inside the sentence',
      'The Cedar crossing remains closed because of flooding',
      'The Birch crossing remains closed because of flooding',
      0,
    ],
    [
      'a capital at the start is no name',
      'About 40,000 households are without power',
      'Approximately 40,000 households are without power',
      0.833,
    ],
    ['an elision over a number', 'Crews secured … vessels overnight', POST, 1],
    [
      'words the newsroom bracketed',
      '[The Birch crossing] remains closed because of flooding',
      'It remains closed because of flooding',
      1,
    ],
    [
      'a number with a group separator',
      'Some 1,500 families left the Eastfield district',
      'Some 1500 families left the Eastfield district',
      1,
    ],
    ['a German group separator', 'Rund 1.500 Familien verließen Ostfeld', 'Rund 1 500 Familien verließen Ostfeld', 1],
    ['a list of numbers is not one number', 'Gates 2, 300 and 4 are closed', 'Gates 2300 and 4 are closed', 0],
  ])('%s', (_name, quote, post, expected) => {
    expect(alignedShare(quote, post)).toBeCloseTo(expected, 3);
  });

  it('lines words up in order: swapped places share only part', () => {
    const post = 'The bridge on Route 9 is open to traffic, but the tunnel under the river stays closed.';
    const swapped = 'The tunnel under the river is open to traffic, but the bridge on Route 9 stays closed';
    expect(alignedShare(swapped, post)).toBeLessThan(0.8);
    expect(alignedShare(post, post)).toBe(1);
  });

  it('is 0 for empty text', () => {
    expect(alignedShare('', POST)).toBe(0);
    expect(alignedShare('…', POST)).toBe(0);
  });
});
