// The small pure parts of Mastodon support: handles and server-qualified IDs,
// the cursor, the two settings, the Link header, and page tokens.
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/core/errors.js';
import { parseLinkHeader } from '../../../src/core/link-header.js';
import { newerMastodonCursor, newestMastodonCursor } from '../../../src/core/mastodon-cursor.js';
import { parseMastodonHandle, parseQualifiedId, versionIdOf } from '../../../src/core/mastodon-ids.js';
import {
  decodePageToken,
  encodePageToken,
  nextPageToken,
  type PageToken,
} from '../../../src/core/mastodon-page-token.js';
import { mastodonBaseUrl, parseMastodonBaseUrls, parseMastodonTokens } from '../../../src/core/mastodon-settings.js';

describe('handles and IDs', () => {
  it.each([
    ['@minister@gov.example', { username: 'minister', server: 'gov.example' }],
    ['Press_Office@Social.GOV.example', { username: 'Press_Office', server: 'social.gov.example' }],
    [' chief@localhost:3000 ', { username: 'chief', server: 'localhost:3000' }],
  ])('reads the handle %s', (text, handle) => {
    expect(parseMastodonHandle(text)).toEqual(handle);
  });

  it.each(['minister', '@minister', 'a@b@c', 'min ister@gov.example', 'minister@gov_example'])('refuses %s', (text) => {
    expect(() => parseMastodonHandle(text)).toThrow(InvalidInput);
  });

  it.each([
    ['gov.example:110123456789012345', { server: 'gov.example', localId: '110123456789012345', editedAt: null }],
    [
      'gts.example:01F8MGTQW4DKTDF8SW5CT9HYGA',
      { server: 'gts.example', localId: '01F8MGTQW4DKTDF8SW5CT9HYGA', editedAt: null },
    ],
    ['localhost:3000:42', { server: 'localhost:3000', localId: '42', editedAt: null }],
    [
      'gov.example:7@2026-03-04T16:00:05.500Z',
      { server: 'gov.example', localId: '7', editedAt: '2026-03-04T16:00:05.500Z' },
    ],
  ])('reads the qualified ID %s', (text, id) => {
    expect(parseQualifiedId(text)).toEqual(id);
  });

  it.each(['110123', ':5', 'gov.example:', 'gov.example:5@yesterday', 'gov.example:a/b'])(
    'refuses the ID %s',
    (text) => {
      expect(() => parseQualifiedId(text)).toThrow(InvalidInput);
    },
  );

  it('names versions so that those of one status sort oldest first', () => {
    const ids = [
      versionIdOf('gov.example:5', '2026-03-04T16:00:05.5Z'),
      versionIdOf('gov.example:5', null),
      versionIdOf('gov.example:5', '2026-03-04T15:40:00+00:00'),
    ];
    expect(ids).toEqual([
      'gov.example:5@2026-03-04T16:00:05.500Z',
      'gov.example:5',
      'gov.example:5@2026-03-04T15:40:00.000Z',
    ]);
    const sorted = [...ids].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    expect(sorted).toEqual([ids[1], ids[2], ids[0]]);
  });
});

describe('cursor', () => {
  it.each([
    [null, null, null],
    ['5', null, '5'],
    [null, '5', '5'],
    ['99', '100', '100'],
    ['110000000000000010', '109999999999999999', '110000000000000010'],
    ['01F8MGTQW4DKTDF8SW5CT9HYGA', '01F8MGV8AC3NGSJW0FE8W1BV70', '01F8MGV8AC3NGSJW0FE8W1BV70'],
  ])('the newer of %s and %s is %s', (a, b, newer) => {
    expect(newerMastodonCursor(a, b)).toBe(newer);
  });

  it('takes the newest ID of a page, null for an empty page', () => {
    expect(newestMastodonCursor(['110000000000000003', '110000000000000009', '99'])).toBe('110000000000000009');
    expect(newestMastodonCursor([])).toBeNull();
  });
});

