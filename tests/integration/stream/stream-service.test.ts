// The stream as the service runs it: X_STREAM picks the channel (auto: the
// Activity API when the token allows it) or keeps polling only (off); two
// instances on one database hold one stream between them, and the other takes
// over within seconds when the holder's lease dies; health, /metrics and
// `stats --json` show the stream's state, lag, accounts and today's X reads.
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { registerStats } from '../../../src/cli/commands/stats.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { loadConfig } from '../../../src/config.js';
import type { Context } from '../../../src/context.js';
import { systemClock } from '../../../src/core/clock.js';
import type { Handle } from '../../../src/core/lifecycle.js';
import { pollerPart } from '../../../src/service/poller-part.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { addAccount, logger } from '../ingest/poll-harness.js';
import { startRig, streamRow, type Rig } from './stream-harness.js';

const db = useTestDatabase();
let fake: RunningFakeX;
const parts: Handle[] = [];
const rigs: Rig[] = [];
let n = 0;
const handle = () => `Svc_${process.pid % 1000}_${++n}`;

beforeAll(async () => {
  fake = await startFakeX({ tls: false });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await truncateAll(db());
  fake.streams.rules.rules.clear();
  fake.streams.subscriptions.subscriptions.clear();
  fake.streams.keepAliveMs = 200;
  fake.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(parts.splice(0).map((p) => p.stop()));
  await Promise.all(rigs.splice(0).map((r) => r.stop()));
  fake.streams.drop();
});

function env(extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: db().url,
    X_API_BASE_URL: fake.url,
    X_BEARER_TOKEN: fake.bearerToken,
    LOG_LEVEL: 'silent',
    ONRECORD_INSTANCE_ID: 'service-test',
    BSKY_STREAM: 'off',
    ...extra,
  };
}

async function startPoller(extra: Record<string, string>) {
  const ctx: Context = {
    config: loadConfig(env(extra), { instanceId: 'service-test' }),
    logger,
    db: db(),
    clock: systemClock,
  };
  const part = await pollerPart.start(ctx);
  parts.push(part);
  return part;
}

async function watch() {
  const name = handle();
  const { user } = fake.seedAccount({ username: name, posts: 2 });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'x', handle: name, pollIntervalMs: 300_000 },
    new Date(),
  );
  return { user, account };
}

async function stats(extra: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime({ stdout, stderr: new PassThrough(), isTty: false }, env(extra));
  const program = new Command('onrecord').exitOverride();
  registerStats(program, rt);
  await program.parseAsync(['stats', '--json'], { from: 'user' });
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

describe('X_STREAM in the service', () => {
  it('auto: streams through the Activity API, and health, /metrics and stats show it', async () => {
    const { user, account } = await watch();
    await startPoller({ X_STREAM: 'auto' });
    await expect
      .poll(async () => (await streamRow(db()))?.coveredAccountIds, { timeout: 20_000 })
      .toEqual([account.id]);
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
    await expect
      .poll(
        () => db().prisma.pollRun.count({ where: { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } } }),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    const post = fake.addPost({ author: user, text: 'Council meets Thursday at 6 pm.' });
    await expect.poll(() => db().prisma.event.count({ where: { kind: 'new' } }), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await streamRow(db()))?.newestPostAt, { timeout: 30_000 }).not.toBeNull();

    const app = await buildTestApp(db(), env({ X_STREAM: 'auto' }), { clock: systemClock });
    try {
      const health = (await app.inject({ method: 'GET', url: '/healthz' })).json();
      expect(health.streams).toContainEqual(expect.objectContaining({ name: 'bsky', state: 'off' }));
      const xStreams = health.streams.filter((s: { name: string }) => s.name === 'x');
      expect(xStreams).toEqual([
        expect.objectContaining({
          name: 'x',
          channel: 'x:activity',
          state: 'connected',
          holder: 'service-test',
          streamed: 1,
          uncovered: [],
        }),
      ]);
      expect(xStreams[0].lagMs).toBeGreaterThanOrEqual(0);
      expect(xStreams[0].newestPostAt).toBe(new Date(Number((BigInt(post.id) >> 22n) + 1288834974657n)).toISOString());
      expect(health.billedReads.x).toMatchObject({ day: new Date().toISOString().slice(0, 10), streams: 1 });
      expect(health.billedReads.x.polls).toBeGreaterThanOrEqual(2);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('onrecord_stream_state{stream="x",state="connected"} 1');
      expect(metrics).toContain('onrecord_stream_state{stream="x",state="reconnecting"} 0');
      expect(metrics).toContain('onrecord_stream_accounts{stream="x",coverage="streamed"} 1');
      expect(metrics).toMatch(/onrecord_stream_lag_seconds\{stream="x"\} [0-9.]+/);
      expect(metrics).toContain('onrecord_reads_today{platform="x",path="streams"} 1');
    } finally {
      await app.close();
    }
    const json = await stats({ X_STREAM: 'auto' });
    expect(json.streams.find((s: { name: string }) => s.name === 'x')).toMatchObject({
      name: 'x',
      state: 'connected',
      channel: 'x:activity',
      streamed: 1,
    });
    expect(json.billedReads.x.streams).toBe(1);
  }, 60_000);

  it('off: polls only, touches no stream endpoint, and says so', async () => {
    await watch();
    await startPoller({ X_STREAM: 'off' });
    await expect
      .poll(() => db().prisma.pollRun.count({ where: { finishedAt: { not: null } } }), { timeout: 20_000 })
      .toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a stream would have started by now
    const streamEndpoints = fake.requests.filter((r) => r.path.includes('stream') || r.path.includes('activity'));
    expect(streamEndpoints).toEqual([]);
    expect(await streamRow(db())).toBeUndefined();
    const json = await stats({ X_STREAM: 'off' });
    expect(json.streams).toEqual([
      expect.objectContaining({ name: 'x', state: 'off', reason: 'X_STREAM=off: polling only', streamed: 0 }),
      expect.objectContaining({ name: 'bsky', state: 'off', reason: 'BSKY_STREAM=off: polling only', streamed: 0 }),
    ]);
  });
});

