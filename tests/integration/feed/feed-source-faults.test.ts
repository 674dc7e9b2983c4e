// The feed adapter's bad days against the local fake feed server: malformed
// bodies kept raw, rate limits and outages with Retry-After, gone feeds,
// redirects through the safe fetcher (private addresses refused),
// content-type sniffing, BOMs, gzip, the size cap, time-outs and close().
import { describe, expect, it } from 'vitest';
import { BadPayload, FetchRefused, SourceRateLimited, SourceUnavailable } from '../../../src/core/errors.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';
import { failure, feedSourceFor, NOW, useFeedHarness } from './feed-harness.js';

const harness = useFeedHarness();
const serve: ReturnType<typeof harness>['serve'] = (spec) => harness().serve(spec);
let nextPath = 0;

describe('bad answers', () => {
  it('a malformed body is a BadPayload that keeps the raw capture', async () => {
    for (const format of ['rss', 'json'] as const) {
      const { url, account } = serve({ format });
      harness().fake.injectFault({ kind: 'malformed' });
      const err = (await failure(harness().source.fetchPage(account, null, undefined))) as BadPayload;
      expect(err).toBeInstanceOf(BadPayload);
      expect(err.message).toBe(
        format === 'rss'
          ? `${url} is malformed XML, not a readable feed`
          : `${url} is malformed JSON, not a readable JSON Feed`,
      );
      expect(err.capture).toMatchObject({ source: 'feed:items', requestUrl: url, httpStatus: 200 });
      expect(err.capture!.body.length).toBeGreaterThan(100);
      expect(format === 'rss' ? err.capture!.body.startsWith('<?xml') : err.capture!.body.startsWith('{')).toBe(true);
    }
  });

  it('429 and 503 with Retry-After hold the account until then; 503 without it is an outage to retry', async () => {
    const { account } = serve();
    harness().fake.injectFault({ kind: 'status', status: 429, retryAfter: '120' });
    const limited = (await failure(harness().source.fetchPage(account, null, undefined))) as SourceRateLimited;
    expect(limited).toBeInstanceOf(SourceRateLimited);
    expect(limited.resetAt).toEqual(new Date(NOW.getTime() + 120_000));
    harness().fake.injectFault({ kind: 'status', status: 429, retryAfter: 'Sat, 21 Mar 2026 13:30:00 GMT' });
    const dated = (await failure(harness().source.fetchPage(account, null, undefined))) as SourceRateLimited;
    expect(dated.resetAt).toEqual(new Date('2026-03-21T13:30:00Z'));
    harness().fake.injectFault({ kind: 'status', status: 503, retryAfter: '30' });
    const later = (await failure(harness().source.fetchPage(account, null, undefined))) as SourceRateLimited;
    expect(later).toBeInstanceOf(SourceRateLimited);
    expect(later.resetAt).toEqual(new Date(NOW.getTime() + 30_000));
    expect(later.message).toBe(`${account.platformUserId} answered HTTP 503 (retry after 2026-03-21T12:00:30.000Z)`);
    harness().fake.injectFault({ kind: 'status', status: 503 });
    const down = await failure(harness().source.fetchPage(account, null, undefined));
    expect(down).toBeInstanceOf(SourceUnavailable);
    expect(down.message).toBe(`${account.platformUserId} answered HTTP 503`);
    harness().fake.injectFault({ kind: 'status', status: 502, retryAfter: 'soon' });
    const bad = await failure(harness().source.fetchPage(account, null, undefined));
    expect([bad instanceof SourceUnavailable, bad.message]).toEqual([
      true,
      `${account.platformUserId} answered HTTP 502 (Retry-After: soon)`,
    ]);
  });

  it('a feed that is gone reports its account not found', async () => {
    const { account } = serve();
    harness().fake.injectFault({ kind: 'status', status: 410 });
    const page = await harness().source.fetchPage(account, null, undefined);
    expect(page.errors).toEqual([
      {
        kind: 'not_found',
        resourceType: 'user',
        resourceId: account.platformUserId,
        detail: `the feed ${account.platformUserId} answered HTTP 410 (gone for good)`,
      },
    ]);
    expect([page.posts, page.newestCursor]).toEqual([[], null]);
  });
});

