// The stream job with a real PostgreSQL and the fake X: a pushed post is
// stored through the same path as polls (stored once, one `new` event, even
// when a poll sees it too); a stream dropped mid-burst loses nothing, since
// each reconnect asks for a catch-up poll from the cursor; the Activity API's
// deletions and renames reach the archive; while the stream is connected, the
// accounts it carries are polled at the reconciliation interval only, and
// those whose deletions it pushes skip the timed re-check of recent posts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { addAccount, poller, sourceFor, useFakeX } from '../ingest/poll-harness.js';
import { startRig, streamRow, type Rig } from './stream-harness.js';

const db = useTestDatabase();
const fake = useFakeX();
const rigs: Rig[] = [];
let n = 0;
const handle = () => `Stream_${process.pid % 1000}_${++n}`;

beforeEach(async () => {
  await truncateAll(db());
  fake().streams.rules.rules.clear();
  fake().streams.subscriptions.subscriptions.clear();
  fake().streams.keepAliveMs = 200;
  fake().streams.access = { filtered: true, activity: true };
});
afterEach(async () => {
  fake().clearFaults();
  await Promise.all(rigs.splice(0).map((r) => r.stop()));
  fake().streams.drop();
});

/** A watched account with `posts` old posts, polled once (its backfill). */
async function watched(rig: Rig, posts = 3) {
  const name = handle();
  const { user } = fake().seedAccount({ username: name, posts });
  const account = await addAccount(db(), name);
  await rig.scheduler.tick();
  return { user, account };
}

async function connected() {
  await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
}

/** Waits for `count` finished catch-up polls (so that what follows is seen by the stream first). */
async function caughtUp(count = 1) {
  await expect
    .poll(
      () => db().prisma.pollRun.count({ where: { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } } }),
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(count);
}

const eventsOf = (kind: string) => db().prisma.event.findMany({ where: { kind }, orderBy: { id: 'asc' } });

