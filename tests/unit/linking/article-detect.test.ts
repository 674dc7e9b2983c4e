import { describe, expect, it } from 'vitest';
import { detectReferences } from '../../../src/core/article-detect.js';
import { findTextEmbeds, parseSignature } from '../../../src/core/x-citations.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { parsePrintedDate } from '../../../src/core/printed-date.js';

const options = {
  detectors: createCitationDetectors(),
  watched: [
    { platform: 'x' as const, handle: 'USFOR_A', displayName: 'USFOR-A' },
    { platform: 'x' as const, handle: 'StateDept', displayName: 'Department of State' },
  ],
};
const POST_A = 'Statement on the defensive strike near Nahr-e Saraj this morning. Details to follow.';
const SIG = '\u2014 USFOR-A Spokesman Col Sonny Leggett (@USFOR_A) March 4, 2020';

function detect(text: string, extra: Partial<Parameters<typeof detectReferences>[0]> = {}) {
  return detectReferences({ text, embeds: [], links: [], ...extra }, options).map(
    ({ kind, citedId, handle, name, date, text: t, evidence }) => ({
      kind,
      citedId,
      handle,
      name,
      date,
      text: t,
      form: evidence.form,
    }),
  );
}

describe('parsePrintedDate', () => {
  it.each([
    ['March 4, 2020', '2020-03-04'],
    ['Mar 4, 2020', '2020-03-04'],
    ['Mar. 4, 2020', '2020-03-04'],
    ['4 March 2020', '2020-03-04'],
    ['Sept 30, 2021', '2021-09-30'],
    ['4 mars 2020', '2020-03-04'],
    ['1er mars 2020', '2020-03-01'],
    ['4 de marzo de 2020', '2020-03-04'],
    ['4. M\u00e4rz 2020', '2020-03-04'],
    ['4 de mar\u00e7o de 2020', '2020-03-04'],
    ['4 marzo 2020', '2020-03-04'],
    ['12 d\u00e9c. 2021', '2021-12-12'],
    ['4 juil. 2020', '2020-07-04'],
    ['4 jui 2020', undefined],
    ['February 30, 2020', undefined],
    ['Marchy 4, 2020', undefined],
    ['yesterday', undefined],
  ])('%s', (text, expected) => {
    expect(parsePrintedDate(text)).toBe(expected);
  });
});

describe('parseSignature', () => {
  it.each([
    [SIG, { name: 'USFOR-A Spokesman Col Sonny Leggett', handle: 'USFOR_A', date: '2020-03-04' }],
    ['&mdash; Display Name (@handle) May 5, 2014', { name: 'Display Name', handle: 'handle', date: '2014-05-05' }],
    ['-- Display Name (@handle) May 5, 2014', { name: 'Display Name', handle: 'handle', date: '2014-05-05' }],
    ['\u2013Display Name(@handle)  May 5, 2014', { name: 'Display Name', handle: 'handle', date: '2014-05-05' }],
    ['\u2014 Minist\u00e8re (@handle) 4 mars 2020', { name: 'Minist\u00e8re', handle: 'handle', date: '2020-03-04' }],
    ['\u2014 Ministerio (@handle) 4 de marzo de 2020', { name: 'Ministerio', handle: 'handle', date: '2020-03-04' }],
  ])('%s', (line, expected) => {
    expect(parseSignature(line)).toMatchObject(expected);
  });
});

describe('plain-text embeds', () => {
  it.each([
    ['em dash on its own line', `Intro paragraph.\n\n${POST_A}\n${SIG}\n\nMore prose.`],
    ['double hyphen', `Intro.\n\n${POST_A}\n-- USFOR-A Spokesman Col Sonny Leggett (@USFOR_A) March 4, 2020`],
    [
      'en dash, tight spacing',
      `Intro.\n\n${POST_A}\n\u2013USFOR-A Spokesman Col Sonny Leggett(@USFOR_A)  March 4, 2020`,
    ],
    ['single hyphen', `Intro.\n\n${POST_A}\n- USFOR-A Spokesman Col Sonny Leggett (@USFOR_A) March 4, 2020`],
    ['signature right after the text', `Intro.\n\n${POST_A}${SIG}\n\nMore.`],
    ['signature after a space on the same line', `Intro.\n\n${POST_A} ${SIG}`],
    ['blank line between text and signature', `Intro.\n\n${POST_A}\n\n${SIG}\n\nMore.`],
    ['single-newline text', `Intro.\n${POST_A}\n${SIG}\nMore.`],
    [
      'dash dropped by the pipeline',
      `Intro.\n\n${POST_A}\nUSFOR-A Spokesman Col Sonny Leggett (@USFOR_A) March 4, 2020`,
    ],
  ])('%s', (_name, text) => {
    const [found, ...rest] = findTextEmbeds(text);
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ kind: 'embed', handle: 'USFOR_A', date: '2020-03-04', text: POST_A });
    expect(found!.name).toBe('USFOR-A Spokesman Col Sonny Leggett');
  });

  it('keeps a multi-line post whole and a hyphenated name intact', () => {
    const text = `Intro.\n\nLine one of the post.\nLine two of the post.\n\u2014 Kabul-Based Office (@USFOR_A) 5 March 2020`;
    expect(findTextEmbeds(text)[0]).toMatchObject({
      text: 'Line one of the post.\nLine two of the post.',
      name: 'Kabul-Based Office',
      date: '2020-03-05',
    });
  });

  it('ignores a handle in prose without a date', () => {
    expect(findTextEmbeds('Officials (@USFOR_A) said on Tuesday that nothing changed.')).toEqual([]);
  });
});

