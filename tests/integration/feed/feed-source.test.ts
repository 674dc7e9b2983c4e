// The feed adapter against the local fake feed server: accounts, first reads
// in every format, conditional GET (ETag, Last-Modified, none), changed and
// vanished items, malformed bodies, rate limits and outages, redirects through
// the safe fetcher, content-type sniffing, BOMs, gzip and the size cap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFeedSource, type FeedSource } from '../../../src/adapters/feed/feed-source.js';
import {
  BadPayload,
  FetchRefused,
  InvalidInput,
  SourceRateLimited,
  SourceUnavailable,
} from '../../../src/core/errors.js';
import { decodeFeedCursor } from '../../../src/core/feed-cursor.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { createLogger } from '../../../src/logger.js';
import { startFakeFeeds, type FakeFeedSpec, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

const NOW = new Date('2026-03-21T12:00:00Z');
let fake: RunningFakeFeeds;
let source: FeedSource;
let nextPath = 0;

beforeAll(async () => {
  fake = await startFakeFeeds();
  // Only the fake's own address is let through: any other private address stays refused.
  source = createFeedSource({
    fetch: { allowPrivate: false, allowAddresses: ['127.0.0.1'], maxBytes: 200_000 },
    timeoutMs: 3_000,
    logger: createLogger({ level: 'silent' }),
    now: () => NOW,
  });
});

afterAll(async () => {
  source.close();
  await fake.close();
});

afterEach(() => fake.clearFaults());

/** A new feed on the fake (each test its own path); returns its URL and path. */
function serve(spec: Partial<FakeFeedSpec> = {}) {
  const path = spec.path ?? `/feeds/${++nextPath}/press.${spec.format ?? 'rss'}`;
  const url = fake.addFeed({ format: 'rss', items: pressReleases(3), ...spec, path });
  return { url, path, account: { platformUserId: url } };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as Error,
  );

describe('accounts', () => {
  it('resolves a feed URL to its normalized URL and takes its title as display name', async () => {
    const { url, path } = serve({ title: 'Ministry of Coastal Affairs — Press' });
    const lookup = await source.resolveAccount(`  feed:${url}#latest `);
    expect(lookup).toEqual({
      kind: 'found',
      user: { platformUserId: url, handle: url, displayName: 'Ministry of Coastal Affairs — Press' },
      capture: expect.objectContaining({ source: 'feed:account', requestUrl: url, httpStatus: 200 }),
    });
    expect(lookup.capture.body).toContain('<rss version="2.0"');
    expect(fake.requestsTo(path)).toHaveLength(1);
    expect(await source.lookupAccount(url)).toMatchObject({ kind: 'found', user: { platformUserId: url } });
  });

  it('a missing feed is not_found; a URL that is not http(s) is invalid input; a web page is a bad payload', async () => {
    const missing = await source.resolveAccount(`${fake.url}/feeds/none.xml`);
    expect(missing).toMatchObject({ kind: 'not_found', capture: { httpStatus: 404 } });
    expect(missing.kind === 'not_found' && missing.detail).toBe(
      `the feed ${fake.url}/feeds/none.xml answered HTTP 404`,
    );
    expect(await failure(source.resolveAccount('ftp://example.org/feed'))).toBeInstanceOf(InvalidInput);
    const { url } = serve();
    fake.injectFault({ kind: 'html-page' });
    const err = await failure(source.resolveAccount(url));
    expect(err).toBeInstanceOf(BadPayload);
    expect(err.message).toBe(`${url} is an HTML page, not a feed`);
  });
});

describe('reading', () => {
  it.each(['rss', 'rdf', 'atom', 'json'] as const)('the first %s read returns every item', async (format) => {
    const { url, account } = serve({ format, items: pressReleases(4) });
    const page = await source.fetchPage(account, null, undefined);
    expect(page.posts.map((p) => p.platformId)).toEqual(
      [4, 3, 2, 1].map((n) =>
        feedPostId(
          url,
          format === 'rdf' ? `https://coast.nordvale.example/news/${n}-${slug(n)}` : `urn:nordvale:press:${n}`,
        ),
      ),
    );
    expect(page.posts[0]).toMatchObject({
      platform: 'feed',
      text: expect.stringMatching(/^Consultation on coastal fishing quotas opens \(4\)\n\nPORT ALDER – The Ministry/),
      createdAt: new Date('2026-03-20T09:30:00Z'),
      authorId: url,
      lang: 'en',
    });
    expect(page.posts[0]!.urls).toContain('https://coast.nordvale.example/news/4-fishing-quotas');
    expect(page.posts[0]!.urls).toContain(new URL('/projects/4', url).toString());
    expect([page.problems, page.errors, page.nextPageToken]).toEqual([[], [], undefined]);
    expect(decodeFeedCursor(page.newestCursor)?.versions).toEqual(page.posts.map((p) => p.versionId));
  });

  it('keeps a whole RSS item: text, links resolved against the feed, media, dates, author', async () => {
    const { url, account } = serve({ items: pressReleases(3, { relativeLinks: true }) });
    const [post] = (await source.fetchPage(account, null, undefined)).posts;
    const site = new URL('/', url).toString().slice(0, -1);
    const platformId = feedPostId(url, 'urn:nordvale:press:3');
    expect(post).toEqual({
      platform: 'feed',
      platformId,
      versionId: `${platformId}#${post!.contentSha256.slice(0, 16)}`,
      editIds: [platformId],
      text:
        'Flood barrier test completed without incident (3)\n\n' +
        'PORT ALDER – The Ministry of Coastal Affairs today gave an update on the estuary flood barrier.\n\n' +
        '“We will keep residents informed at every step,” said Minister Edda Varn.\n\n' +
        'Details are on the project page and in the public notice.',
      lang: 'en',
      versionCreatedAt: new Date('2026-03-20T09:30:00Z'),
      createdAt: new Date('2026-03-20T09:30:00Z'),
      authorId: url,
      authorHandle: url,
      authorName: 'Ministry of Coastal Affairs, Press Office',
      conversationId: null,
      inReplyToUserId: null,
      referencedPosts: [],
      urls: [`${site}/news/3-flood-barrier`, `${site}/projects/3`, 'https://coast.nordvale.example/notices/3.html'],
      mentions: [],
      hashtags: [],
      cashtags: [],
      media: [
        {
          key: 'https://coast.nordvale.example/media/release-3.jpg',
          type: 'photo',
          url: 'https://coast.nordvale.example/media/release-3.jpg',
          previewUrl: null,
          altText: 'Photo for release 3',
          width: null,
          height: null,
          durationMs: null,
          variants: [
            { contentType: 'image/jpeg', url: 'https://coast.nordvale.example/media/release-3.jpg', bitRate: null },
          ],
        },
      ],
      mediaKeys: ['https://coast.nordvale.example/media/release-3.jpg'],
      repostOf: null,
      withheld: null,
      poll: null,
      geo: null,
      via: 'data',
      contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('conditional GET', () => {
  it('an unchanged feed costs one request, answered 304, and yields nothing', async () => {
    const { path, account } = serve();
    const first = await source.fetchPage(account, null, undefined);
    const etag = decodeFeedCursor(first.newestCursor)!.etag;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
    const again = await source.fetchPage(account, first.newestCursor, undefined);
    const requests = fake.requestsTo(path);
    expect(requests.map((r) => [r.status, r.ifNoneMatch !== null])).toEqual([
      [200, false],
      [304, true],
    ]);
    expect(requests[1]!.ifNoneMatch).toBe(etag);
    expect(again).toMatchObject({ posts: [], problems: [], errors: [], newestCursor: first.newestCursor });
    expect(again.capture).toMatchObject({ httpStatus: 304, body: '' });
  });

  it.each([
    ['last-modified', { validators: 'last-modified' as const }],
    ['a weak ETag', { weakEtag: true }],
  ])('honours %s', async (_, settings) => {
    const { path, account } = serve(settings);
    const first = await source.fetchPage(account, null, undefined);
    const again = await source.fetchPage(account, first.newestCursor, undefined);
    expect(fake.requestsTo(path).map((r) => r.status)).toEqual([200, 304]);
    expect(again.posts).toEqual([]);
    expect(again.newestCursor).toBe(first.newestCursor);
  });

  it('a server without validators (or ignoring them) still yields nothing when nothing changed', async () => {
    const { path, account } = serve({ validators: 'none' });
    const first = await source.fetchPage(account, null, undefined);
    const again = await source.fetchPage(account, first.newestCursor, undefined);
    expect(fake.requestsTo(path).map((r) => [r.status, r.ifNoneMatch, r.ifModifiedSince])).toEqual([
      [200, null, null],
      [200, null, null],
    ]);
    expect(again).toMatchObject({ posts: [], problems: [], errors: [], newestCursor: first.newestCursor });

    const other = serve();
    const read = await source.fetchPage(other.account, null, undefined);
    fake.injectFault({ kind: 'ignore-conditional', path: other.path });
    const ignored = await source.fetchPage(other.account, read.newestCursor, undefined);
    expect(fake.requestsTo(other.path).map((r) => r.status)).toEqual([200, 200]);
    expect(ignored).toMatchObject({ posts: [], newestCursor: read.newestCursor });
  });

  it('a changed item is a new version of the same post, and the cursor moves', async () => {
    const { path, account } = serve();
    const first = await source.fetchPage(account, null, undefined);
    fake.changeItem(path, 'urn:nordvale:press:2', { title: 'Winter ferry timetable published (corrected)' });
    const changed = await source.fetchPage(account, first.newestCursor, undefined);
    const before = first.posts.find((p) => p.platformId === changed.posts[0]?.platformId)!;
    expect(changed.posts).toHaveLength(1);
    expect(changed.posts[0]!.text).toMatch(/^Winter ferry timetable published \(corrected\)\n\n/);
    expect(changed.posts[0]!.versionId).not.toBe(before.versionId);
    expect(changed.posts[0]!.createdAt).toEqual(before.createdAt);
    expect(source.newerCursor(first.newestCursor, changed.newestCursor)).toBe(changed.newestCursor);
    expect(source.newerCursor(changed.newestCursor, first.newestCursor)).toBe(changed.newestCursor);
    // The same change read again (a server that ignores validators) is no news.
    fake.injectFault({ kind: 'ignore-conditional', path });
    const reread = await source.fetchPage(account, changed.newestCursor, undefined);
    expect([reread.posts, reread.newestCursor]).toEqual([[], changed.newestCursor]);
  });

  it('an item that vanishes is not reported deleted, and its coming back is no news', async () => {
    const { path, account } = serve({ validators: 'none' });
    const first = await source.fetchPage(account, null, undefined);
    const dropped = fake.items(path)[2]!;
    fake.dropItem(path, dropped.id);
    const gone = await source.fetchPage(account, first.newestCursor, undefined);
    expect([gone.posts, gone.problems, gone.errors]).toEqual([[], [], []]);
    expect(source.lookupBatch).toBe(0);
    await expect(source.lookupPosts([first.posts[2]!.platformId])).rejects.toBeInstanceOf(InvalidInput);
    fake.addItem(path, dropped);
    const back = await source.fetchPage(account, gone.newestCursor, undefined);
    expect(back.posts).toEqual([]);
  });
});

describe('bad answers', () => {
  it('a malformed body is a BadPayload that keeps the raw capture', async () => {
    for (const format of ['rss', 'json'] as const) {
      const { url, account } = serve({ format });
      fake.injectFault({ kind: 'malformed' });
      const err = (await failure(source.fetchPage(account, null, undefined))) as BadPayload;
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

  it('429 with Retry-After is a rate limit until then; 503 is an outage to retry', async () => {
    const { account } = serve();
    fake.injectFault({ kind: 'status', status: 429, retryAfter: '120' });
    const limited = (await failure(source.fetchPage(account, null, undefined))) as SourceRateLimited;
    expect(limited).toBeInstanceOf(SourceRateLimited);
    expect(limited.resetAt).toEqual(new Date(NOW.getTime() + 120_000));
    fake.injectFault({ kind: 'status', status: 429, retryAfter: 'Sat, 21 Mar 2026 13:30:00 GMT' });
    const dated = (await failure(source.fetchPage(account, null, undefined))) as SourceRateLimited;
    expect(dated.resetAt).toEqual(new Date('2026-03-21T13:30:00Z'));
    fake.injectFault({ kind: 'status', status: 503, retryAfter: '30' });
    const down = await failure(source.fetchPage(account, null, undefined));
    expect(down).toBeInstanceOf(SourceUnavailable);
    expect(down.message).toBe(`${account.platformUserId} answered HTTP 503 (Retry-After: 30)`);
  });

  it('a feed that is gone reports its account not found', async () => {
    const { account } = serve();
    fake.injectFault({ kind: 'status', status: 410 });
    const page = await source.fetchPage(account, null, undefined);
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
    fake.redirect('/old/press.rss', '/moved/press.rss', 301);
    const page = await source.fetchPage({ platformUserId: `${fake.url}/old/press.rss` }, null, undefined);
    expect(page.capture.requestUrl).toBe(target);
    expect(page.posts[0]!.urls[0]).toBe(`${fake.url}/news/2-ferry-timetable`);
    expect(page.posts[0]!.platformId).toBe(feedPostId(`${fake.url}/old/press.rss`, 'urn:nordvale:press:2'));
  });

  it.each([
    ['a link-local address', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address'],
    ['IPv6 loopback', 'http://[::1]:9/feed', '::1 is not a public address'],
  ])('refuses a redirect to %s', async (_, location, message) => {
    const path = `/redirect/${++nextPath}`;
    fake.redirect(path, location, 302);
    const err = await failure(source.fetchPage({ platformUserId: `${fake.url}${path}` }, null, undefined));
    expect(err).toBeInstanceOf(FetchRefused);
    expect(err.message).toBe(message);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it.each([
    ['text/html', { contentType: 'text/html; charset=iso-8859-1' }],
    ['application/octet-stream', { contentType: 'application/octet-stream' }],
    ['a BOM', { bom: true }],
    ['gzip', { gzip: true }],
  ])('reads a feed served with %s', async (_, settings) => {
    const { account } = serve({ format: 'atom', ...settings, items: pressReleases(2, { author: 'Büro für Küsten' }) });
    const page = await source.fetchPage(account, null, undefined);
    expect(page.posts.map((p) => p.authorName)).toEqual(['Büro für Küsten', 'Büro für Küsten']);
  });

  it('refuses an image where the feed should be, and a feed over the size limit', async () => {
    const { account, url } = serve({ contentType: 'image/png' });
    expect((await failure(source.fetchPage(account, null, undefined))).message).toBe(`${url} is image/png, not a feed`);
    const big = serve({ items: pressReleases(400) });
    const err = await failure(source.fetchPage(big.account, null, undefined));
    expect(err).toBeInstanceOf(FetchRefused);
    expect(err.message).toMatch(/over the 200000-byte limit$/);
  });
});

function slug(n: number): string {
  return ['harbour-dredging', 'ferry-timetable', 'flood-barrier', 'fishing-quotas'][n - 1]!;
}