describe('the fetch', () => {
  it('follows a redirect and resolves links against where the feed was read', async () => {
    const { url: target } = serve({ path: '/moved/press.rss', items: pressReleases(2, { relativeLinks: true }) });
    harness().fake.redirect('/old/press.rss', '/moved/press.rss', 301);
    const page = await harness().source.fetchPage(
      { platformUserId: `${harness().fake.url}/old/press.rss` },
      null,
      undefined,
    );
    expect(page.capture.requestUrl).toBe(target);
    expect(page.posts[0]!.urls[0]).toBe(`${harness().fake.url}/news/2-ferry-timetable`);
    expect(page.posts[0]!.platformId).toBe(feedPostId(`${harness().fake.url}/old/press.rss`, 'urn:nordvale:press:2'));
  });

  it.each([
    ['a link-local address', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address'],
    ['IPv6 loopback', 'http://[::1]:9/feed', '::1 is not a public address'],
  ])('refuses a redirect to %s', async (_, location, message) => {
    const path = `/redirect/${++nextPath}`;
    harness().fake.redirect(path, location, 302);
    const err = await failure(
      harness().source.fetchPage({ platformUserId: `${harness().fake.url}${path}` }, null, undefined),
    );
    expect(err).toBeInstanceOf(FetchRefused);
    expect(err.message).toBe(message);
    expect(harness().fake.requestsTo(path)).toHaveLength(1);
  });

  it.each([
    ['text/html', { contentType: 'text/html; charset=iso-8859-1' }],
    ['application/octet-stream', { contentType: 'application/octet-stream' }],
    ['a BOM', { bom: true }],
    ['a server default charset on JSON', { format: 'json' as const, contentType: 'text/plain; charset=iso-8859-1' }],
    ['a vendor +xml type', { contentType: 'application/vnd.nordvale.press+xml' }],
    ['gzip', { gzip: true }],
  ])('reads a feed served with %s', async (_, settings) => {
    const { account } = serve({ format: 'atom', ...settings, items: pressReleases(2, { author: 'Büro für Küsten' }) });
    const page = await harness().source.fetchPage(account, null, undefined);
    expect(page.posts.map((p) => p.authorName)).toEqual(['Büro für Küsten', 'Büro für Küsten']);
  });

  it('refuses an image where the feed should be, and a feed over the size limit', async () => {
    const { account, url } = serve({ contentType: 'image/png' });
    expect((await failure(harness().source.fetchPage(account, null, undefined))).message).toBe(
      `${url} is image/png, not a feed`,
    );
    const big = serve({ items: pressReleases(400) });
    const err = await failure(harness().source.fetchPage(big.account, null, undefined));
    expect(err).toBeInstanceOf(FetchRefused);
    expect(err.message).toMatch(/over the 200000-byte limit$/);
  });
});

describe('time', () => {
  it('a feed server that does not answer in time is an outage to retry', async () => {
    const { account, path } = serve();
    harness().fake.injectFault({ kind: 'hang', path });
    const quick = feedSourceFor({ timeoutMs: 300 });
    try {
      const err = await failure(quick.fetchPage(account, null, undefined));
      expect(err).toBeInstanceOf(SourceUnavailable);
      expect(err.message).toBe(`${account.platformUserId} did not answer within the time limit`);
    } finally {
      quick.close();
    }
  });

  it('close() ends a request in flight at once, and refuses later ones', async () => {
    const { account, path } = serve();
    harness().fake.injectFault({ kind: 'hang', path });
    const closing = feedSourceFor({ timeoutMs: 60_000 });
    const pending = failure(closing.fetchPage(account, null, undefined));
    await harness().fake.waitForRequests(1, path);
    const started = Date.now();
    closing.close();
    expect(await pending).toBeInstanceOf(SourceUnavailable);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await failure(closing.fetchPage(account, null, undefined))).toBeInstanceOf(SourceUnavailable);
    expect(harness().fake.requestsTo(path)).toHaveLength(1);
  });
});
