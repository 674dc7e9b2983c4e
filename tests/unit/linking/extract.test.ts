// Extraction of HTML pages and the embeds in them, then detection: every
// embed variant seen in the wild yields one embed reference with its ID,
// handle, name, date and text.
import { describe, expect, it } from 'vitest';
import { extractArticle, extractHtml, looksLikeHtml } from '../../../src/adapters/articles/extract.js';
import { detectReferences } from '../../../src/core/article-detect.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';

const ID = '1235243970720694456';
const TEXT = 'Statement on the defensive strike near Nahr-e Saraj this morning. Details to follow.';
const prose = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i + 1} of the report, with enough words in it to look like an article body to a reader.</p>`,
  ).join('\n');

function page(embed: string, head = ''): string {
  return `<!doctype html><html><head><title>Report - Example News</title>${head}</head><body><nav><a href="/">Home</a></nav><article><h1>Report</h1>${prose(3)}${embed}${prose(3)}</article></body></html>`;
}

const VARIANTS: [string, string][] = [
  [
    'oEmbed markup with &mdash;, ref_src and pic.x.com',
    `<blockquote class="twitter-tweet"><p lang="en" dir="ltr">${TEXT} <a href="https://t.co/abc">pic.x.com/abc</a></p>&mdash; USFOR-A (@USFOR_A) <a href="https://twitter.com/USFOR_A/status/${ID}?ref_src=twsrc%5Etfw">March 4, 2020</a></blockquote>\n<script async src="https://platform.x.com/widgets.js" charset="utf-8"></script>`,
  ],
  [
    'attributes, literal em dash, no ref_src, x.com',
    `<blockquote class="twitter-tweet" data-dnt="true" data-theme="dark" data-cards="hidden" data-conversation="none" align="center" lang="en"><p>${TEXT}</p>\u2014 USFOR-A (@USFOR_A) <a href="https://x.com/USFOR_A/status/${ID}">March 4, 2020</a></blockquote><script src="//platform.twitter.com/widgets.js"></script>`,
  ],
  [
    'attribution in its own paragraph, /statuses/, pic.twitter.com',
    `<blockquote class="twitter-tweet tw-align-center"><p>${TEXT} pic.twitter.com/abc</p><p>&mdash; USFOR-A (@USFOR_A) <a href="https://twitter.com/USFOR_A/statuses/${ID}">March 4, 2020</a></p></blockquote>`,
  ],
  [
    'links with hashtags and mentions inside the text',
    `<blockquote class="twitter-tweet"><p>Statement on the defensive strike near Nahr-e Saraj this morning. Details to follow. <a href="https://twitter.com/hashtag/ANDSF?src=hash&amp;ref_src=twsrc%5Etfw">#ANDSF</a> <a href="https://twitter.com/USFOR_A?ref_src=twsrc%5Etfw">@USFOR_A</a></p>&mdash; USFOR-A (@USFOR_A) <a href="https://twitter.com/USFOR_A/status/${ID}?ref_src=twsrc%5Etfw">March 4, 2020</a></blockquote>`,
  ],
];

describe('embed variants', () => {
  it.each(VARIANTS)('%s', (_name, embed) => {
    const extracted = extractHtml(page(embed), 'https://news.example/report');
    const refs = detectReferences(extracted, { detectors: createCitationDetectors(), watched: [] });
    expect(refs).toHaveLength(1);
    const [ref] = refs;
    expect(ref).toMatchObject({ kind: 'embed', citedId: ID, handle: 'USFOR_A', name: 'USFOR-A', date: '2020-03-04' });
    expect(ref!.text!.startsWith(TEXT)).toBe(true);
    expect(ref!.evidence.form).toBe('embed-markup');
  });

  it('an embed without a status link is matched by its signature', () => {
    const extracted = extractHtml(
      page(`<blockquote class="twitter-tweet"><p>${TEXT}</p>&mdash; USFOR-A (@USFOR_A) March 4, 2020</blockquote>`),
    );
    const refs = detectReferences(extracted, { detectors: createCitationDetectors(), watched: [] });
    expect(refs.map((r) => [r.kind, r.citedId, r.handle, r.date, r.text])).toEqual([
      ['embed', undefined, 'USFOR_A', '2020-03-04', TEXT],
    ]);
  });
});