describe('two instances, one stream', () => {
  it('exactly one holds the stream; when its lease dies the other takes over within seconds, and no event is raised twice', async () => {
    const a = startRig(db(), fake, { holder: 'instance-a' });
    rigs.push(a);
    const { user, account } = await (async () => {
      const name = handle();
      const seeded = fake.seedAccount({ username: name, posts: 2 });
      const added = await addAccount(db(), name);
      await a.scheduler.tick();
      return { user: seeded.user, account: added };
    })();
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
    const b = startRig(db(), fake, { holder: 'instance-b' });
    rigs.push(b);
    await expect
      .poll(() => b.job.role(), { timeout: 30_000 })
      .toEqual({ role: 'standby', holder: expect.stringContaining('instance-a') });
    expect(a.job.role()).toEqual({ role: 'holder', channel: 'x:filtered' });
    expect(fake.streams.openCount()).toBe(1);
    await expect
      .poll(async () => (await streamRow(db()))?.coveredAccountIds, { timeout: 30_000 })
      .toEqual([account.id]);

    const first = fake.addPost({ author: user, text: 'Road works on Mill Lane start Monday.' });
    await expect.poll(() => db().prisma.event.count({ where: { kind: 'new' } }), { timeout: 30_000 }).toBe(1);

    // Instance A's database session ends (as when its connection to the database breaks): its lease goes with
    // it, A notices at its next beat and closes its connection; whoever takes the lease next streams alone.
    await a.leases.close();
    await expect
      .poll(() => [a.job.role().role, b.job.role().role].sort(), { timeout: 30_000 })
      .toEqual(['holder', 'standby']);
    await expect.poll(() => fake.streams.openCount(), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
    const second = fake.addPost({ author: user, text: 'Mill Lane works postponed a week.' });
    await expect.poll(() => db().prisma.event.count({ where: { kind: 'new' } }), { timeout: 30_000 }).toBe(2);

    // The holder stops: the other instance takes over within seconds.
    const [holder, other] = a.job.role().role === 'holder' ? [a, b] : [b, a];
    const stoppedAt = Date.now();
    await holder.job.stop();
    await expect.poll(() => other.job.role(), { timeout: 30_000 }).toEqual({ role: 'holder', channel: 'x:filtered' });
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await expect.poll(() => fake.streams.openCount(), { timeout: 30_000 }).toBe(1);
    const third = fake.addPost({ author: user, text: 'Mill Lane works resume.' });
    await expect.poll(() => db().prisma.event.count({ where: { kind: 'new' } }), { timeout: 30_000 }).toBe(3);
    const events = await db().prisma.event.findMany({ where: { kind: 'new' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.dedupeKey)).toEqual([first, second, third].map((p) => `new:x:${p.id}`));
  }, 60_000);
});
