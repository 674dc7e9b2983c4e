import { describe, expect, it } from 'vitest';
import { containment, isTruncated, normalizeText, textSimilarity } from '../../../src/core/text-normalize.js';

describe('normalizeText', () => {
  it.each([
    ['Curly \u201cquotes\u201d and \u2018single\u2019', 'curly quotes and single'],
    ['It\u2019s the U.S. forces\u2019 role', 'its the us forces role'],
    ["It's the US forces' role", 'its the us forces role'],
    ['Kabul\u2014Helmand \u2013 Kandahar', 'kabul helmand kandahar'],
    ['Col. Sonny Leggett', 'colonel sonny leggett'],
    ['Colonel Sonny Leggett', 'colonel sonny leggett'],
    ['Lt. Gen. Smith &amp; Maj Jones', 'lieutenant general smith and major jones'],
    ['Hello   world\n\n again', 'hello world again'],
    ['#Afghanistan update from @USFOR_A', 'afghanistan update from usfor a'],
    ['Read more https://t.co/AbC123xyz', 'read more'],
    ['Photo pic.x.com/YuKy2rcjyU', 'photo'],
    ['Photo pic.twitter.com/YuKy2rcjyU', 'photo'],
    ['Photo https://t.co/YuKy2rcjyU', 'photo'],
    ['The statement continues\u2026', 'the statement continues'],
    ['The statement continues...', 'the statement continues'],
    ['CAF\u00c9 na\u00efve r\u00e9sum\u00e9', 'cafe naive resume'],
    ['5 &lt; 6 &gt; 4 &#8212; ok', '5 6 4 ok'],
    ['details at centcom.mil/news/1 today', 'details at today'],
  ])('%j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('textSimilarity', () => {
  const post =
    'US forces conducted a defensive airstrike on March 4 against Taliban fighters who were attacking an ANDSF checkpoint. https://t.co/abc';
  it.each([
    ['the same text as the embed prints it', post.replace('https://t.co/abc', 'pic.x.com/abc'), 1],
    ['typographic differences', post.replace('US', 'U.S.').replace("'", '\u2019'), 1],
    ['a truncated copy', 'US forces conducted a defensive airstrike on March 4 against Taliban fig\u2026', 1],
  ])('%s', (_name, witnessed, expected) => {
    expect(textSimilarity(witnessed, post)).toBeCloseTo(expected, 5);
  });

  it('scores a similarly worded statement clearly lower', () => {
    const other =
      'US forces conducted a defensive airstrike on March 5 against Taliban fighters in Nahr-e Saraj who were attacking ANDSF.';
    const s = textSimilarity(other, post);
    expect(s).toBeGreaterThan(0.5);
    expect(s).toBeLessThan(0.9);
  });

  it('is 0 for empty text', () => {
    expect(textSimilarity('', post)).toBe(0);
  });

  it('gives the same scores when a text is compared again, also after many other texts', () => {
    const truncated = 'US forces conducted a defensive airstrike on March 4 against Taliban fig\u2026';
    const other = 'US forces conducted a defensive airstrike on March 5 against Taliban fighters.';
    const first = [textSimilarity(truncated, post), textSimilarity(other, post), textSimilarity(post, truncated)];
    for (let i = 0; i < 5000; i++) textSimilarity(`filler statement number ${i}`, post);
    expect([textSimilarity(truncated, post), textSimilarity(other, post), textSimilarity(post, truncated)]).toEqual(
      first,
    );
    expect(first[0]).toBeCloseTo(1, 5);
    expect(first[1]).toBeLessThan(0.95);
  });
});

describe('containment and truncation', () => {
  it('measures how much of a quote a post holds', () => {
    expect(containment('conducted a defensive airstrike', 'US forces conducted a defensive airstrike today')).toBe(1);
    expect(containment('something else entirely', 'US forces conducted a defensive airstrike today')).toBeLessThan(0.3);
  });
  it.each([
    ['cut here\u2026', true],
    ['cut here...', true],
    ['complete.', false],
  ])('isTruncated(%j) = %s', (text, expected) => {
    expect(isTruncated(text)).toBe(expected);
  });
});
