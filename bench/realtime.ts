// Publish-to-alert latency with X's pushed posts and Bluesky's Jetstream,
// beside polling only, and the X reads a day of 50 quiet accounts costs each
// way (BENCH_RT_PLATFORMS=x or bsky runs one half). Everything runs against
// the fake X (in this process), a real PostgreSQL and the service's own parts;
// the fake stamps each publication, a local webhook receiver stamps each
// alert's arrival (both on this machine's clock).
import { createStreamsRepository } from '../src/adapters/db/streams-repository.js';
import { createAccountsRepository } from '../src/adapters/db/accounts-repository.js';
import { startFakeBsky } from '../tests/fake-bsky/fake-bsky-server.js';
import { startFakeJetstream } from '../tests/fake-bsky/fake-jetstream.js';
import { startFakeX, type RunningFakeX } from '../tests/fake-x/fake-x-server.js';
import { bskyPollingLatency, jetstreamLatency } from './lib/realtime-bsky.js';
import { freshDatabase, percentiles, seeded, startBenchService, startReceiver, until } from './lib/realtime-rig.js';

const LIVE_ACCOUNTS = Number(process.env.BENCH_RT_ACCOUNTS ?? 10);
const LIVE_POSTS = Number(process.env.BENCH_RT_POSTS ?? 60);
const LIVE_RATE_PER_S = Number(process.env.BENCH_RT_RATE ?? 4);
const QUIET_ACCOUNTS = Number(process.env.BENCH_RT_QUIET ?? 50);
const QUIET_POSTS_PER_DAY = 2;
const SIM_HOURS = Number(process.env.BENCH_RT_SIM_HOURS ?? 24);
const POLL_INTERVAL_MS = 5 * 60_000;
const DB = 'onrecord_bench_realtime';
const NEVER = '0 0 1 1 *';
const HOUR_MS = 3_600_000;
const PLATFORMS = (process.env.BENCH_RT_PLATFORMS ?? 'x,bsky').split(',');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runs = 0;

async function watchLive(fake: RunningFakeX, db: Awaited<ReturnType<typeof freshDatabase>>, count: number) {
  const prefix = `Live${++runs}`;
  const users = [];
  for (let i = 0; i < count; i++) {
    const { user } = fake.seedAccount({ username: `${prefix}_Office${i}`, posts: 3 });
    await createAccountsRepository(db.prisma).add(
      { platform: 'x', handle: user.username, pollIntervalMs: POLL_INTERVAL_MS },
      new Date(),
    );
    users.push(user);
  }
  return users;
}

/** Publishes LIVE_POSTS posts at LIVE_RATE_PER_S, each by a random watched account; returns [post ID, account index]. */
async function publishPaced(
  fake: RunningFakeX,
  users: { id: string }[],
  onPublished?: (id: string, account: number) => void,
) {
  const random = seeded(42);
  const published: [string, number][] = [];
  for (let i = 0; i < LIVE_POSTS; i++) {
    const account = Math.floor(random() * users.length);
    const post = fake.addPost({
      author: users[account]!.id,
      text: `Notice ${i}: the ferry timetable changes on the ${(i % 28) + 1}th.`,
    });
    published.push([post.id, account]);
    onPublished?.(post.id, account);
    await pause(1000 / LIVE_RATE_PER_S);
  }
  return published;
}

async function streamLatency(fake: RunningFakeX, mode: 'activity' | 'filtered') {
  const db = await freshDatabase(DB);
  const receiver = await startReceiver();
  const service = await startBenchService(db, fake, { X_STREAM: mode }, undefined, { webhook: receiver.url });
  try {
    const users = await watchLive(fake, db, LIVE_ACCOUNTS);
    await service.scheduler.tick(); // the backfill of every account
    const streams = createStreamsRepository(db.prisma);
    await until(
      async () => {
        const row = (await streams.list())[0];
        return row?.state === 'connected' && row.coveredAccountIds.length === LIVE_ACCOUNTS;
      },
      60_000,
      `the ${mode} stream to carry every account`,
    );
    await until(
      async () =>
        (await db.prisma.pollRun.count({
          where: { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } },
        })) >= LIVE_ACCOUNTS,
      60_000,
      'the catch-up polls',
    );
    const published = await publishPaced(fake, users);
    await until(() => published.every(([id]) => receiver.arrivals.has(id)), 60_000, 'every alert');
    await pause(1000); // would a second alert arrive late?
    const latencies = published.map(([id]) => receiver.arrivals.get(id)! - fake.streams.publishedAt.get(id)!);
    const events = await db.prisma.event.count({ where: { kind: 'new' } });
    const firstSeen = await db.prisma.post.groupBy({
      by: ['firstSeenBy'],
      where: { platformId: { in: published.map(([id]) => id) } },
      _count: true,
    });
    return {
      publishToAlertMs: percentiles(latencies),
      posts: published.length,
      newEvents: events,
      webhookRequests: receiver.requests(),
      firstSeenBy: Object.fromEntries(firstSeen.map((g) => [g.firstSeenBy, g._count])),
    };
  } finally {
    await service.stop();
    await receiver.close();
    await db.close();
  }
}

