import { describe, expect, it } from 'vitest';
import { decodeXText, linkedUrls } from '../../../src/core/x-entities.js';
import type { EntityUrl } from '../../../src/core/x-payload.js';

describe('decodeXText', () => {
  const cases: [string, string][] = [
    ['Q&amp;A', 'Q&A'],
    ['a &lt;b&gt; c', 'a <b> c'],
    ['typed &amp;amp; literally', 'typed &amp; literally'],
    ['&amp;lt; stays one level', '&lt; stays one level'],
    ['no escapes at all', 'no escapes at all'],
    ['a bare & sign and &copy; that X left alone', 'a bare & sign and &copy; that X left alone'],
    ['emoji 🇺🇦 &amp; accents é', 'emoji 🇺🇦 & accents é'],
  ];
  for (const [raw, decoded] of cases) it(`${raw} → ${decoded}`, () => expect(decodeXText(raw)).toBe(decoded));
});

describe('linkedUrls', () => {
  const own = '2021586397164474375';
  const other = '2021142090347450375';
  const cases: { name: string; urls: EntityUrl[]; ownIds: string[]; expected: string[] }[] = [
    {
      name: 'its own "show more" link is not a link; another post\'s i/web link is',
      urls: [
        { url: 'https://t.co/a', expanded_url: `https://twitter.com/i/web/status/${own}` },
        { url: 'https://t.co/b', expanded_url: `https://twitter.com/i/web/status/${other}` },
      ],
      ownIds: [own],
      expected: [`https://twitter.com/i/web/status/${other}`],
    },
    {
      name: 'media links: media_key, pic.x.com display, or a photo/video link of the post itself',
      urls: [
        { url: 'https://t.co/c', expanded_url: `https://x.com/u/status/${own}/photo/1`, media_key: '3_1' },
        { url: 'https://t.co/d', expanded_url: `https://x.com/u/status/${other}/photo/1`, display_url: 'pic.x.com/d' },
        { url: 'https://t.co/e', expanded_url: `https://twitter.com/u/status/${own}/video/1` },
      ],
      ownIds: [own],
      expected: [],
    },
    {
      name: 'a repost does not keep the photo link of the post it reposts',
      urls: [{ url: 'https://t.co/f', expanded_url: `https://x.com/d/status/${other}/photo/1` }],
      ownIds: [own, other],
      expected: [],
    },
    {
      name: 'a link to another post, and to its photo, typed by the author, stays',
      urls: [
        { url: 'https://t.co/g', expanded_url: `https://x.com/d/status/${other}` },
        {
          url: 'https://t.co/h',
          expanded_url: `https://x.com/d/status/${other}/photo/2`,
          display_url: 'x.com/d/status/…',
        },
      ],
      ownIds: [own],
      expected: [`https://x.com/d/status/${other}`, `https://x.com/d/status/${other}/photo/2`],
    },
    {
      name: 'unwound_url, then expanded_url, then url; duplicates once',
      urls: [
        { url: 'https://t.co/i', expanded_url: 'https://bit.ly/x', unwound_url: 'https://example.gov/x' },
        { url: 'https://t.co/j', expanded_url: 'https://example.gov/y' },
        { url: 'https://t.co/k' },
        { url: 'https://t.co/l', expanded_url: 'https://example.gov/y' },
      ],
      ownIds: [own],
      expected: ['https://example.gov/x', 'https://example.gov/y', 'https://t.co/k'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(linkedUrls(c.urls, c.ownIds)).toEqual(c.expected));
});
