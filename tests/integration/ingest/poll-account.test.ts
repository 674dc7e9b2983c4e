// The poll job end to end through the real X adapter against the fake X API
// (HTTPS) and a real PostgreSQL: backfill, incremental polls, pagination,
// rate limits, the usage cap, auth, retries, bad payloads, suspensions,
// renames, edits and deletions.
import { restoreSourceGate, USAGE_CAP_PAUSE_MS } from '../../../src/jobs/source-gate.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { timelineSource } from '../../../src/jobs/poll-timeline.js';
import type { PostSource } from '../../../src/ports/post-source.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { addAccount, BEARER, poller, sourceFor, tableCounts, useFakeX } from './poll-harness.js';

const db = useTestDatabase();
const fake = useFakeX();
const TIMELINE = 'users/:id/tweets' as const;
const LOOKUP = 'tweets' as const;
let n = 0;
/** A handle of its own per test: the fake keeps its users between tests. */
const handle = () => `acct_${process.pid % 1000}_${++n}`;

beforeEach(async () => {
  await truncateAll(db());
  fake().requests.length = 0;
});
afterEach(() => {
  fake().clearFaults();
  fake().setUsageCapped(false);
});

function timelineRequests() {
  return fake().requestsTo(TIMELINE);
}

/** A source that lets a test act between pages (inject a fault before the next one). */
function betweenPages(source: PostSource, after: (page: number) => void): PostSource {
  let pages = 0;
  return {
    ...source,
    platform: source.platform,
    lookupBatch: source.lookupBatch,
    resolveAccount: (h, s) => source.resolveAccount(h, s),
    lookupAccount: (id, s) => source.lookupAccount(id, s),
    lookupPosts: (ids, s) => source.lookupPosts(ids, s),
    newerCursor: (a, b) => source.newerCursor(a, b),
    async fetchPage(account, cursor, token, s) {
      const page = await source.fetchPage(account, cursor, token, s);
      after(++pages);
      return page;
    },
  };
}

