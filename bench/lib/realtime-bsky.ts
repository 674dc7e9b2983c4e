// The Bluesky half of `npm run bench -- realtime`: publish-to-alert latency
// through Jetstream, beside polling only at the default interval. The fake
// AppView and the fake Jetstream share one world: a post published there is
// served by both; the fake Jetstream stamps each publication, the webhook
// receiver each alert's arrival (one clock: this machine's).
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import { createStreamsRepository } from '../../src/adapters/db/streams-repository.js';
import { createBskySource } from '../../src/adapters/bsky/bsky-source.js';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import type { Database } from '../../src/adapters/db/database.js';
import { configFromEnv, type Context } from '../../src/context.js';
import { startAlertWorker } from '../../src/jobs/deliver-alerts.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { createSourceGate } from '../../src/jobs/source-gate.js';
import { createSourceRegistry } from '../../src/jobs/source-registry.js';
import { createStreamCoverage } from '../../src/jobs/stream-coverage.js';
import { startBskyStream } from '../../src/service/stream-part.js';
import type { RunningFakeBsky } from '../../tests/fake-bsky/fake-bsky-server.js';
import type { FakeJetstream } from '../../tests/fake-bsky/fake-jetstream.js';
import { freshDatabase, logger, percentiles, seeded, startReceiver, until } from './realtime-rig.js';

export interface BskyBenchShape {
  accounts: number;
  posts: number;
  ratePerS: number;
  pollIntervalMs: number;
  database: string;
}

const NEVER = '0 0 1 1 *';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runs = 0;