describe('page metadata and body', () => {
  it('reads canonical URL, title and publication time from meta tags', () => {
    const head = `<link rel="canonical" href="/2020/03/04/report"><meta property="og:title" content="U.S. strike in Helmand"><meta property="article:published_time" content="2020-03-04T17:30:00+00:00">`;
    const a = extractHtml(page('', head), 'https://news.example/amp/report?utm=1');
    expect([a.canonicalUrl, a.title, a.publishedAt?.toISOString()]).toEqual([
      'https://news.example/2020/03/04/report',
      'U.S. strike in Helmand',
      '2020-03-04T17:30:00.000Z',
    ]);
  });

  it('reads JSON-LD NewsArticle inside @graph and skips malformed JSON-LD', () => {
    const head = `<script type="application/ld+json">{ not json</script><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},{"@type":["NewsArticle"],"headline":"LD headline","datePublished":"2020-03-04T12:00:00-05:00","mainEntityOfPage":{"@id":"https://news.example/ld"}}]}</script>`;
    const a = extractHtml(`<html><head>${head}</head><body>${prose(4)}</body></html>`);
    expect([a.canonicalUrl, a.title, a.publishedAt?.toISOString()]).toEqual([
      'https://news.example/ld',
      'LD headline',
      '2020-03-04T17:00:00.000Z',
    ]);
  });

  it('keeps block breaks in the body and drops navigation and scripts', () => {
    const a = extractHtml(page('<script>var x = 1;</script>'));
    expect(a.text.split('\n\n').slice(0, 2)).toEqual([
      'Paragraph 1 of the report, with enough words in it to look like an article body to a reader.',
      'Paragraph 2 of the report, with enough words in it to look like an article body to a reader.',
    ]);
    expect(a.text).not.toContain('var x');
  });

  it.each([
    ['unclosed tags', '<html><body><div><p>Broken <b>markup <i>everywhere<blockquote class="twitter-tweet"><p>text'],
    ['binary garbage', '<p>\u0000\u0001\ufffd\ud800 bytes</p><blockquote class="twitter-tweet"></blockquote>'],
    ['an empty document', '<html></html>'],
    ['a huge attribute', `<p title="${'a'.repeat(100_000)}">x</p>`],
  ])('never crashes on %s', (_name, html) => {
    expect(() =>
      detectReferences(extractHtml(html), { detectors: createCitationDetectors(), watched: [] }),
    ).not.toThrow();
  });

  it.each([200, 5_000, 100_000])('reads a page nested %i deep quickly, links kept', { timeout: 10_000 }, (depth) => {
    const link = `<a href="https://x.com/USFOR_A/status/${ID}">post</a>`;
    const html = `<html><body>${'<div>'.repeat(depth)}<p>Deep text ${link}</p>${'</div>'.repeat(depth)}</body></html>`;
    const a = extractHtml(html);
    expect(a.text).toContain('Deep text post');
    expect(
      detectReferences(a, { detectors: createCitationDetectors(), watched: [] }).map((r) => [r.kind, r.citedId]),
    ).toEqual([['link', ID]]);
  });

  it('tells HTML from text', () => {
    expect([
      looksLikeHtml('<!DOCTYPE html><p>x'),
      looksLikeHtml('Words <3 and a <b> tag'),
      looksLikeHtml('<p>one</p>'),
    ]).toEqual([true, false, true]);
    expect(extractArticle('Line one\r\n\r\n\r\nLine two')).toEqual({
      text: 'Line one\n\nLine two',
      embeds: [],
      links: [],
    });
  });
});
