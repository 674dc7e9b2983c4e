import { describe, expect, it } from 'vitest';
import { findStatusUrls, parseStatusUrl, type StatusHosts } from '../../../src/core/x-status-url.js';

const hosts: StatusHosts = {
  previewHosts: ['fxtwitter.com', 'fixupx.com', 'vxtwitter.com', 'fixvx.com', 'twittpr.com'],
  nitterHosts: ['nitter.net', 'nitter.example.org'],
};
const ID = '1235243970720694456';

describe('parseStatusUrl', () => {
  it.each([
    [`https://x.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://twitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`http://www.twitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://mobile.twitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://mobile.x.com/usfor_a/status/${ID}`, { id: ID, handle: 'usfor_a' }],
    [`https://twitter.com/i/web/status/${ID}`, { id: ID }],
    [`https://x.com/i/status/${ID}`, { id: ID }],
    [`https://twitter.com/USFOR_A/statuses/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://x.com/USFOR_A/status/${ID}/photo/1`, { id: ID, handle: 'USFOR_A' }],
    [`https://x.com/USFOR_A/status/${ID}/video/1`, { id: ID, handle: 'USFOR_A' }],
    [`https://x.com/USFOR_A/status/${ID}/analytics`, { id: ID, handle: 'USFOR_A' }],
    [`https://twitter.com/USFOR_A/status/${ID}?ref_src=twsrc%5Etfw`, { id: ID, handle: 'USFOR_A' }],
    [`https://x.com/USFOR_A/status/${ID}?s=20&t=abcDEF`, { id: ID, handle: 'USFOR_A' }],
    [`https://x.com/USFOR_A/status/${ID}#reply`, { id: ID, handle: 'USFOR_A' }],
    [`x.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`//twitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://fxtwitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://fixupx.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://vxtwitter.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://fixvx.com/USFOR_A/status/${ID}/photo/2`, { id: ID, handle: 'USFOR_A' }],
    [`https://twittpr.com/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`https://nitter.net/USFOR_A/status/${ID}#m`, { id: ID, handle: 'USFOR_A' }],
    [`https://nitter.example.org/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
    [`HTTPS://X.COM/USFOR_A/status/${ID}`, { id: ID, handle: 'USFOR_A' }],
  ])('%s', (url, expected) => {
    expect(parseStatusUrl(url, hosts)).toEqual(expected);
  });

  it.each([
    `https://x.com/USFOR_A`,
    `https://x.com/USFOR_A/likes`,
    `https://example.com/USFOR_A/status/${ID}`,
    `https://notx.com/USFOR_A/status/${ID}`,
    `https://x.com.evil.example/USFOR_A/status/${ID}`,
    `https://nitter.other.org/USFOR_A/status/${ID}`,
    `ftp://x.com/USFOR_A/status/${ID}`,
    `https://x.com/USFOR_A/status/notanumber`,
    `not a url at all`,
  ])('rejects %s', (url) => {
    expect(parseStatusUrl(url, hosts)).toBeUndefined();
  });

  it('follows the configured lists only', () => {
    expect(
      parseStatusUrl(`https://fxtwitter.com/a/status/${ID}`, { previewHosts: [], nitterHosts: [] }),
    ).toBeUndefined();
  });
});

describe('findStatusUrls', () => {
  it('finds every form in running text, with trailing punctuation removed', () => {
    const text = `See https://x.com/USFOR_A/status/1 and twitter.com/i/web/status/${ID}. Also (https://nitter.net/A/status/22#m), nothing at https://example.com/a/status/3.`;
    expect(findStatusUrls(text, hosts).map(({ id, handle, url }) => ({ id, handle, url }))).toEqual([
      { id: '1', handle: 'USFOR_A', url: 'https://x.com/USFOR_A/status/1' },
      { id: ID, handle: undefined, url: `twitter.com/i/web/status/${ID}` },
      { id: '22', handle: 'A', url: 'https://nitter.net/A/status/22#m' },
    ]);
  });
});
