// The pieces of `npm run bench -- realtime`: a fresh database, a webhook
// receiver that stamps each alert's arrival, and the service's own parts
// (scheduler, X stream job, alert worker) wired as the service wires them,
// with a clock the bench may move.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { migrate } from '../../src/adapters/db/migrate.js';
import { createXSource } from '../../src/adapters/x/x-source.js';
import { configFromEnv, type Context } from '../../src/context.js';
import type { Clock } from '../../src/core/clock.js';
import type { Handle } from '../../src/core/lifecycle.js';
import { startAlertWorker } from '../../src/jobs/deliver-alerts.js';
import { startScheduler, type SchedulerHandle } from '../../src/jobs/scheduler.js';
import { createSourceGate } from '../../src/jobs/source-gate.js';
import { createSourceRegistry } from '../../src/jobs/source-registry.js';
import { createStreamCoverage } from '../../src/jobs/stream-coverage.js';
import { createLogger } from '../../src/logger.js';
import { startXStream } from '../../src/service/stream-part.js';
import type { RunningFakeX } from '../../tests/fake-x/fake-x-server.js';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const logger = createLogger({ level: (process.env.BENCH_LOG_LEVEL as 'silent') ?? 'silent' });

export async function freshDatabase(name: string): Promise<Database & { url: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 10 });
  await migrate(db);
  return { ...db, url: url.toString() };
}

/** A webhook receiver: the arrival time (ms since the epoch) of each post's `new` alert, by post ID. */
export async function startReceiver() {
  const arrivals = new Map<string, number>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: { post: { id: string } }[] };
      for (const event of body.events) if (!arrivals.has(event.post.id)) arrivals.set(event.post.id, at);
      requests += 1;
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BenchService {
  ctx: Context;
  scheduler: SchedulerHandle;
  stop(): Promise<void>;
}

/**
 * The poller (ticking every second), the X stream (per X_STREAM) and the alert
 * worker on one database, as `onrecord start` runs them.
 */
export async function startBenchService(
  db: Database & { url: string },
  fake: RunningFakeX,
  env: Record<string, string>,
  clock: Clock = { now: () => new Date() },
  options: { tick?: string; webhook?: string } = {},
): Promise<BenchService> {
  const config = configFromEnv({
    DATABASE_URL: db.url,
    X_API_BASE_URL: fake.url,
    X_BEARER_TOKEN: fake.bearerToken,
    ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const ctx: Context = { config, logger, db, clock };
  if (options.webhook) {
    await createAlertsRepository(db.prisma).addRule({
      channel: 'webhook',
      target: options.webhook,
      secret: 'bench-secret',
      accounts: [],
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
  }
  const source = createXSource({ baseUrl: fake.url, bearerToken: fake.bearerToken, timeoutMs: 15_000, logger });
  const locks = db.accountLocks(config.instanceId);
  const scheduler = startScheduler({
    db: db.prisma,
    sources: createSourceRegistry([{ source, gate: createSourceGate(clock) }]),
    clock,
    logger,
    locks,
    intervals: createStreamCoverage(db.prisma, clock, config.ONRECORD_RECONCILE_INTERVAL),
    tickPattern: options.tick ?? '* * * * * *',
    pollOnStart: false,
    sweepPerRecheck: Math.round(config.ONRECORD_SWEEP_PER_DAY / 24),
  });
  const stream = startXStream(ctx, scheduler);
  const worker: Handle | undefined = options.webhook ? await startAlertWorker(ctx) : undefined;
  return {
    ctx,
    scheduler,
    async stop() {
      await stream?.stop();
      await scheduler.stop();
      await worker?.stop();
      await locks.close();
      source.close();
    },
  };
}

export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  const round = (n: number) => Math.round(n);
  return { n: sorted.length, p50: round(at(50)), p95: round(at(95)), max: round(sorted.at(-1) ?? NaN) };
}

/** A small seeded generator (mulberry32): the same schedule on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
