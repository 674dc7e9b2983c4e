// Alerts through the outbox: events committed with recordEvents (each with its
// post, in one transaction, as ingest does) → dispatch → signed webhook
// delivery to a local HTTP receiver, by the service's worker (LISTEN/NOTIFY).
// Measures the worker's capacity (a backlog drained, events per second), events
// per second end to end under a burst of commits, and the latency from commit
// to receipt (p50, p95) under the burst and at a steady pace.
// Baseline in the same run: the same number of plain signed HTTP POSTs to the
// same receiver, without the outbox.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { request } from 'undici';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { createAlertsRepository } from '../src/adapters/db/alerts-repository.js';
import { createEventsRepository, eventKeys } from '../src/adapters/db/events-repository.js';
import { migrate } from '../src/adapters/db/migrate.js';
import { toPostView } from '../src/core/post-view.js';
import { signBody } from '../src/core/signature.js';
import { configFromEnv } from '../src/context.js';
import { startAlertWorker } from '../src/jobs/deliver-alerts.js';
import { createLogger } from '../src/logger.js';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const BURST = Number(process.env.BENCH_ALERT_EVENTS ?? 2000);
const PACED = Number(process.env.BENCH_ALERT_PACED ?? 200);
const PACE_PER_S = Number(process.env.BENCH_ALERT_RATE ?? 20);
const BACKLOG = Number(process.env.BENCH_ALERT_BACKLOG ?? 1000);
const PRODUCERS = 4;
const DB_NAME = 'onrecord_bench_alerts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function latencyStats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1) ?? NaN) };
}

async function freshDatabase(): Promise<Database & { url: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 10 });
  await migrate(db);
  return { ...db, url: url.toString() };
}

/** A receiver that notes when each post's alert arrived (keyed by post id). */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  const counter = { requests: 0 };
  let waiting: { n: number; resolve: () => void } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { post: { id: string } }[] };
      arrivals.set(body.events[0]!.post.id, performance.now());
      counter.requests += 1;
      res.writeHead(204).end();
      if (waiting && arrivals.size >= waiting.n) waiting.resolve();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    counter,
    until: (n: number) =>
      new Promise<void>((resolve) => {
        if (arrivals.size >= n) return resolve();
        waiting = { n, resolve };
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let seq = 0;

/** Commits one post and its `new` event; returns the post id and the commit time. */
async function commitPost(db: Database, accountId: number): Promise<[string, number]> {
  const id = String(1900000000000000000n + BigInt(++seq));
  await db.prisma.$transaction(async (tx) => {
    const post = await tx.post.create({
      data: {
        platform: 'x',
        platformId: id,
        accountId,
        editIds: [id],
        text: `Statement number ${seq} on the record.`,
        createdAt: new Date(),
      },
      include: { account: true },
    });
    await createEventsRepository(db.prisma).record(
      [{ kind: 'new', dedupeKey: eventKeys.new('x', id), postId: post.id, payload: { post: toPostView(post) } }],
      tx,
    );
  });
  return [id, performance.now()];
}

async function burst(db: Database, accountId: number, n: number, commits: Map<string, number>) {
  let left = n;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (left-- > 0) {
        const [id, at] = await commitPost(db, accountId);
        commits.set(id, at);
      }
    }),
  );
}

async function baseline(url: string, n: number, body: string) {
  const latencies: number[] = [];
  let left = n;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        const res = await request(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-onrecord-signature-256': signBody('bench-secret', body) },
        });
        await res.body.dump();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { posts: n, perSecond: Math.round(n / seconds), latencyMs: latencyStats(latencies) };
}

export default {
  name: 'alerts',
  description: `${BACKLOG} queued events drained, ${BURST} committed in a burst, ${PACED} at ${PACE_PER_S}/s, through the outbox to a local webhook; baseline: plain POSTs`,
  async run(): Promise<Record<string, unknown>> {
    const db = await freshDatabase();
    const receiver = await startReceiver();
    const account = await db.prisma.account.create({
      data: { platform: 'x', handle: 'BenchDept', platformUserId: '42' },
    });
    await createAlertsRepository(db.prisma).addRule({
      channel: 'webhook',
      target: receiver.url,
      secret: 'bench-secret',
      accounts: [],
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
    const ctx = {
      config: configFromEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }),
      logger: createLogger({ level: 'silent' }),
      db,
      clock: { now: () => new Date() },
    };
    // Backlog: events committed while no worker runs, then drained; this is
    // the worker's own capacity, not bounded by how fast events are committed.
    await burst(db, account.id, BACKLOG, new Map());
    const drainStarted = performance.now();
    const worker = await startAlertWorker(ctx);
    try {
      await receiver.until(BACKLOG);
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 300)); // LISTEN connected long since
      const commits = new Map<string, number>();
      const started = performance.now();
      await burst(db, account.id, BURST, commits);
      const committedMs = performance.now() - started;
      await receiver.until(BACKLOG + BURST);
      const burstSeconds = (Math.max(...receiver.arrivals.values()) - started) / 1000;
      const burstLatency = [...commits].map(([id, at]) => receiver.arrivals.get(id)! - at);

      const paced = new Map<string, number>();
      for (let i = 0; i < PACED; i++) {
        const [id, at] = await commitPost(db, account.id);
        paced.set(id, at);
        await new Promise((resolve) => setTimeout(resolve, 1000 / PACE_PER_S));
      }
      await receiver.until(BACKLOG + BURST + PACED);
      const pacedLatency = [...paced].map(([id, at]) => receiver.arrivals.get(id)! - at);
      await new Promise((resolve) => setTimeout(resolve, 500)); // would a duplicate arrive late?
      const duplicates = receiver.counter.requests - (BACKLOG + BURST + PACED);

      const sample = JSON.stringify({ delivery: 'x', events: [{ post: { id: 'baseline' }, text: 'x'.repeat(600) }] });
      const plain = await baseline(receiver.url, BURST, sample);
      const delivered = await db.prisma.delivery.groupBy({ by: ['status'], _count: true });
      return {
        backlogDrain: { events: BACKLOG, eventsPerSecond: Math.round(BACKLOG / drainSeconds) },
        outbox: {
          events: BURST,
          eventsPerSecond: Math.round(BURST / burstSeconds),
          commitsPerSecond: Math.round(BURST / (committedMs / 1000)),
          commitToReceiptMs: latencyStats(burstLatency),
        },
        paced: { events: PACED, ratePerSecond: PACE_PER_S, commitToReceiptMs: latencyStats(pacedLatency) },
        baselinePlainPosts: plain,
        deliveries: Object.fromEntries(delivered.map((d) => [d.status, d._count])),
        duplicates,
      };
    } finally {
      await worker.stop();
      await receiver.close();
      await db.close();
    }
  },
};
