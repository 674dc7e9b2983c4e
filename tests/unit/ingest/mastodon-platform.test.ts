// Mastodon as users type it (accounts, post IDs, status URLs), its permalinks,
// its settings as loadConfig reads them, and its place in the registry.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ConfigError, InvalidInput } from '../../../src/core/errors.js';
import { parseAccountRef, parsePostRef, postUrl } from '../../../src/core/ids.js';
import { mastodonPlatform, parseMastodonStatusUrl } from '../../../src/core/mastodon-platform.js';
import { editsHaveOwnIds, isPlatform, PLATFORMS, platformDescriptor } from '../../../src/core/platforms.js';

const config = (env: Record<string, string>) => loadConfig(env, { instanceId: 'test' });

describe('Mastodon accounts and posts as users type them', () => {
  it.each([
    ['mastodon:@minister@gov.example', 'minister@gov.example'],
    ['mastodon:minister@gov.example', 'minister@gov.example'],
    ['Mastodon:@Minister@GOV.Example', 'Minister@gov.example'],
    ['mastodon:@press_office@social.gov.example:8443', 'press_office@social.gov.example:8443'],
  ])('parses %j', (text, handle) => {
    expect(parseAccountRef(text)).toEqual({ platform: 'mastodon', handle });
  });

  it.each([
    ['mastodon:minister', /not a Mastodon handle/],
    ['mastodon:@minister@', /not a Mastodon handle/],
    ['mastodon:@a@b@gov.example', /not a Mastodon handle/],
    ['mastodon:@minister@gov_example', /not a Mastodon handle/],
  ])('rejects %j', (text, message) => {
    expect(() => parseAccountRef(text)).toThrow(InvalidInput);
    expect(() => parseAccountRef(text)).toThrow(message);
  });

  it.each([
    ['mastodon:gov.example:110123456789012345', 'gov.example:110123456789012345'],
    ['mastodon:GOV.example:110123456789012345', 'gov.example:110123456789012345'],
    [
      'mastodon:gov.example:110123456789012345@2026-03-04T16:00:00.000Z',
      'gov.example:110123456789012345@2026-03-04T16:00:00.000Z',
    ],
    ['mastodon:https://gov.example/@minister/110123456789012345', 'gov.example:110123456789012345'],
    ['mastodon:https://Gov.Example/@minister/110123456789012345/embed', 'gov.example:110123456789012345'],
    ['mastodon:https://gov.example/users/minister/statuses/110123456789012345', 'gov.example:110123456789012345'],
    ['mastodon:http://127.0.0.1:4000/@minister/7', '127.0.0.1:4000:7'],
  ])('reads the post ID of %j', (text, id) => {
    expect(parsePostRef(text)).toEqual({ platform: 'mastodon', id });
  });

  it.each([
    ['mastodon:110123456789012345', /not a Mastodon post ID/],
    ['mastodon:gov.example:', /not a Mastodon post ID/],
    ['mastodon:gov.example:1@yesterday', /not a Mastodon post ID/],
    ['mastodon:https://gov.example/@minister/media', /not a Mastodon status URL/],
    ['mastodon:https://gov.example/about', /not a Mastodon status URL/],
  ])('rejects the post ID %j', (text, message) => {
    expect(() => parsePostRef(text)).toThrow(InvalidInput);
    expect(() => parsePostRef(text)).toThrow(message);
  });

  it('names every platform in the example of a malformed reference', () => {
    expect(() => parseAccountRef('minister')).toThrow(
      'account must look like x:USFOR_A or bsky:agency.bsky.social or mastodon:@minister@gov.example or feed:https://coast.nordvale.example/press.rss, got "minister"',
    );
  });
});

describe('Mastodon permalinks', () => {
  it.each([
    ['minister@gov.example', 'gov.example:110123', 'https://gov.example/@minister/110123'],
    // Another server's account as this server shows it.
    ['mayor@city.example', 'gov.example:110124', 'https://gov.example/@mayor@city.example/110124'],
    [null, 'gov.example:110125', 'https://gov.example/statuses/110125'],
    ['not a handle', 'gov.example:110126', 'https://gov.example/statuses/110126'],
    ['minister@gov.example', 'no-server-here', 'mastodon:no-server-here'],
  ])('%j %j → %j', (handle, id, url) => {
    expect(postUrl('mastodon', handle, id)).toBe(url);
  });
});

