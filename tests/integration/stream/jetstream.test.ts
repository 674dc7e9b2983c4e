// Bluesky's Jetstream beside polling, against the fake AppView and the fake
// Jetstream fed by the same world, and a real PostgreSQL: a post published
// there is archived within seconds with one `new` event; a connection killed
// mid-burst resumes from the stored cursor, losing and repeating nothing; a
// delete is a deletion, a handle change and a deactivation reach the
// account (which is then no longer carried); accounts added later ride the open connection, and the
// fallback instance is tried after failed connects.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createStreamsRepository } from '../../../src/adapters/db/streams-repository.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import { createJetstream } from '../../../src/adapters/bsky/jetstream-stream.js';
import { startScheduler, type SchedulerHandle } from '../../../src/jobs/scheduler.js';
import { createStreamCoverage } from '../../../src/jobs/stream-coverage.js';
import { startStreamJob, type StreamJobHandle } from '../../../src/jobs/stream-posts.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import { startFakeJetstream, type FakeJetstream } from '../../fake-bsky/fake-jetstream.js';
import { logger as quiet, poller } from '../ingest/poll-harness.js';
import { createLogger } from '../../../src/logger.js';
const logger = process.env.DBG ? createLogger({ level: 'debug' }) : quiet;
import { FAST } from './stream-harness.js';

const db = useTestDatabase();
let fake: RunningFakeBsky;
let jet: FakeJetstream;
let source: BskySource;
let n = 0;
const rigs: { stop(): Promise<void> }[] = [];
/** Posts of the burst a dropped connection interrupts. */
const BURST = 90;

beforeAll(async () => {
  fake = await startFakeBsky();
  jet = await startFakeJetstream(fake.state);
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger });
});
afterAll(async () => {
  source.close();
  await jet.close();
  await fake.close();
});
beforeEach(async () => {
  await truncateAll(db());
  jet.connects.length = 0;
});
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.stop()));
  jet.drop();
});

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A watched account with a few posts, polled once (its DID resolved, its history archived). */
async function watched() {
  const handle = `office-${process.pid % 1000}-${++n}.example.gov`;
  const { actor } = fake.seedAccount({ handle, posts: 3, start: '2026-03-01T00:00:00Z' });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'bsky', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  await poller(db(), source).poll(account.id);
  return { actor, account };
}

interface JetRig {
  scheduler: SchedulerHandle;
  job: StreamJobHandle;
  catchUps: number[][];
}

/** The scheduler (ticked only by catch-ups) and the Jetstream job; `isPolling: false` keeps catch-ups from polling. */
function startJetRig(options: { isPolling?: boolean; urls?: string[] } = {}): JetRig {
  const p = poller(db(), source);
  const locks = db().accountLocks('jet-test');
  const intervals = createStreamCoverage(db().prisma, p.clock, 3_600_000);
  const scheduler = startScheduler({ ...p.deps, locks, intervals, tickPattern: '0 0 1 1 *', pollOnStart: false });
  const leases = db().streamLeases('jet-test');
  const catchUps: number[][] = [];
  const channel = createJetstream({ urls: options.urls ?? [jet.url], logger, keepAliveTimeoutMs: 3_000 });
  const job = startStreamJob({
    db: db().prisma,
    clock: p.clock,
    logger,
    name: 'bsky',
    platform: 'bsky',
    channels: [channel],
    leases,
    holder: 'jet-test',
    catchUp: (ids, reason) => {
      catchUps.push(ids);
      if (options.isPolling !== false) scheduler.requestPolls(ids, `catch-up: ${reason}`, { recheck: true });
    },
    timing: FAST,
  });
  rigs.push({
    async stop() {
      await job.stop();
      await scheduler.stop();
      await leases.close();
      await locks.close();
    },
  });
  return { scheduler, job, catchUps };
}

const row = async () => (await createStreamsRepository(db().prisma).list()).find((r) => r.name === 'bsky');
const carrying = (count: number) => async () => {
  const r = await row();
  return r?.state === 'connected' && r.coveredAccountIds.length === count;
};