/**
 * Polling only at the default interval: each post waits for its account's
 * next poll on a 5-minute schedule with a random phase per account (simulated:
 * running 5-minute polls for real would take hours), plus the measured time
 * from a poll started right after the publication to the alert's arrival.
 */
async function pollingLatency(fake: RunningFakeX) {
  const db = await freshDatabase(DB);
  const receiver = await startReceiver();
  const service = await startBenchService(db, fake, { X_STREAM: 'off' }, undefined, {
    webhook: receiver.url,
    tick: NEVER,
  });
  try {
    const users = await watchLive(fake, db, LIVE_ACCOUNTS);
    const accounts = await db.prisma.account.findMany({ orderBy: { id: 'asc' } });
    await service.scheduler.tick();
    const random = seeded(7);
    const phase = accounts.map(() => random() * POLL_INTERVAL_MS);
    const started = Date.now();
    const published = await publishPaced(fake, users, (_id, account) =>
      service.scheduler.requestPolls([accounts[account]!.id], 'bench'),
    );
    await until(() => published.every(([id]) => receiver.arrivals.has(id)), 120_000, 'every alert');
    const pipeline = published.map(([id]) => receiver.arrivals.get(id)! - fake.streams.publishedAt.get(id)!);
    const wait = published.map(([id, account]) => {
      const sincePhase = fake.streams.publishedAt.get(id)! - started - phase[account]!;
      return ((-sincePhase % POLL_INTERVAL_MS) + POLL_INTERVAL_MS) % POLL_INTERVAL_MS;
    });
    return {
      publishToAlertMs: percentiles(pipeline.map((p, i) => p + wait[i]!)),
      simulatedWaitForNextPollMs: percentiles(wait),
      measuredPollToAlertMs: percentiles(pipeline),
      method:
        "latency = simulated wait until the account's next poll (5-minute schedule, random phase per account, real publication times) + measured time from a poll started at the publication to the alert's arrival at the webhook",
    };
  } finally {
    await service.stop();
    await receiver.close();
    await db.close();
  }
}

/**
 * One simulated day of QUIET_ACCOUNTS accounts posting twice a day: the
 * scheduler runs on a clock the bench moves a minute at a time; X's side is
 * the fake's meter (resources returned, each billed once per UTC day). In the
 * streamed case the stream's state row says "connected, carrying every
 * account" (as the stream job writes it; the connection itself is measured
 * above), so accounts are polled at the reconciliation interval.
 */
