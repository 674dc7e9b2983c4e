// /metrics for Prometheus. Everything is read from the database at scrape
// time (poll_runs, posts, deliveries, accounts, events), so the numbers are
// those of the whole archive, whichever instance did the work.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Prisma, Tx } from '../../adapters/db/database.js';
import type { AppDeps } from '../app.js';
import { configuredStreams, platformBlocks } from '../../config.js';
import type { PlatformBlock } from '../../core/account-hold.js';
import { STREAM_STATES } from '../../core/stream-state.js';
import { createStreamsRepository } from '../../adapters/db/streams-repository.js';

type Row = { label: string | null; n: bigint | number };

function counterFrom(registry: Registry, name: string, help: string, label: string, query: () => Promise<Row[]>) {
  return new Counter({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await query()) this.inc(label ? { [label]: row.label ?? 'none' } : {}, Number(row.n));
    },
  });
}

function gaugeFrom(registry: Registry, name: string, help: string, label: string, query: () => Promise<Row[]>) {
  return new Gauge({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await query()) this.set(label ? { [label]: row.label ?? 'none' } : {}, Number(row.n));
    },
  });
}

/**
 * Accounts that are not polled now, by platform and reason: missing_credentials
 * (the platform's settings are missing: every account of it), or the code of a
 * wait that has not ended (rate_limited).
 */
function notPolledGauge(r: Registry, db: Tx, blocks: ReadonlyMap<string, PlatformBlock>) {
  return new Gauge({
    name: 'onrecord_accounts_not_polled',
    help: 'Watched accounts that are not polled now, by platform and reason',
    labelNames: ['platform', 'reason'],
    registers: [r],
    async collect() {
      this.reset();
      const rows = await db.$queryRaw<{ platform: string; reason: string | null; n: bigint }[]>`
        SELECT platform, pause_code AS reason, count(*) AS n FROM accounts
        WHERE status <> 'paused' AND (platform = ANY(${[...blocks.keys()]}::text[]) OR paused_until > now())
        GROUP BY 1, 2`;
      for (const row of rows) {
        const reason = blocks.get(row.platform)?.code ?? row.reason ?? 'paused';
        this.inc({ platform: row.platform, reason }, Number(row.n));
      }
    },
  });
}

/** Each pushed stream's state (1 for the state it is in), lag, accounts and reconnects; reads from X today. */
function streamGauges(r: Registry, db: Prisma, configured: Record<string, string | null>) {
  const repo = createStreamsRepository(db);
  const status = () => repo.status(new Date(), configured);
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [r],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  gauge(
    'onrecord_stream_state',
    'Pushed streams by state (1 for the state each is in)',
    ['stream', 'state'],
    async (g) => {
      for (const s of await status())
        for (const state of STREAM_STATES) g.set({ stream: s.name, state }, s.state === state ? 1 : 0);
    },
  );
  gauge(
    'onrecord_stream_lag_seconds',
    'Seconds since the publication of the newest pushed post',
    ['stream'],
    async (g) => {
      for (const s of await status()) if (s.lagMs !== null) g.set({ stream: s.name }, s.lagMs / 1000);
    },
  );
  gauge(
    'onrecord_stream_accounts',
    'Watched accounts a stream carries or cannot carry',
    ['stream', 'coverage'],
    async (g) => {
      for (const s of await status()) {
        g.set({ stream: s.name, coverage: 'streamed' }, s.streamed);
        g.set({ stream: s.name, coverage: 'uncovered' }, s.uncovered.length);
      }
    },
  );
  gauge('onrecord_stream_reconnects', 'Reconnects of each stream since its row was created', ['stream'], async (g) => {
    for (const s of await status()) g.set({ stream: s.name }, s.reconnects);
  });
  gauge(
    'onrecord_reads_today',
    'Resources read from X this UTC day (what X bills), by polls and by streams',
    ['platform', 'path'],
    async (g) => {
      const reads = await repo.readsOn('x', new Date());
      g.set({ platform: 'x', path: 'polls' }, reads.polls);
      g.set({ platform: 'x', path: 'streams' }, reads.streams);
    },
  );
}

