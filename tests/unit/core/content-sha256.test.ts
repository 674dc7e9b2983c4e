// A version's content hash is stored with every version and compared on every
// capture: the same content must always give the same hash. The hashes below
// were taken from the first form of the stable JSON, so any change to its
// output (key order, left-out members, array holes, escapes) fails here.
import { describe, expect, it } from 'vitest';
import { contentSha256 } from '../../../src/core/content-sha256.js';

describe('contentSha256', () => {
  it('hashes a post-like record with keys sorted and undefined members left out', () => {
    const post = {
      text: 'Statement on the border talks',
      platform: 'x',
      urls: ['https://example.org/a'],
      media: [{ key: '3_1', type: 'photo', alt: null }],
      lang: 'en',
      repostOf: undefined,
    };
    expect(contentSha256(post)).toBe('3e82208824fdcdb55484d48bb844dfa90f7e457489044534ce5676ae4596bbc0');
    // The order the keys were written in does not matter.
    const { lang, media, ...rest } = post;
    expect(contentSha256({ media, lang, ...rest })).toBe(contentSha256(post));
  });

  it('orders keys by UTF-16 code units, nested objects included', () => {
    const value = { é: 1, Z: 2, a: 3, ａ: 4, '😀': 5, éx: 6, b: { y: [1, 'two', null, true], x: { n: -0.5 } } };
    expect(contentSha256(value)).toBe('d6274d8ce4294535a7b89f4dc02fb31baf8236bd3aece0973b4a66135b783466');
  });

  it('keeps array holes, dates, empty objects and arrays as it always did', () => {
    const value = { list: [1, undefined, 2, null], when: new Date(Date.UTC(2024, 1, 29, 12)), empty: {}, none: [] };
    expect(contentSha256(value)).toBe('8f31989b7f5063ef659de449d9f7eb8221ac2407cf8566858d9d4a43f31ff364');
  });

  it('escapes strings as JSON does', () => {
    const value = { text: 'quote " backslash \\ newline \n tab \t nul-free \u2028 line sep', tags: ['#a', '$B'] };
    expect(contentSha256(value)).toBe('fe756d652595c25b1e545da1d0e1b00968106deb02278613ba16aad2f387763e');
    expect(contentSha256({ ...value, text: `${value.text}.` })).not.toBe(contentSha256(value));
  });
});
