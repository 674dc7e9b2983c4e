// The feed adapter against the local fake feed server: accounts, first reads
// in every format, whole items, and conditional GET (ETag, Last-Modified,
// weak ETags, no validators, validators ignored), changed and vanished items.
import { describe, expect, it } from 'vitest';
import { BadPayload, InvalidInput } from '../../../src/core/errors.js';
import { decodeFeedCursor } from '../../../src/core/feed-cursor.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';
import { failure, useFeedHarness } from './feed-harness.js';

const harness = useFeedHarness();
const serve: ReturnType<typeof harness>['serve'] = (spec) => harness().serve(spec);

describe('accounts', () => {
  it('resolves a feed URL to its normalized URL and takes its title as display name', async () => {
    const { url, path } = serve({ title: 'Ministry of Coastal Affairs — Press' });
    const lookup = await harness().source.resolveAccount(`  feed:${url}#latest `);
    expect(lookup).toEqual({
      kind: 'found',
      user: { platformUserId: url, handle: url, displayName: 'Ministry of Coastal Affairs — Press' },
      capture: expect.objectContaining({ source: 'feed:account', requestUrl: url, httpStatus: 200 }),
    });
    expect(lookup.capture.body).toContain('<rss version="2.0"');
    expect(harness().fake.requestsTo(path)).toHaveLength(1);
    expect(await harness().source.lookupAccount(url)).toMatchObject({ kind: 'found', user: { platformUserId: url } });
  });

  it('a missing feed is not_found; a URL that is not http(s) is invalid input; a web page is a bad payload', async () => {
    const missing = await harness().source.resolveAccount(`${harness().fake.url}/feeds/none.xml`);
    expect(missing).toMatchObject({ kind: 'not_found', capture: { httpStatus: 404 } });
    expect(missing.kind === 'not_found' && missing.detail).toBe(
      `the feed ${harness().fake.url}/feeds/none.xml answered HTTP 404`,
    );
    expect(await failure(harness().source.resolveAccount('ftp://example.org/feed'))).toBeInstanceOf(InvalidInput);
    const { url } = serve();
    harness().fake.injectFault({ kind: 'html-page' });
    const err = await failure(harness().source.resolveAccount(url));
    expect(err).toBeInstanceOf(BadPayload);
    expect(err.message).toBe(`${url} is an HTML page, not a feed`);
  });
});

describe('reading', () => {
  it.each(['rss', 'rdf', 'atom', 'json'] as const)('the first %s read returns every item', async (format) => {
    const { url, account } = serve({ format, items: pressReleases(4) });
    const page = await harness().source.fetchPage(account, null, undefined);
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
    const [post] = (await harness().source.fetchPage(account, null, undefined)).posts;
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
      permalink: `${site}/news/3-flood-barrier`,
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
    const first = await harness().source.fetchPage(account, null, undefined);
    const etag = decodeFeedCursor(first.newestCursor)!.etag;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
    const again = await harness().source.fetchPage(account, first.newestCursor, undefined);
    const requests = harness().fake.requestsTo(path);
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
    const first = await harness().source.fetchPage(account, null, undefined);
    const again = await harness().source.fetchPage(account, first.newestCursor, undefined);
    expect(
      harness()
        .fake.requestsTo(path)
        .map((r) => r.status),
    ).toEqual([200, 304]);
    expect(again.posts).toEqual([]);
    expect(again.newestCursor).toBe(first.newestCursor);
  });

  it('a server without validators (or ignoring them) still yields nothing when nothing changed', async () => {
    const { path, account } = serve({ validators: 'none' });
    const first = await harness().source.fetchPage(account, null, undefined);
    const again = await harness().source.fetchPage(account, first.newestCursor, undefined);
    expect(
      harness()
        .fake.requestsTo(path)
        .map((r) => [r.status, r.ifNoneMatch, r.ifModifiedSince]),
    ).toEqual([
      [200, null, null],
      [200, null, null],
    ]);
    expect(again).toMatchObject({ posts: [], problems: [], errors: [], newestCursor: first.newestCursor });

    const other = serve();
    const read = await harness().source.fetchPage(other.account, null, undefined);
    harness().fake.injectFault({ kind: 'ignore-conditional', path: other.path });
    const ignored = await harness().source.fetchPage(other.account, read.newestCursor, undefined);
    expect(
      harness()
        .fake.requestsTo(other.path)
        .map((r) => r.status),
    ).toEqual([200, 200]);
    expect(ignored).toMatchObject({ posts: [], newestCursor: read.newestCursor });
  });

  it('a changed item is a new version of the same post, and the cursor moves', async () => {
    const { path, account } = serve();
    const first = await harness().source.fetchPage(account, null, undefined);
    harness().fake.changeItem(path, 'urn:nordvale:press:2', { title: 'Winter ferry timetable published (corrected)' });
    const changed = await harness().source.fetchPage(account, first.newestCursor, undefined);
    const before = first.posts.find((p) => p.platformId === changed.posts[0]?.platformId)!;
    expect(changed.posts).toHaveLength(1);
    expect(changed.posts[0]!.text).toMatch(/^Winter ferry timetable published \(corrected\)\n\n/);
    expect(changed.posts[0]!.versionId).not.toBe(before.versionId);
    expect(changed.posts[0]!.createdAt).toEqual(before.createdAt);
    expect(harness().source.newerCursor(first.newestCursor, changed.newestCursor)).toBe(changed.newestCursor);
    expect(harness().source.newerCursor(changed.newestCursor, first.newestCursor)).toBe(changed.newestCursor);
    // The same change read again (a server that ignores validators) is no news.
    harness().fake.injectFault({ kind: 'ignore-conditional', path });
    const reread = await harness().source.fetchPage(account, changed.newestCursor, undefined);
    expect([reread.posts, reread.newestCursor]).toEqual([[], changed.newestCursor]);
  });

  it('an item that vanishes is not reported deleted, and its coming back is no news', async () => {
    const { path, account } = serve({ validators: 'none' });
    const first = await harness().source.fetchPage(account, null, undefined);
    const dropped = harness().fake.items(path)[2]!;
    harness().fake.dropItem(path, dropped.id);
    const gone = await harness().source.fetchPage(account, first.newestCursor, undefined);
    expect([gone.posts, gone.problems, gone.errors]).toEqual([[], [], []]);
    expect(harness().source.lookupBatch).toBe(0);
    await expect(harness().source.lookupPosts([first.posts[2]!.platformId])).rejects.toBeInstanceOf(InvalidInput);
    harness().fake.addItem(path, dropped);
    const back = await harness().source.fetchPage(account, gone.newestCursor, undefined);
    expect(back.posts).toEqual([]);
  });
});

function slug(n: number): string {
  return ['harbour-dredging', 'ferry-timetable', 'flood-barrier', 'fishing-quotas'][n - 1]!;
}