describe('detectReferences', () => {
  const ID = '1235243970720694456';
  it('takes embed markup with its ID, handle, name and date, and does not repeat it from text or links', () => {
    const text = `${POST_A}\n\n\u2014 USFOR-A (@USFOR_A) March 4, 2020\n\nProse.`;
    const found = detect(text, {
      embeds: [
        {
          statusUrl: `https://twitter.com/USFOR_A/status/${ID}?ref_src=twsrc%5Etfw`,
          text: POST_A,
          attribution: '\u2014 USFOR-A (@USFOR_A) March 4, 2020',
        },
      ],
      links: [{ href: `https://twitter.com/USFOR_A/status/${ID}?ref_src=twsrc%5Etfw`, text: 'March 4, 2020' }],
    });
    expect(found).toEqual([
      {
        kind: 'embed',
        citedId: ID,
        handle: 'USFOR_A',
        name: 'USFOR-A',
        date: '2020-03-04',
        text: POST_A,
        form: 'embed-markup',
      },
    ]);
  });

  it('finds links in anchors and in text, once per ID', () => {
    const found = detect(
      `As posted at https://x.com/USFOR_A/status/111/photo/1 and fxtwitter.com/USFOR_A/status/222.`,
      {
        links: [
          { href: 'https://mobile.twitter.com/StateDept/status/333?s=20', text: 'a statement' },
          { href: 'https://x.com/USFOR_A/status/111', text: 'again' },
        ],
      },
    );
    expect(found).toEqual([
      {
        kind: 'link',
        citedId: '333',
        handle: 'StateDept',
        name: undefined,
        date: undefined,
        text: undefined,
        form: 'link',
      },
      {
        kind: 'link',
        citedId: '111',
        handle: 'USFOR_A',
        name: undefined,
        date: undefined,
        text: undefined,
        form: 'link',
      },
      {
        kind: 'link',
        citedId: '222',
        handle: 'USFOR_A',
        name: undefined,
        date: undefined,
        text: undefined,
        form: 'url-in-text',
      },
    ]);
  });

  it.each([
    [
      'said + display name',
      '\u201cThe checkpoint was under attack and we responded in its defense,\u201d a USFOR-A spokesman wrote on X.',
      'USFOR_A',
    ],
    [
      'according to + handle',
      'In a post on X, @USFOR_A said "the strike was a defensive action against active attackers".',
      'USFOR_A',
    ],
    [
      'surname from an embed signature',
      `${POST_A}\n${SIG}\n\n\u201cWe remain committed to the reduction in violence,\u201d Leggett tweeted on Wednesday.`,
      'USFOR_A',
    ],
    [
      'another watched account',
      '\u201cWe call on all parties to honor their commitments today,\u201d the Department of State posted.',
      'StateDept',
    ],
  ])('prose quote: %s', (_name, text, handle) => {
    const quotes = detect(text).filter((c) => c.kind === 'quote');
    expect(quotes).toHaveLength(1);
    expect(quotes[0]).toMatchObject({ kind: 'quote', handle, form: 'prose-quote' });
  });

  it.each([
    [
      'no attribution verb',
      '\u201cThe checkpoint was under attack and we responded\u201d appears on a USFOR-A banner.',
    ],
    ['not a watched holder', '\u201cThe checkpoint was under attack and we responded,\u201d said a local elder.'],
    ['too short', '\u201cNo comment,\u201d said a USFOR-A spokesman.'],
  ])('no prose quote: %s', (_name, text) => {
    expect(detect(text).filter((c) => c.kind === 'quote')).toEqual([]);
  });

  it('finds nothing in an article citing nothing', () => {
    const text =
      'Officials met in Doha on Tuesday.\n\nThe talks continue - with no date set - according to people familiar with them.';
    expect(detect(text)).toEqual([]);
  });
});

describe('hostile text', () => {
  // Each ran for a minute or more with unbounded patterns; the test timeout catches a regression.
  it.each([
    ['dotted run', 'a.'.repeat(100_000) + 'com'],
    ['thousands of signatures', 'text here\n\u2014 N (@USFOR_A) March 4, 2020\n'.repeat(5000)],
    ['a dash storm', '\u2014 '.repeat(100_000) + '(@x) March 4, 2020'],
    ['unclosed quotes', '\u201c'.repeat(50_000) + ' said USFOR-A'],
    ['thousands of quotations in one sentence', '\u201cwe act now\u201d, '.repeat(20_000) + 'USFOR-A tweeted.'],
    ['thousands of sentences with names', 'USFOR-A wrote on X, Dr. Roe said. '.repeat(20_000)],
  ])('%s is scanned in linear time', { timeout: 10_000 }, (_name, text) => {
    const found = detect(text);
    expect(found.length).toBeLessThanOrEqual(1);
  });
});
