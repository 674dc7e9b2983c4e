// The feed citation detector: every link of an article (anchors, then bare
// URLs in the text) is a candidate known by the forms of its address, except
// links to the article's own site; permalinkForms as a table.
import { describe, expect, it } from 'vitest';
import type { ArticleContent } from '../../../src/core/article-detect.js';
import { createFeedCitationDetector, MAX_FEED_LINKS, permalinkForms } from '../../../src/core/feed-citations.js';

const detect = (content: Partial<ArticleContent>) =>
  createFeedCitationDetector().detect({ text: '', embeds: [], links: [], ...content }, []);

describe('permalinkForms', () => {
  it.each<[string, string[] | undefined]>([
    [
      'https://coast.example/news/1',
      [
        'https://coast.example/news/1',
        'http://coast.example/news/1',
        'https://coast.example/news/1/',
        'http://coast.example/news/1/',
      ],
    ],
    [
      'HTTP://Coast.Example:80/news/1/#top',
      [
        'http://coast.example/news/1/',
        'https://coast.example/news/1/',
        'http://coast.example/news/1',
        'https://coast.example/news/1',
      ],
    ],
    [
      'https://coast.example/?p=17&utm_source=rss&fbclid=abc',
      [
        'https://coast.example/?p=17',
        'http://coast.example/?p=17',
        'https://coast.example/?p=17&utm_source=rss&fbclid=abc',
        'http://coast.example/?p=17&utm_source=rss&fbclid=abc',
      ],
    ],
    ['mailto:press@coast.example', undefined],
    ['/news/1', undefined],
    ['not a url', undefined],
  ])('%s', (href, forms) => {
    expect(permalinkForms(href)).toEqual(forms);
  });
});

describe('the feed citation detector', () => {
  it('makes each distinct link a link candidate, anchors first, then URLs in the text', () => {
    const found = detect({
      pageUrl: 'https://www.gazette.example/2026/03/story',
      links: [
        { href: 'https://gazette.example/', text: 'Home' },
        { href: 'https://coast.example/news/1?utm_medium=email', text: 'the statement' },
        { href: 'https://coast.example/news/1#quote', text: 'said' },
        { href: 'mailto:desk@gazette.example', text: 'Write to us' },
      ],
      text: 'The notice (https://coast.example/notices/1.html). Also www.gazette.example/other, https://coast.example/news/1.',
    });
    expect(found.map((c) => [c.kind, c.platform, c.fingerprint, c.evidence.form, c.evidence.excerpt])).toEqual([
      ['link', 'feed', 'feed:url:https://coast.example/news/1', 'link', 'the statement'],
      [
        'link',
        'feed',
        'feed:url:https://coast.example/notices/1.html',
        'url-in-text',
        'https://coast.example/notices/1.html',
      ],
    ]);
    expect(found[0]!.citedUrls).toContain('https://coast.example/news/1?utm_medium=email');
    expect(found[0]!.evidence.url).toBe('https://coast.example/news/1?utm_medium=email');
    expect(found.every((c) => c.citedId === undefined)).toBe(true);
  });

  it('reads at most MAX_FEED_LINKS distinct links', () => {
    const links = Array.from({ length: MAX_FEED_LINKS + 50 }, (_, i) => ({ href: `https://a.example/${i}`, text: '' }));
    const found = detect({ links });
    expect(found).toHaveLength(MAX_FEED_LINKS);
    expect(found.at(-1)!.fingerprint).toBe(`feed:url:https://a.example/${MAX_FEED_LINKS - 1}`);
  });
});