async function quietDay(fake: RunningFakeX, streamed: boolean) {
  const db = await freshDatabase(DB);
  const start = Date.now();
  let t = start;
  const clock = { now: () => new Date(t) };
  // The deletion sweep (ONRECORD_SWEEP_PER_DAY) reads the same old posts either way: off here, counted apart.
  const service = await startBenchService(db, fake, { X_STREAM: 'off', ONRECORD_SWEEP_PER_DAY: '0' }, clock, {
    tick: NEVER,
  });
  try {
    const prefix = `Quiet${++runs}`;
    const random = seeded(11); // the same posting schedule both ways
    const schedule: { at: number; user: string }[] = [];
    for (let i = 0; i < QUIET_ACCOUNTS; i++) {
      const { user } = fake.seedAccount({
        username: `${prefix}_${i}`,
        posts: 20,
        start: new Date(start - 10 * 24 * HOUR_MS),
        everyMs: 12 * HOUR_MS,
      });
      await createAccountsRepository(db.prisma).add(
        { platform: 'x', handle: user.username, pollIntervalMs: POLL_INTERVAL_MS },
        clock.now(),
      );
      for (let k = 0; k < QUIET_POSTS_PER_DAY; k++)
        schedule.push({ at: start + random() * SIM_HOURS * HOUR_MS, user: user.id });
    }
    await service.scheduler.tick(); // backfill, not counted
    const ids = (await db.prisma.account.findMany({ select: { id: true } })).map((a) => a.id);
    const streams = createStreamsRepository(db.prisma);
    fake.billing.reset();
    const before = fake.requests.length;
    const runsBefore = await db.prisma.pollRun.count();
    for (let minute = 1; minute <= SIM_HOURS * 60; minute++) {
      t = start + minute * 60_000;
      for (const post of schedule.filter((p) => p.at <= t && p.at > t - 60_000)) {
        fake.addPost({ author: post.user, at: new Date(post.at), text: 'A quiet notice.' });
      }
      if (streamed)
        await streams.save(
          'x',
          'bench',
          { channel: 'x:activity', state: 'connected', coveredAccountIds: ids },
          clock.now(),
        );
      await service.scheduler.tick();
    }
    const bill = fake.billing.report().reduce(
      (sum, d) => ({
        requests: sum.requests + d.requests,
        postsReturned: sum.postsReturned + d.postsReturned,
        postsBilled: sum.postsBilled + d.postsBilled,
        usersBilled: sum.usersBilled + d.usersBilled,
      }),
      { requests: 0, postsReturned: 0, postsBilled: 0, usersBilled: 0 },
    );
    const scale = 24 / SIM_HOURS;
    return {
      polls: Math.round(((await db.prisma.pollRun.count()) - runsBefore) * scale),
      requests: Math.round((fake.requests.length - before) * scale),
      postsReturned: Math.round(bill.postsReturned * scale),
      postsBilled: Math.round(bill.postsBilled * scale),
      usersBilled: bill.usersBilled,
      postsPublished: schedule.length,
    };
  } finally {
    await service.stop();
    await db.close();
  }
}

async function runX(): Promise<Record<string, unknown>> {
  // The simulated day packs 24 hours of requests into minutes: X's 15-minute windows (10,000 timeline
  // reads) would be met here but never in a real day (about 160 requests a window), so they are lifted.
  const unlimited = { limit: 10_000_000 };
  const fake = await startFakeX({
    tls: false,
    rateLimits: { 'users/:id/tweets': unlimited, tweets: unlimited, 'users/:id': unlimited },
  });
  try {
    const activity = await streamLatency(fake, 'activity');
    const filtered = await streamLatency(fake, 'filtered');
    const polling = await pollingLatency(fake);
    const polled = await quietDay(fake, false);
    const streamedDay = await quietDay(fake, true);
    return {
      latency: { xActivityApi: activity, xFilteredStream: filtered, pollingEvery5m: polling },
      quietAccountsPerDay: {
        accounts: QUIET_ACCOUNTS,
        simulatedHours: SIM_HOURS,
        pollingEvery5m: polled,
        streamedReconcileHourly: streamedDay,
        requestsCut: ratio(polled.requests, streamedDay.requests),
        postsBilledCut: ratio(polled.postsBilled, streamedDay.postsBilled),
        note:
          'X bills each post returned once per UTC day (empty polls return no post); the fake meters what it returned. ' +
          `The deletion sweep is off in both runs; at its default (240 old posts per account per day) it adds ${240 * QUIET_ACCOUNTS} post reads a day to either.`,
      },
    };
  } finally {
    await fake.close();
  }
}

/** Bluesky: Jetstream, then polling only, against one fake AppView and the fake Jetstream it feeds. */
async function runBsky() {
  const fake = await startFakeBsky();
  const jet = await startFakeJetstream(fake.state);
  const shape = {
    accounts: LIVE_ACCOUNTS,
    posts: LIVE_POSTS,
    ratePerS: LIVE_RATE_PER_S,
    pollIntervalMs: POLL_INTERVAL_MS,
    database: DB,
  };
  try {
    return {
      latency: {
        jetstream: await jetstreamLatency(fake, jet, shape),
        pollingEvery5m: await bskyPollingLatency(fake, jet, shape),
      },
    };
  } finally {
    await jet.close();
    await fake.close();
  }
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10) / 10);

export default {
  name: 'realtime',
  description: `publish-to-alert latency of ${LIVE_POSTS} posts at ${LIVE_RATE_PER_S}/s from ${LIVE_ACCOUNTS} accounts (X Activity API, filtered stream, Bluesky Jetstream, polling every 5 min); X reads of a simulated ${SIM_HOURS} h of ${QUIET_ACCOUNTS} quiet accounts`,
  async run(): Promise<Record<string, unknown>> {
    return {
      ...(PLATFORMS.includes('x') ? await runX() : {}),
      ...(PLATFORMS.includes('bsky') ? { bluesky: await runBsky() } : {}),
    };
  },
};