export function createMetricsRegistry(
  db: Prisma,
  blocks: ReadonlyMap<string, PlatformBlock> = new Map(),
  streams: Record<string, string | null> = {},
): Registry {
  const r = new Registry();
  notPolledGauge(r, db, blocks);
  streamGauges(r, db, streams);
  counterFrom(
    r,
    'onrecord_polls_total',
    'Polls of accounts by outcome',
    'outcome',
    () => db.$queryRaw<Row[]>`SELECT outcome AS label, count(*) AS n FROM poll_runs GROUP BY outcome`,
  );
  counterFrom(
    r,
    'onrecord_poll_errors_total',
    'Failed or partial polls by error code',
    'code',
    () =>
      db.$queryRaw<
        Row[]
      >`SELECT error_code AS label, count(*) AS n FROM poll_runs WHERE error_code IS NOT NULL GROUP BY 1`,
  );
  counterFrom(
    r,
    'onrecord_rate_limit_waits_total',
    'Polls cut short by a rate limit (waiting for its reset)',
    '',
    () => db.$queryRaw<Row[]>`SELECT NULL AS label, count(*) AS n FROM poll_runs WHERE error_code = 'rate_limited'`,
  );
  counterFrom(
    r,
    'onrecord_source_requests_total',
    'Requests made to sources by polls',
    '',
    () => db.$queryRaw<Row[]>`SELECT NULL AS label, coalesce(sum(requests), 0) AS n FROM poll_runs`,
  );
  gaugeFrom(
    r,
    'onrecord_posts',
    'Archived posts by status',
    'status',
    () => db.$queryRaw<Row[]>`SELECT status AS label, count(*) AS n FROM posts GROUP BY status`,
  );
  counterFrom(
    r,
    'onrecord_post_versions_total',
    'Archived versions of posts (edits included)',
    '',
    () => db.$queryRaw<Row[]>`SELECT NULL AS label, count(*) AS n FROM post_versions`,
  );
  gaugeFrom(
    r,
    'onrecord_alert_deliveries',
    'Alert deliveries by status',
    'status',
    () => db.$queryRaw<Row[]>`SELECT status AS label, count(*) AS n FROM deliveries GROUP BY status`,
  );
  gaugeFrom(
    r,
    'onrecord_events_undispatched',
    'Events not yet matched against alert rules',
    '',
    () => db.$queryRaw<Row[]>`SELECT NULL AS label, count(*) AS n FROM events WHERE dispatched_at IS NULL`,
  );
  gaugeFrom(
    r,
    'onrecord_accounts',
    'Watched accounts by status',
    'status',
    () => db.$queryRaw<Row[]>`SELECT status AS label, count(*) AS n FROM accounts GROUP BY status`,
  );
  gaugeFrom(
    r,
    'onrecord_account_poll_lag_seconds',
    'Seconds since the last successful poll of each account',
    'account',
    () =>
      db.$queryRaw<Row[]>`SELECT platform || ':' || handle AS label,
      extract(epoch FROM now() - last_success_at)::float8 AS n FROM accounts WHERE last_success_at IS NOT NULL`,
  );
  gaugeFrom(
    r,
    'onrecord_account_last_post_age_seconds',
    'Seconds since the newest archived post of each account',
    'account',
    () =>
      db.$queryRaw<
        Row[]
      >`SELECT a.platform || ':' || a.handle AS label, extract(epoch FROM now() - max(p.created_at))::float8 AS n
      FROM accounts a JOIN posts p ON p.account_id = a.id GROUP BY a.id`,
  );
  return r;
}

export function registerMetrics(app: FastifyInstance, deps: AppDeps): void {
  const registry = createMetricsRegistry(deps.db.prisma, platformBlocks(deps.config), configuredStreams(deps.config));
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
}
