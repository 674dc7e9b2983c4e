// The poll job with the feed source, against the fake feed server and a real
// PostgreSQL: the first poll archives every item, an unchanged feed is one
// 304 and no writes, a changed item is a new version, a new item is news, a
// vanished item is not a deletion (the re-check looks nothing up), and a
// malformed body is kept raw with a problem.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createFeedSource, type FeedSource } from '../../../src/adapters/feed/feed-source.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { logger, poller, tableCounts } from '../ingest/poll-harness.js';
import { startFakeFeeds, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

const db = useTestDatabase();
let fake: RunningFakeFeeds;
let source: FeedSource;
let n = 0;

beforeAll(async () => {
  fake = await startFakeFeeds();
  source = createFeedSource({ fetch: { allowPrivate: true }, timeoutMs: 3_000, logger });
});
afterAll(async () => {
  source.close();
  await fake.close();
});
beforeEach(async () => {
  await truncateAll(db());
});

async function watchFeed(items = pressReleases(3)) {
  const path = `/poll/${++n}/press.rss`;
  const url = fake.addFeed({ path, format: 'rss', title: 'Ministry of Coastal Affairs', items });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'feed', handle: url, pollIntervalMs: 300_000 },
    new Date(),
  );
  return { path, url, account, p: poller(db(), source) };
}

const postOf = (url: string, id: string) =>
  db().prisma.post.findUniqueOrThrow({
    where: { platform_platformId: { platform: 'feed', platformId: feedPostId(url, id) } },
  });

describe('polling a feed', () => {
  it('archives every item first, then an unchanged feed is one 304 and writes nothing', async () => {
    const { path, url, account, p } = await watchFeed();
    const first = await p.poll(account.id);
    expect(first).toMatchObject({ outcome: 'complete', postsNew: 3, versionsNew: 3, problems: 0 });
    const resolved = await createAccountsRepository(db().prisma).findById(account.id);
    expect([resolved?.platformUserId, resolved?.displayName]).toEqual([url, 'Ministry of Coastal Affairs']);
    expect(fake.requestsTo(path).map((r) => r.status)).toEqual([200, 200]); // resolve, then read
    const counts = await tableCounts(db());
    expect(counts).toMatchObject({ captures: 1, posts: 3, versions: 3, problems: 0, events: 0 });
    // The cursor is the feed's own (validators and versions seen), under the platform's timeline name.
    const cursors = await db().prisma.cursor.findMany({ where: { accountId: account.id }, orderBy: { source: 'asc' } });
    expect(cursors.map((c) => c.source)).toEqual(['feed:recheck', 'feed:timeline', 'feed:user']);
    expect(JSON.parse(cursors[1]!.value)).toMatchObject({ v: 1, n: 1, etag: expect.any(String) });
    // Each post links to its item's own page.
    const release = await postOf(url, 'urn:nordvale:press:1');
    expect([release.permalink, release.urls[0]]).toEqual([
      'https://coast.nordvale.example/news/1-harbour-dredging',
      release.permalink,
    ]);

    const again = await p.poll(account.id);
    expect(again).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 0, versionsNew: 0 });
    expect(fake.requestsTo(path).map((r) => r.status)).toEqual([200, 200, 304]);
    expect(await tableCounts(db())).toEqual(counts);
  });

  it('a changed item is a new version of its post; a new item is a new post with a `new` event', async () => {
    const { path, url, account, p } = await watchFeed();
    await p.poll(account.id);
    fake.changeItem(path, 'urn:nordvale:press:2', { title: 'Winter ferry timetable published (corrected)' });
    const changed = await p.poll(account.id);
    expect(changed).toMatchObject({ outcome: 'complete', postsNew: 0, versionsNew: 1 });
    const post = await postOf(url, 'urn:nordvale:press:2');
    expect(post.versionCount).toBe(2);
    const versions = await db().prisma.postVersion.findMany({ where: { postId: post.id }, orderBy: { id: 'asc' } });
    expect(versions.map((v) => v.text.split('\n')[0])).toEqual([
      'Winter ferry timetable published (2)',
      'Winter ferry timetable published (corrected)',
    ]);
    // The item kept its date: the version seen later is the post's latest all the same.
    expect(post.text.split('\n')[0]).toBe('Winter ferry timetable published (corrected)');
    fake.changeItem(path, 'urn:nordvale:press:2', { title: 'Winter ferry timetable published (final)' });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', versionsNew: 1 });
    const latest = await postOf(url, 'urn:nordvale:press:2');
    expect([latest.versionCount, latest.text.split('\n')[0]]).toEqual([3, 'Winter ferry timetable published (final)']);
    const edited = await db().prisma.event.findMany({ where: { kind: 'edited' }, orderBy: { id: 'asc' } });
    expect(edited).toHaveLength(2);

    fake.addItem(path, pressReleases(4)[0]!);
    const added = await p.poll(account.id);
    expect(added).toMatchObject({ outcome: 'complete', postsNew: 1, versionsNew: 1 });
    const events = await db().prisma.event.findMany({ select: { kind: true } });
    expect(events.filter((e) => e.kind === 'new')).toHaveLength(1);
  });

  it('an item that leaves the feed is not deleted, and the re-check looks nothing up', async () => {
    const { path, url, account, p } = await watchFeed();
    await p.poll(account.id);
    fake.dropItem(path, 'urn:nordvale:press:1');
    const before = fake.requestsTo(path).length;
    const rechecked = await p.poll(account.id, { recheck: true });
    expect(rechecked).toMatchObject({ outcome: 'complete', deleted: 0, postsNew: 0, versionsNew: 0 });
    expect(fake.requestsTo(path).length - before).toBe(1);
    expect((await postOf(url, 'urn:nordvale:press:1')).status).toBe('available');
    expect(await db().prisma.post.count({ where: { status: { not: 'available' } } })).toBe(0);
  });

  it('a malformed body fails the poll as bad_payload, kept raw with its problem', async () => {
    const { account, p } = await watchFeed();
    await p.poll(account.id);
    fake.injectFault({ kind: 'malformed' });
    const broken = await p.poll(account.id);
    expect(broken).toMatchObject({ outcome: 'failed', error: { code: 'bad_payload' } });
    const captures = await db().prisma.capture.findMany({ orderBy: { id: 'asc' } });
    expect(captures).toHaveLength(2);
    expect(captures[1]).toMatchObject({ platform: 'feed', source: 'feed:items', httpStatus: 200 });
    expect(captures[1]!.body).toMatch(/^<\?xml/);
    const problems = await db().prisma.ingestProblem.findMany();
    expect(problems.map((x) => [x.code, x.message])).toEqual([['bad_payload', broken.error!.message]]);
  });
});