describe('Bluesky Jetstream beside polling', () => {
  it('archives a post published on the fake within seconds, with one new event and the message kept raw', async () => {
    const { actor, account } = await watched();
    const rig = startJetRig();
    await until(carrying(1), 'the stream to carry the account');
    await until(() => rig.catchUps.length > 0, 'the catch-up asked for');
    await until(
      async () =>
        (await db().prisma.pollRun.count({
          where: { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } },
        })) > 0,
      'the catch-up poll',
    );
    const started = Date.now();
    const post = fake.publish(actor.did, { text: 'Ferry service resumes at noon.' });
    await until(async () => (await db().prisma.post.count({ where: { platformId: post.uri } })) === 1, 'the post');
    expect(Date.now() - started).toBeLessThan(3_000);
    const stored = await db().prisma.post.findFirstOrThrow({ where: { platformId: post.uri } });
    expect(stored).toMatchObject({ accountId: account.id, firstSeenBy: 'stream', platform: 'bsky' });
    await db().prisma.postVersion.findFirstOrThrow({ where: { versionId: `${post.uri}#${post.cid}` } });
    const events = await db().prisma.event.findMany({ where: { kind: 'new', postId: stored.id } });
    expect(events).toHaveLength(1);
    const captures = await db().prisma.capture.findMany({ where: { source: 'bsky:jetstream' } });
    expect(captures.map((c) => JSON.parse(c.body.toString()).commit.rkey)).toContain(post.rkey);
    expect(captures.every((c) => /^[0-9a-f]{64}$/.test(c.sha256))).toBe(true);
    expect((await db().prisma.stream.findUniqueOrThrow({ where: { name: 'bsky' } })).cursor).toBe(
      BigInt(jet.log.events.at(-1)!.timeUs),
    );
    // A poll that reads the same post later stores nothing new and raises nothing.
    await poller(db(), source).poll(account.id);
    expect(await db().prisma.event.count({ where: { kind: 'new', postId: stored.id } })).toBe(1);
  });

  it('a connection killed mid-burst resumes from the stored cursor: nothing lost, nothing twice', async () => {
    const { actor } = await watched();
    startJetRig({ isPolling: false }); // only the stream: the replay alone must close the gap
    await until(carrying(1), 'the stream to carry the account');
    const uris: string[] = [];
    for (let i = 0; i < BURST; i++) {
      uris.push(fake.publish(actor.did, { text: `Notice ${i} of the burst.` }).uri);
      if (i === Math.floor(BURST / 3)) jet.drop();
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const count = () => db().prisma.post.count({ where: { platformId: { in: uris } } });
    await until(async () => (await count()) === BURST, 'every post of the burst', 90_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // would a late duplicate arrive?
    const posts = await db().prisma.post.findMany({ where: { platformId: { in: uris } }, select: { id: true } });
    const events = await db().prisma.event.groupBy({
      by: ['postId'],
      where: { kind: 'new', postId: { in: posts.map((p) => p.id) } },
      _count: true,
    });
    expect(events).toHaveLength(BURST);
    expect(events.every((e) => e._count === 1)).toBe(true);
    const resumed = jet.connects.filter((c) => c.status === 101).at(-1)!;
    expect(jet.connects.filter((c) => c.status === 101).length).toBeGreaterThanOrEqual(2);
    expect(Number(resumed.query.cursor?.[0])).toBeGreaterThan(0);
    expect(Number(resumed.query.cursor?.[0])).toBeLessThanOrEqual(jet.log.events.at(-1)!.timeUs);
  }, 120_000);

  it('a delete becomes a deletion; a handle change and a deactivation reach the account', async () => {
    const { actor, account } = await watched();
    startJetRig();
    await until(carrying(1), 'the stream to carry the account');
    // The connect's catch-up poll re-checks recent posts; it is let finish first, so that what this test
    // watches is the pushed deletion alone (a re-check read before a deletion restores nothing: posts-repository.test).
    await until(
      async () =>
        (await db().prisma.pollRun.count({
          where: { accountId: account.id, trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } },
        })) >= 1,
      'the catch-up poll',
    );
    const post = fake.publish(actor.did, { text: 'A statement soon withdrawn.' });
    await until(async () => (await db().prisma.post.count({ where: { platformId: post.uri } })) === 1, 'the post');
    fake.deleteRecord(post.uri);
    await until(
      async () => (await db().prisma.post.findFirst({ where: { platformId: post.uri } }))?.status === 'deleted',
      'the deletion',
    );
    const stored = await db().prisma.post.findFirstOrThrow({ where: { platformId: post.uri } });
    expect(await db().prisma.event.count({ where: { kind: 'deleted', postId: stored.id } })).toBe(1);
    const renamed = `renamed-${n}.example.gov`;
    fake.changeHandle(actor.did, renamed);
    const accounts = createAccountsRepository(db().prisma);
    await until(async () => (await accounts.findById(account.id))?.handle === renamed, 'the new handle');
    fake.setStatus(actor.did, 'deactivated');
    await until(async () => (await accounts.findById(account.id))?.status === 'not_found', 'the deactivation');
    expect((await accounts.findById(account.id))?.statusDetail).toMatch(/deactivated/);
    // A deactivated account is no longer carried (its reactivation is noticed by its polls, which go on).
    await until(carrying(0), 'the stream to let the deactivated account go');
  });

  it('an account added later rides the open connection (options_update), and the fallback is tried after failures', async () => {
    const first = await watched();
    const rig = startJetRig({ urls: ['ws://127.0.0.1:9', jet.url] });
    await until(carrying(1), 'the stream to carry the account (on the fallback)');
    const opened = jet.connects.length;
    const second = await watched();
    await until(carrying(2), 'the stream to carry the second account');
    await until(() => rig.catchUps.some((ids) => ids.includes(second.account.id)), 'its catch-up');
    const post = fake.publish(second.actor.did, { text: 'A second office speaks.' });
    await until(async () => (await db().prisma.post.count({ where: { platformId: post.uri } })) === 1, 'its post');
    expect(jet.connects.length).toBe(opened);
    expect(first.account.id).not.toBe(second.account.id);
  });
});