describe('settings', () => {
  it('reads MASTODON_TOKENS', () => {
    expect(parseMastodonTokens(' gov.example=abc123 , Defence.Example=xyz=9 ')).toEqual(
      new Map([
        ['gov.example', 'abc123'],
        ['defence.example', 'xyz=9'],
      ]),
    );
    expect(parseMastodonTokens(undefined)).toEqual(new Map());
  });

  it.each([
    ['gov.example', 'MASTODON_TOKENS: item 1 is not server=value'],
    ['gov.example=a,gov.example=b', 'MASTODON_TOKENS: gov.example is given twice'],
    ['gov.example=a b', 'MASTODON_TOKENS: the token for gov.example contains a space'],
  ])('refuses MASTODON_TOKENS=%s without showing a token', (text, message) => {
    expect(() => parseMastodonTokens(text)).toThrow(message);
  });

  it('reads MASTODON_BASE_URLS and falls back to https://<server>', () => {
    const urls = parseMastodonBaseUrls(
      'gov.example=http://127.0.0.1:4100/, mirror.example=https://proxy.example/mastodon/',
    );
    expect(urls).toEqual(
      new Map([
        ['gov.example', 'http://127.0.0.1:4100'],
        ['mirror.example', 'https://proxy.example/mastodon'],
      ]),
    );
    expect(mastodonBaseUrl(urls, 'gov.example')).toBe('http://127.0.0.1:4100');
    expect(mastodonBaseUrl(urls, 'other.example')).toBe('https://other.example');
  });

  it.each([
    'gov.example=ftp://x',
    'gov.example=not a url',
    'gov.example=https://u:p@x.example',
    'gov.example=https://x.example/?a=1',
  ])('refuses MASTODON_BASE_URLS=%s', (text) => {
    expect(() => parseMastodonBaseUrls(text)).toThrow(/^MASTODON_BASE_URLS: /);
  });
});

describe('Link header', () => {
  it('reads next and prev as Mastodon sends them', () => {
    const links = parseLinkHeader(
      '<https://gov.example/api/v1/accounts/1/statuses?limit=40&max_id=7163058>; rel="next", ' +
        '<https://gov.example/api/v1/accounts/1/statuses?limit=40&min_id=7275607>; rel="prev"',
    );
    expect(links).toEqual(
      new Map([
        ['next', 'https://gov.example/api/v1/accounts/1/statuses?limit=40&max_id=7163058'],
        ['prev', 'https://gov.example/api/v1/accounts/1/statuses?limit=40&min_id=7275607'],
      ]),
    );
  });

  it('reads unquoted and several rels, skips what it cannot read', () => {
    expect(
      parseLinkHeader(
        '<https://a.example/x?a=1,2>; title="x"; rel=next, garbage, <https://a.example/y>; rel="prev last"',
      ),
    ).toEqual(
      new Map([
        ['next', 'https://a.example/x?a=1,2'],
        ['prev', 'https://a.example/y'],
        ['last', 'https://a.example/y'],
      ]),
    );
    expect(parseLinkHeader(null)).toEqual(new Map());
  });
});

describe('page tokens', () => {
  const token: PageToken = {
    server: 'gov.example',
    accountId: '109000000000000001',
    mode: 'backfill',
    pages: 2,
    histories: [{ id: '5' }],
    timeline: 'limit=40&max_id=110',
  };

  it('round-trips and ends when nothing is left to read', () => {
    expect(decodePageToken(encodePageToken(token))).toEqual(token);
    expect(nextPageToken({ ...token, histories: [], timeline: null })).toBeUndefined();
    expect(nextPageToken({ ...token, histories: [] })).toBe(encodePageToken({ ...token, histories: [] }));
  });

  it.each(['', 'not-a-token', Buffer.from('{"server":"gov.example"}').toString('base64url')])('refuses %j', (text) => {
    expect(() => decodePageToken(text)).toThrow(InvalidInput);
  });
});