describe('pollAccount', () => {
  it('backfills up to the 3,200 reachable posts without `new` events, then an unchanged poll is one request and no writes', async () => {
    const h = handle();
    const { posts } = fake().seedAccount({ username: h, posts: 3250, everyMs: 1000 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    const first = await p.poll(account.id);
    expect(first).toMatchObject({ outcome: 'complete', requests: 33, pages: 32, postsNew: 3200, versionsNew: 3200 });
    expect(first.error).toBeNull();
    const newest = posts.at(-1)!.id;
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(newest);
    const stored = await db().prisma.post.findMany({ select: { platformId: true } });
    expect(new Set(stored.map((s) => s.platformId))).toEqual(new Set(posts.slice(-3200).map((x) => x.id)));
    const after = await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(after.backfilledAt).not.toBeNull();
    expect(after.platformUserId).toBe(fake().state.userByUsername(h)!.id);
    expect(await db().prisma.event.count()).toBe(0);

    const before = await tableCounts(db());
    fake().requests.length = 0;
    const second = await p.poll(account.id);
    expect(second).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 0, versionsNew: 0 });
    expect(fake().requests.map((r) => [r.endpoint, r.query.since_id])).toEqual([[TIMELINE, newest]]);
    expect(await tableCounts(db())).toEqual(before);
    expect(await db().prisma.pollRun.count({ where: { accountId: account.id } })).toBe(2);
  });

  it('polls incrementally with since_id, follows pagination, raises `new` once per post', async () => {
    const h = handle();
    const { user } = fake().seedAccount({ username: h, posts: 3 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    const cursor = await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'));
    const added = Array.from({ length: 150 }, (_, i) =>
      fake().addPost({
        author: user,
        text: `Update ${i}`,
        at: new Date(Date.parse('2026-03-02T00:00:00Z') + i * 1000),
      }),
    );
    fake().requests.length = 0;
    const result = await p.poll(account.id);
    expect(result).toMatchObject({ outcome: 'complete', requests: 2, pages: 2, postsNew: 150 });
    expect(
      timelineRequests().map((r) => [r.query.since_id, r.query.max_results, Boolean(r.query.pagination_token)]),
    ).toEqual([
      [cursor, '100', false],
      [cursor, '100', true],
    ]);
    const events = await db().prisma.event.findMany({ where: { kind: 'new' } });
    expect(events.map((e) => e.dedupeKey).sort()).toEqual(added.map((x) => `new:x:${x.id}`).sort());
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(added.at(-1)!.id);
  });

  it('a rate limit mid-poll is partial: the cursor stays, the account waits, the next poll completes with nothing lost or doubled', async () => {
    const h = handle();
    const { user } = fake().seedAccount({ username: h, posts: 2 });
    const account = await addAccount(db(), h);
    const base = sourceFor(fake());
    const p = poller(db(), base);
    await p.poll(account.id);
    const cursor = await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'));
    const added = Array.from({ length: 250 }, (_, i) =>
      fake().addPost({ author: user, text: `Item ${i}`, at: new Date(Date.parse('2026-03-03T00:00:00Z') + i * 1000) }),
    );
    p.entry.source = betweenPages(base, (page) => {
      if (page === 1) fake().injectFault({ kind: 'rate-limited', endpoint: TIMELINE });
    });
    const partial = await p.poll(account.id);
    expect(partial).toMatchObject({ outcome: 'partial', pages: 1, postsNew: 100, error: { code: 'rate_limited' } });
    expect(partial.resumeAt).not.toBeNull();
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(cursor);
    expect(await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      lastErrorCode: 'rate_limited',
    });

    fake().requests.length = 0;
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'skipped', error: { code: 'rate_limited' } });
    expect(fake().requests).toEqual([]);

    p.entry.source = base;
    p.clock.offsetMs = Date.parse(partial.resumeAt!) - Date.now() + 1000;
    const resumed = await p.poll(account.id);
    expect(resumed).toMatchObject({ outcome: 'complete', postsNew: 150, error: null });
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(added.at(-1)!.id);
    expect(await db().prisma.post.count()).toBe(252);
    const newKeys = (await db().prisma.event.findMany()).map((e) => e.dedupeKey).sort();
    expect(newKeys).toEqual(added.map((x) => `new:x:${x.id}`).sort());
    expect(await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      lastErrorCode: null,
    });
  });

  it('a usage cap stops all X polling and shows on the account', async () => {
    const [h1, h2] = [handle(), handle()];
    fake().seedAccount({ username: h1, posts: 1 });
    fake().seedAccount({ username: h2, posts: 1 });
    const [a1, a2] = [await addAccount(db(), h1), await addAccount(db(), h2)];
    const p = poller(db(), sourceFor(fake()));
    fake().setUsageCapped(true);
    const capped = await p.poll(a1.id);
    expect(capped).toMatchObject({ outcome: 'failed', error: { code: 'usage_capped' } });
    expect(p.entry.gate.usageCap()).not.toBeNull();
    fake().requests.length = 0;
    expect(await p.poll(a2.id)).toMatchObject({ outcome: 'skipped', error: { code: 'usage_capped' } });
    expect(fake().requests).toEqual([]);
    expect(await db().prisma.account.findUniqueOrThrow({ where: { id: a1.id } })).toMatchObject({
      lastErrorCode: 'usage_capped',
    });

    // A new process (a restarted service, another poll --once) remembers the cap for the pause.
    const restarted = await restoreSourceGate(db().prisma, 'x', p.deps.clock);
    expect(restarted.check(a2.id)).toMatchObject({ open: false, reason: 'usage_capped' });
    const later = { now: () => new Date(p.deps.clock.now().getTime() + USAGE_CAP_PAUSE_MS + 1) };
    expect((await restoreSourceGate(db().prisma, 'x', later)).check(a2.id)).toEqual({ open: true });
  });

  it('a bad token fails the poll with an auth error on the account', async () => {
    const h = handle();
    fake().seedAccount({ username: h, posts: 1 });
    const account = await addAccount(db(), h);
    const result = await poller(db(), sourceFor(fake(), 'wrong-token')).poll(account.id);
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'auth' }, requests: 1 });
    const row = await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ lastErrorCode: 'auth', lastSuccessAt: null });
    expect(row.lastError).toContain('401');
    expect(await db().prisma.pollRun.findFirstOrThrow()).toMatchObject({ outcome: 'failed', errorCode: 'auth' });
  });

  it('5xx answers are retried with back-off, then the poll succeeds; endless 5xx fail the run', async () => {
    const h = handle();
    fake().seedAccount({ username: h, posts: 5 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    fake().injectFault({ kind: 'status', status: 503, endpoint: TIMELINE, times: 2 });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', requests: 4, postsNew: 5 });
    fake().injectFault({ kind: 'status', status: 502, endpoint: TIMELINE, times: 'always' });
    const failed = await p.poll(account.id);
    expect(failed).toMatchObject({ outcome: 'failed', requests: 4, error: { code: 'unavailable' } });
    expect(await db().prisma.post.count()).toBe(5);
  });

  it('a malformed post is kept raw and reported while the others are stored', async () => {
    const h = handle();
    const { posts } = fake().seedAccount({ username: h, posts: 4 });
    const account = await addAccount(db(), h);
    fake().injectFault({ kind: 'wrong-type', endpoint: TIMELINE });
    const result = await poller(db(), sourceFor(fake())).poll(account.id);
    expect(result).toMatchObject({ outcome: 'complete', postsNew: 3, problems: 1 });
    const problem = await db().prisma.ingestProblem.findFirstOrThrow({ include: { capture: true } });
    // The fake sends the newest post's id as a JSON number: precision is lost, as it would be.
    const numericId = String(Number(posts.at(-1)!.id));
    expect(problem).toMatchObject({ platformId: numericId, code: 'bad_payload', accountId: account.id });
    expect(problem.capture!.body).toContain(`"id":${numericId}`);
    const stored = await db().prisma.post.findMany({ select: { platformId: true } });
    expect(stored.map((x) => x.platformId).sort()).toEqual(
      posts
        .slice(0, 3)
        .map((x) => x.id)
        .sort(),
    );
  });

  it('a body that is not JSON is kept as a capture with a problem and never crashes the poll', async () => {
    const h = handle();
    fake().seedAccount({ username: h, posts: 2 });
    const account = await addAccount(db(), h);
    fake().injectFault({ kind: 'non-json', endpoint: TIMELINE });
    const result = await poller(db(), sourceFor(fake())).poll(account.id);
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'bad_payload' } });
    const capture = await db().prisma.capture.findFirstOrThrow({ include: { problems: true } });
    expect(capture.body).toContain('Bad gateway');
    expect(capture.problems.map((x) => x.code)).toEqual(['bad_payload']);
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBeNull();
  });

  it('a suspended user becomes the account status; a later complete poll makes it active again', async () => {
    const h = handle();
    const { user } = fake().seedAccount({ username: h, posts: 2 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    fake().setUserStatus(user.id, 'suspended');
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'failed', error: { code: 'suspended' } });
    expect(await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      status: 'suspended',
    });
    fake().setUserStatus(user.id, 'active');
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete' });
    expect(await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      status: 'active',
      statusDetail: null,
    });
  });

  it('follows a rename by user id: seen in a page or by a user refresh, kept in the handle history', async () => {
    const h = handle();
    const { user } = fake().seedAccount({ username: h, posts: 1 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    fake().renameUser(user.id, `${h}_new`);
    fake().addPost({ author: user, text: 'After the rename' });
    await p.poll(account.id);
    const handles = async () =>
      (await db().prisma.accountHandle.findMany({ where: { accountId: account.id } })).map((x) => x.handle).sort();
    expect((await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).handle).toBe(`${h}_new`);
    expect(await handles()).toEqual([h, `${h}_new`].sort());
    fake().renameUser(user.id, `${h}_3`);
    await p.poll(account.id, { refreshUser: true });
    expect((await db().prisma.account.findUniqueOrThrow({ where: { id: account.id } })).handle).toBe(`${h}_3`);
    expect(await handles()).toEqual([h, `${h}_3`, `${h}_new`].sort());
  });

  it('an edit becomes a new version of the same post with an `edited` event', async () => {
    const h = handle();
    const { posts } = fake().seedAccount({ username: h, posts: 2 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    const edited = fake().editPost(posts[0]!.id, { text: 'Statement 1, corrected' });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 0, versionsNew: 1 });
    const post = await db().prisma.post.findFirstOrThrow({
      where: { platformId: posts[0]!.id },
      include: { versions: { orderBy: { createdAt: 'asc' } } },
    });
    expect(post).toMatchObject({ text: 'Statement 1, corrected', editIds: [posts[0]!.id, edited.id], versionCount: 2 });
    expect(post.versions.map((v) => [v.versionId, v.text])).toEqual([
      [posts[0]!.id, posts[0]!.text],
      [edited.id, 'Statement 1, corrected'],
    ]);
    expect((await db().prisma.event.findMany()).map((e) => e.dedupeKey)).toEqual([`edited:x:${edited.id}`]);
  });

  it('a post first seen after it was edited keeps every version, from includes.tweets', async () => {
    const h = handle();
    const { user, posts } = fake().seedAccount({ username: h, posts: 1 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    const fresh = fake().addPost({ author: user, text: 'Statment 2' });
    const edited = fake().editPost(fresh.id, { text: 'Statement 2' });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 1, versionsNew: 2 });
    const post = await db().prisma.post.findFirstOrThrow({
      where: { platformId: fresh.id },
      include: { versions: { orderBy: { createdAt: 'asc' } } },
    });
    expect(post).toMatchObject({ text: 'Statement 2', editIds: [fresh.id, edited.id], versionCount: 2 });
    expect(post.versions.map((v) => [v.versionId, v.text])).toEqual([
      [fresh.id, 'Statment 2'],
      [edited.id, 'Statement 2'],
    ]);
    expect(posts).toHaveLength(1);
    expect((await db().prisma.event.findMany()).map((e) => e.dedupeKey)).toEqual([`new:x:${fresh.id}`]);
  });

  it('a partial error under HTTP 200 naming an archived post becomes its status', async () => {
    const h = handle();
    const { user, posts } = fake().seedAccount({ username: h, posts: 2 });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    fake().addPost({ author: user, text: 'Quoting an old statement', quote: posts[0]! });
    const gone = posts[0]!.id;
    fake().injectFault({
      kind: 'partial-error',
      endpoint: TIMELINE,
      error: {
        value: gone,
        detail: `Could not find tweet with referenced_tweets.id: [${gone}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'referenced_tweets.id',
        resource_id: gone,
        section: 'includes',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      },
    });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 1 });
    expect(await db().prisma.post.findFirstOrThrow({ where: { platformId: gone } })).toMatchObject({
      status: 'deleted',
      statusDetail: `Could not find tweet with referenced_tweets.id: [${gone}].`,
    });
    expect((await db().prisma.event.findMany({ where: { kind: 'deleted' } })).map((e) => e.dedupeKey)).toEqual([
      `deleted:x:${gone}`,
    ]);
  });

  it('a deleted post is noticed by the re-check of recent posts', async () => {
    const h = handle();
    const { posts } = fake().seedAccount({ username: h, posts: 3, start: new Date(Date.now() - 3600_000) });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    fake().deletePost(posts[1]!.id);
    const result = await p.poll(account.id, { recheck: true });
    expect(result).toMatchObject({ outcome: 'complete', deleted: 1, requests: 2 });
    const rows = await db().prisma.post.findMany({ orderBy: { platformId: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['available', 'deleted', 'available']);
    expect((await db().prisma.event.findMany()).map((e) => e.dedupeKey)).toEqual([`deleted:x:${posts[1]!.id}`]);
  });
});

describe('the deletion sweep', () => {
  it('walks older posts a few per re-check, notices an old deletion, and starts over at the end', async () => {
    await truncateAll(db());
    const { posts } = fake().seedAccount({ username: 'Sweep_1', posts: 5, start: new Date('2025-01-01T00:00:00Z') });
    const account = await addAccount(db(), 'Sweep_1');
    const p = poller(db(), sourceFor(fake()));
    p.deps.sweepPerRecheck = 2;
    await p.poll(account.id);
    fake().deletePost(posts[2]!.id);
    const looked = () =>
      fake()
        .requestsTo(LOOKUP)
        .map((r) => r.query.ids);
    fake().requests.length = 0;
    // Posts of a year ago are beyond the 3-day window: only the sweep looks at them, 2 at a time.
    expect(await p.poll(account.id, { recheck: true })).toMatchObject({ outcome: 'complete', deleted: 0 });
    expect(await p.poll(account.id, { recheck: true })).toMatchObject({ outcome: 'complete', deleted: 1 });
    expect(await p.poll(account.id, { recheck: true })).toMatchObject({ outcome: 'complete', deleted: 0 });
    // The walk follows the archive's own order (as stored: the timeline came newest first).
    const order = (await db().prisma.post.findMany({ orderBy: { id: 'asc' } })).map((r) => r.platformId);
    expect(order).toEqual(posts.map((x) => x.id).reverse());
    expect(looked()).toEqual([`${order[0]},${order[1]}`, `${order[2]},${order[3]}`, `${order[4]}`]);
    const statuses = await db().prisma.post.findMany({ orderBy: { id: 'asc' }, select: { status: true } });
    expect(statuses.map((r) => r.status)).toEqual(['available', 'available', 'deleted', 'available', 'available']);
    // The walk reached the end and starts over from the beginning.
    fake().requests.length = 0;
    await p.poll(account.id, { recheck: true });
    expect(looked()).toEqual([`${order[0]},${order[1]}`]);
  });

  it('is off without a budget', async () => {
    await truncateAll(db());
    const { posts } = fake().seedAccount({ username: 'Sweep_2', posts: 3, start: new Date('2025-01-01T00:00:00Z') });
    const account = await addAccount(db(), 'Sweep_2');
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    fake().deletePost(posts[0]!.id);
    expect(await p.poll(account.id, { recheck: true })).toMatchObject({ outcome: 'complete', deleted: 0 });
    expect(await db().prisma.post.count({ where: { status: 'deleted' } })).toBe(0);
  });
});

describe('pollAccount and the rate-limit headers', () => {
  let limited: RunningFakeX;
  beforeAll(async () => {
    limited = await startFakeX({ bearerToken: BEARER, rateLimits: { [TIMELINE]: { limit: 2, windowMs: 60_000 } } });
  });
  afterAll(() => limited.close());

  it('stops before a request that would meet a 429 when x-rate-limit-remaining reaches 0', async () => {
    await truncateAll(db());
    limited.seedAccount({ username: 'Limited_1', posts: 350 });
    const account = await addAccount(db(), 'Limited_1');
    const result = await poller(db(), sourceFor(limited)).poll(account.id);
    expect(result).toMatchObject({ outcome: 'partial', pages: 2, postsNew: 200, error: { code: 'rate_limited' } });
    expect(limited.requestsTo(TIMELINE).map((r) => r.status)).toEqual([200, 200]);
    const resumeAt = Date.parse(result.resumeAt!);
    expect(resumeAt).toBeGreaterThan(Date.now());
    expect(resumeAt).toBeLessThanOrEqual(Date.now() + 61_000);
  });
});