describe('a feed that asks to come back later', () => {
  it('503 with Retry-After: one request, the account held until then, then polled again', async () => {
    const { path, account, p } = await watchFeed();
    await p.poll(account.id);
    fake.injectFault({ kind: 'status', status: 503, retryAfter: '600' });
    const before = fake.requestsTo(path).length;
    const held = await p.poll(account.id);
    expect(held).toMatchObject({ outcome: 'failed', requests: 1, error: { code: 'rate_limited' } });
    expect(fake.requestsTo(path).length - before).toBe(1);
    const until = Date.parse(held.resumeAt!);
    expect(until - Date.now()).toBeGreaterThan(500_000);
    const paused = await createAccountsRepository(db().prisma).findById(account.id);
    expect(paused?.pausedUntil?.getTime()).toBe(until);
    expect(p.entry.gate.check(account.id)).toMatchObject({ open: false, reason: 'rate_limited' });
  });
});

describe('a feed that goes away', () => {
  it('marks its account not_found, and active again once the feed is back', async () => {
    const { account, p } = await watchFeed();
    await p.poll(account.id);
    fake.injectFault({ kind: 'status', status: 404 });
    const gone = await p.poll(account.id);
    expect(gone).toMatchObject({ outcome: 'failed', error: { code: 'not_found' } });
    const accounts = createAccountsRepository(db().prisma);
    expect((await accounts.findById(account.id))?.status).toBe('not_found');
    const back = await p.poll(account.id);
    expect(back).toMatchObject({ outcome: 'complete', postsNew: 0 });
    expect((await accounts.findById(account.id))?.status).toBe('active');
  });
});