/** The scheduler, the Jetstream job (unless BSKY_STREAM=off) and the alert worker, as `onrecord start` runs them. */
async function startService(
  db: Database & { url: string },
  fake: RunningFakeBsky,
  jet: FakeJetstream,
  env: Record<string, string>,
  webhook: string,
  tick?: string,
) {
  const config = configFromEnv({
    DATABASE_URL: db.url,
    BSKY_APPVIEW_URL: fake.url,
    BSKY_JETSTREAM_URL: jet.url,
    BSKY_JETSTREAM_FALLBACK_URL: jet.url,
    ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const clock = { now: () => new Date() };
  const ctx: Context = { config, logger, db, clock };
  const alert = { channel: 'webhook' as const, target: webhook, secret: 'bench-secret', accounts: [], keywords: [] };
  await createAlertsRepository(db.prisma).addRule({ ...alert, regex: null, events: ['new'], digest: 'none' });
  const source = createBskySource({ baseUrl: fake.url, timeoutMs: 15_000, logger });
  const locks = db.accountLocks(config.instanceId);
  const scheduler = startScheduler({
    db: db.prisma,
    sources: createSourceRegistry([{ source, gate: createSourceGate(clock) }]),
    clock,
    logger,
    locks,
    intervals: createStreamCoverage(db.prisma, clock, config.ONRECORD_RECONCILE_INTERVAL),
    tickPattern: tick ?? '* * * * * *',
    pollOnStart: false,
    sweepPerRecheck: 0,
  });
  const stream = startBskyStream(ctx, scheduler);
  const worker = await startAlertWorker(ctx);
  async function stop() {
    await stream?.stop();
    await scheduler.stop();
    await worker.stop();
    await locks.close();
    source.close();
  }
  return { scheduler, stop };
}

async function watchLive(fake: RunningFakeBsky, db: Database, count: number, pollIntervalMs: number) {
  const prefix = `live${++runs}-${process.pid % 1000}`;
  const actors = [];
  for (let i = 0; i < count; i++) {
    const { actor } = fake.seedAccount({ handle: `${prefix}-office${i}.example.gov`, posts: 3 });
    await createAccountsRepository(db.prisma).add(
      { platform: 'bsky', handle: actor.handle, pollIntervalMs },
      new Date(),
    );
    actors.push(actor);
  }
  return actors;
}

/** Publishes `posts` posts at `ratePerS`, each by a seeded random watched account; returns [AT URI, account index]. */
async function publishPaced(
  fake: RunningFakeBsky,
  actors: { did: string }[],
  shape: BskyBenchShape,
  onPublished?: (account: number) => void,
) {
  const random = seeded(42);
  const published: [string, number][] = [];
  for (let i = 0; i < shape.posts; i++) {
    const account = Math.floor(random() * actors.length);
    const post = fake.publish(actors[account]!.did, {
      text: `Notice ${i}: the ferry timetable changes on the ${(i % 28) + 1}th.`,
    });
    published.push([post.uri, account]);
    onPublished?.(account);
    await pause(1000 / shape.ratePerS);
  }
  return published;
}

export async function jetstreamLatency(fake: RunningFakeBsky, jet: FakeJetstream, shape: BskyBenchShape) {
  const db = await freshDatabase(shape.database);
  const receiver = await startReceiver();
  const service = await startService(db, fake, jet, { BSKY_STREAM: 'jetstream' }, receiver.url);
  try {
    const actors = await watchLive(fake, db, shape.accounts, shape.pollIntervalMs);
    await service.scheduler.tick(); // the backfill of every account
    const streams = createStreamsRepository(db.prisma);
    await until(
      async () => {
        const row = (await streams.list()).find((r) => r.name === 'bsky');
        return row?.state === 'connected' && row.coveredAccountIds.length === shape.accounts;
      },
      60_000,
      'Jetstream to carry every account',
    );
    const catchUps = { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } };
    await until(
      async () => (await db.prisma.pollRun.count({ where: catchUps })) >= shape.accounts,
      60_000,
      'the catch-up polls',
    );
    const published = await publishPaced(fake, actors, shape);
    await until(() => published.every(([uri]) => receiver.arrivals.has(uri)), 60_000, 'every alert');
    await pause(1000); // would a second alert arrive late?
    const latencies = published.map(([uri]) => receiver.arrivals.get(uri)! - jet.publishedAt.get(uri)!);
    const firstSeen = await db.prisma.post.groupBy({
      by: ['firstSeenBy'],
      where: { platformId: { in: published.map(([u]) => u) } },
      _count: true,
    });
    return {
      publishToAlertMs: percentiles(latencies),
      posts: published.length,
      newEvents: await db.prisma.event.count({ where: { kind: 'new' } }),
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
 * Polling only at the default interval, simulated as for X: the wait until
 * the account's next poll (random phase per account) plus the measured time
 * from a poll started at the publication to the alert's arrival.
 */
export async function bskyPollingLatency(fake: RunningFakeBsky, jet: FakeJetstream, shape: BskyBenchShape) {
  const db = await freshDatabase(shape.database);
  const receiver = await startReceiver();
  const service = await startService(db, fake, jet, { BSKY_STREAM: 'off' }, receiver.url, NEVER);
  try {
    const actors = await watchLive(fake, db, shape.accounts, shape.pollIntervalMs);
    const accounts = await db.prisma.account.findMany({ orderBy: { id: 'asc' } });
    await service.scheduler.tick();
    const random = seeded(7);
    const phase = accounts.map(() => random() * shape.pollIntervalMs);
    const started = Date.now();
    const published = await publishPaced(fake, actors, shape, (account) =>
      service.scheduler.requestPolls([accounts[account]!.id], 'bench'),
    );
    await until(() => published.every(([uri]) => receiver.arrivals.has(uri)), 120_000, 'every alert');
    const at = (uri: string) => jet.publishedAt.get(uri)!;
    const pipeline = published.map(([uri]) => receiver.arrivals.get(uri)! - at(uri));
    const wait = published.map(([uri, account]) => {
      const sincePhase = at(uri) - started - phase[account]!;
      return ((-sincePhase % shape.pollIntervalMs) + shape.pollIntervalMs) % shape.pollIntervalMs;
    });
    return {
      publishToAlertMs: percentiles(pipeline.map((p, i) => p + wait[i]!)),
      simulatedWaitForNextPollMs: percentiles(wait),
      measuredPollToAlertMs: percentiles(pipeline),
    };
  } finally {
    await service.stop();
    await receiver.close();
    await db.close();
  }
}
