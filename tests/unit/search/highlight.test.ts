import { describe, expect, it } from 'vitest';
import { markedWords, markWords } from '../../../src/core/highlight.js';

const S = '\u0002';
const E = '\u0003';

describe('highlight', () => {
  it('reads the marked words of an unaccented headline, folded', () => {
    expect(markedWords(`La ${S}securite${E} de la ${S}Region${E}`, S, E)).toEqual(new Set(['securite', 'region']));
  });

  it('marks the same words in the original, accented text', () => {
    const words = new Set(['securite', 'region']);
    expect(markWords('La sécurité de la Région: sécurité!', words, S, E)).toBe(
      `La ${S}sécurité${E} de la ${S}Région${E}: ${S}sécurité${E}!`,
    );
  });

  it('drops marker characters that were in the text itself', () => {
    expect(markWords(`a${S}b c`, new Set(['c']), S, E)).toBe(`ab ${S}c${E}`);
  });
});