describe('filtered stream → archive', () => {
  it('stores a pushed post once with one new event, even when a poll reads it too', async () => {
    const rig = startRig(db(), fake());
    rigs.push(rig);
    const { user, account } = await watched(rig);
    await connected();
    await expect.poll(async () => (await streamRow(db()))?.coveredAccountIds).toEqual([account.id]);
    await caughtUp();
    const post = fake().addPost({ author: user, text: 'The bridge reopens at noon.' });
    await expect.poll(async () => (await eventsOf('new')).length, { timeout: 30_000 }).toBe(1);
    const stored = await db().prisma.post.findFirstOrThrow({
      where: { platformId: post.id },
      include: { versions: { include: { capture: true } } },
    });
    expect(stored).toMatchObject({ accountId: account.id, firstSeenBy: 'stream', text: 'The bridge reopens at noon.' });
    expect(stored.versions[0]!.capture).toMatchObject({
      source: 'x:stream',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    // The poll reads the same post: nothing new is stored, no second event.
    rig.scheduler.requestPolls([account.id], 'test');
    await expect
      .poll(() => db().prisma.pollRun.count({ where: { trigger: 'test', finishedAt: { not: null } } }), {
        timeout: 10_000,
      })
      .toBe(1);
    const run = await db().prisma.pollRun.findFirstOrThrow({ where: { trigger: 'test' } });
    expect(run).toMatchObject({ outcome: 'complete', postsNew: 0, postsRead: 1 });
    expect(await db().prisma.post.count({ where: { platformId: post.id } })).toBe(1);
    expect(await db().prisma.postVersion.count({ where: { versionId: post.id } })).toBe(1);
    expect((await eventsOf('new')).map((e) => e.dedupeKey)).toEqual([`new:x:${post.id}`]);
    // Read by the stream and by the poll: two reads that day.
    const reads = await db().prisma.streamRead.findMany();
    expect(reads.map((r) => [r.stream, r.reads])).toEqual([['x:filtered', 1]]);
  });

  it('loses none of 200 posts when the stream drops mid-burst: the reconnect brings a catch-up poll', async () => {
    const rig = startRig(db(), fake());
    rigs.push(rig);
    const { user, account } = await watched(rig, 5);
    await connected();
    await caughtUp();
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) ids.push(fake().addPost({ author: user, text: `Burst notice ${i}.` }).id);
    // Dropped while the stream's items are still being stored.
    await expect
      .poll(() => db().prisma.post.count({ where: { firstSeenBy: 'stream' } }), { interval: 20, timeout: 30_000 })
      .toBeGreaterThan(0);
    fake().streams.drop('filtered');
    for (let i = 80; i < 200; i++) ids.push(fake().addPost({ author: user, text: `Burst notice ${i}.` }).id);
    await expect
      .poll(async () => db().prisma.post.count({ where: { platformId: { in: ids } } }), {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(200);
    // Some arrived on the stream before the drop, the rest through the catch-up poll after the reconnect.
    const bySource = await db().prisma.post.groupBy({
      by: ['firstSeenBy'],
      where: { platformId: { in: ids } },
      _count: true,
    });
    const seen = Object.fromEntries(bySource.map((g) => [g.firstSeenBy, g._count]));
    expect(seen.stream).toBeGreaterThan(0);
    expect(seen.poll).toBeGreaterThan(0);
    const events = await eventsOf('new');
    expect(events).toHaveLength(200);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(200);
    const catchUps = await db().prisma.pollRun.findMany({ where: { trigger: { startsWith: 'catch-up' } } });
    expect(catchUps.length).toBeGreaterThanOrEqual(2); // once carried, and after the reconnect
    expect((await streamRow(db()))!.reconnects).toBeGreaterThanOrEqual(1);
    expect(await db().prisma.post.count({ where: { accountId: account.id } })).toBe(205);
  }, 60_000);

  it('polls a carried account only at the reconciliation interval while connected, at its own once disconnected', async () => {
    const rig = startRig(db(), fake(), { reconcileMs: 3_600_000 });
    rigs.push(rig);
    const { account } = await watched(rig);
    await db().prisma.account.update({ where: { id: account.id }, data: { pollIntervalMs: 1 } });
    await connected();
    await expect.poll(() => db().prisma.pollRun.count({ where: { trigger: { startsWith: 'catch-up' } } })).toBe(1);
    const before = await db().prisma.pollRun.count();
    await rig.scheduler.tick();
    await rig.scheduler.tick();
    expect(await db().prisma.pollRun.count()).toBe(before);

    fake().streams.access.filtered = false; // reconnects are refused: the stream stays down
    fake().streams.drop('filtered');
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).not.toBe('connected');
    await rig.scheduler.tick();
    expect(await db().prisma.pollRun.count()).toBe(before + 1);
  });
});

describe('X Activity API → archive', () => {
  it('stores posts, marks deletions and follows renames and display names', async () => {
    const rig = startRig(db(), fake(), { mode: 'auto' });
    rigs.push(rig);
    const { user, account } = await watched(rig);
    await connected();
    await caughtUp();
    expect((await streamRow(db()))!.channel).toBe('x:activity');
    const post = fake().addPost({ author: user, text: 'Water main repairs on Dock Street tonight.' });
    await expect.poll(async () => (await eventsOf('new')).length, { timeout: 30_000 }).toBe(1);
    fake().deletePost(post.id);
    await expect.poll(async () => (await eventsOf('deleted')).length, { timeout: 30_000 }).toBe(1);
    expect(await db().prisma.post.findFirstOrThrow({ where: { platformId: post.id } })).toMatchObject({
      status: 'deleted',
    });
    fake().renameUser(user.id, `${user.username}_New`.slice(0, 15));
    fake().setDisplayName(user.id, 'Dock Street Works');
    await expect
      .poll(async () => db().prisma.account.findUniqueOrThrow({ where: { id: account.id } }), { timeout: 30_000 })
      .toMatchObject({ handle: `${user.username}_New`.slice(0, 15), displayName: 'Dock Street Works' });
    const captures = await db().prisma.capture.findMany({ where: { source: 'x:activity' } });
    expect(captures).toHaveLength(4);
  });

  it('falls back to the filtered stream when the token is not enrolled for the Activity API', async () => {
    fake().streams.access.activity = false;
    const rig = startRig(db(), fake(), { mode: 'auto' });
    rigs.push(rig);
    await watched(rig);
    await connected();
    expect((await streamRow(db()))!.channel).toBe('x:filtered');
  });

  it('is blocked, with X’s reason, when no channel is allowed: polling goes on', async () => {
    fake().streams.access = { filtered: false, activity: false };
    const rig = startRig(db(), fake(), { mode: 'auto' });
    rigs.push(rig);
    const { account } = await watched(rig);
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('blocked');
    const row = (await streamRow(db()))!;
    expect(row.reason).toContain('x:activity: X answered 403');
    expect(row.reason).toContain('x:filtered: X answered 403');
    expect(row.coveredAccountIds).toEqual([]);
    expect(await db().prisma.pollRun.count({ where: { accountId: account.id } })).toBe(1);
  });
});

describe('re-checks of accounts whose deletions are pushed', () => {
  it('skip the recent posts while the Activity API carries the account, and look at them again otherwise', async () => {
    const name = handle();
    fake().seedAccount({ username: name, posts: 4, start: new Date(Date.now() - 3_600_000), everyMs: 60_000 });
    const account = await addAccount(db(), name);
    const p = poller(db(), sourceFor(fake()));
    await p.poll(account.id);
    const lookups = () => fake().requestsTo('tweets').length;
    const before = lookups();
    p.clock.offsetMs += 2 * 3_600_000;
    expect(await p.poll(account.id, { deletionsPushed: true })).toMatchObject({ outcome: 'complete' });
    expect(lookups()).toBe(before);
    p.clock.offsetMs += 2 * 3_600_000;
    await p.poll(account.id);
    expect(lookups()).toBe(before + 1);
    // A forced re-check (the catch-up after a reconnect) looks at them even when deletions are pushed.
    await p.poll(account.id, { deletionsPushed: true, recheck: true });
    expect(lookups()).toBe(before + 2);
  });
});