describe('status URLs', () => {
  it.each([
    ['https://gov.example/@minister/110123', { server: 'gov.example', username: 'minister', localId: '110123' }],
    ['https://gov.example/@minister/110123/', { server: 'gov.example', username: 'minister', localId: '110123' }],
    ['http://gov.example:8080/@min%C3%A9/5/embed', { server: 'gov.example:8080', username: 'miné', localId: '5' }],
    [
      'https://gov.example/users/minister/statuses/01HQZ5',
      { server: 'gov.example', username: 'minister', localId: '01HQZ5' },
    ],
    ['https://gov.example/@minister', undefined],
    ['https://gov.example/@minister/media', undefined],
    ['https://gov.example/@minister/110123/reblogs', undefined],
    ['https://gov.example/@mayor@city.example/110123', undefined],
    ['https://gov.example/@mini%ZZ/1', undefined],
    ['ftp://gov.example/@minister/1', undefined],
    ['not a url', undefined],
  ])('%j', (url, parsed) => expect(parseMastodonStatusUrl(url)).toEqual(parsed));
});

describe('the Mastodon descriptor in the registry', () => {
  it('is listed, keeps post IDs across edits, polls every minute by default', () => {
    expect(PLATFORMS).toContain('mastodon');
    expect(isPlatform('mastodon')).toBe(true);
    expect(platformDescriptor('mastodon')).toBe(mastodonPlatform);
    expect(editsHaveOwnIds('mastodon')).toBe(false);
    expect(mastodonPlatform.defaultPollIntervalMs).toBe(60_000);
    expect(platformDescriptor('x')?.defaultPollIntervalMs).toBeUndefined();
  });

  it('makes a sample post ID that reads back as a Mastodon ID of that time', () => {
    const id = mastodonPlatform.samplePostId(new Date('2026-03-04T15:20:11.000Z'));
    expect(parsePostRef(`mastodon:${id}`).id).toBe(id);
    const local = BigInt(id.split(':')[1]!);
    expect(Number(local >> 16n)).toBe(Date.parse('2026-03-04T15:20:11.000Z'));
  });
});

describe('Mastodon settings in loadConfig', () => {
  it('are optional, and parse servers to tokens and base URLs', () => {
    const none = config({});
    expect(none.MASTODON_TOKENS).toEqual(new Map());
    expect(none.MASTODON_BASE_URLS).toEqual(new Map());
    expect(none.MASTODON_TIMEOUT).toBe(15_000);
    const set = config({
      MASTODON_TOKENS: 'gov.example=tok-A, Social.Example=tok-B',
      MASTODON_BASE_URLS: 'gov.example=http://127.0.0.1:4000/',
      MASTODON_TIMEOUT: '5s',
    });
    expect(set.MASTODON_TOKENS).toEqual(
      new Map([
        ['gov.example', 'tok-A'],
        ['social.example', 'tok-B'],
      ]),
    );
    expect(set.MASTODON_BASE_URLS).toEqual(new Map([['gov.example', 'http://127.0.0.1:4000']]));
    expect(set.MASTODON_TIMEOUT).toBe(5_000);
  });

  it('name every bad setting in one error, never a token', () => {
    let error: unknown;
    try {
      config({
        MASTODON_TOKENS: 'gov.example=secret-one,gov.example=secret-two',
        MASTODON_BASE_URLS: 'gov.example=ftp://mirror.example',
        MASTODON_TIMEOUT: 'soon',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('MASTODON_TOKENS: gov.example is given twice');
    expect(message).toContain('MASTODON_BASE_URLS: "ftp://mirror.example" (for gov.example) must be http(s)://');
    expect(message).toContain('MASTODON_TIMEOUT: not a duration');
    expect(message).not.toContain('secret');
    expect(() => config({ MASTODON_TOKENS: 'gov.example=has space' })).toThrow(
      'MASTODON_TOKENS: the token for gov.example contains a space',
    );
    expect(() => config({ MASTODON_TOKENS: 'just-a-token' })).toThrow('MASTODON_TOKENS: item 1 is not server=value');
  });
});
