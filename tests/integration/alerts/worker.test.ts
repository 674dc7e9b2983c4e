// The delivery worker against real local receivers: signed webhook bodies,
// retries, timeouts, the give-up horizon, concurrency of two workers, and
// timeliness through LISTEN/NOTIFY.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertsRepository, type NewAlertRule } from '../../../src/adapters/db/alerts-repository.js';
import { openDatabase } from '../../../src/adapters/db/database.js';
import { toPostView } from '../../../src/core/post-view.js';
import { verifySignature } from '../../../src/core/signature.js';
import { deliverDueAlerts, startAlertWorker } from '../../../src/jobs/deliver-alerts.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { alertContext, manualClock, recordPostEvent, startReceiver, type Receiver } from './harness.js';

const getDb = useTestDatabase();
let receivers: Receiver[] = [];
const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
};
const rule = (target: string, r: Partial<NewAlertRule> = {}): NewAlertRule => ({
  channel: 'webhook',
  target,
  secret: 'shared-s3cret',
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new'],
  digest: 'none',
  ...r,
});
const repo = () => createAlertsRepository(getDb().prisma);

async function deliveryRows() {
  const rows = await getDb().prisma.delivery.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map((d) => ({
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    delivered: d.deliveredAt !== null,
    leased: d.leasedUntil !== null,
  }));
}

beforeEach(() => truncateAll(getDb()));
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe('deliverDueAlerts', () => {
  it('sends one signed webhook whose body is exactly the event', async () => {
    const hook = await receiver();
    const r = await repo().addRule(rule(hook.url, { keywords: ['kyiv'] }));
    const { eventId } = await recordPostEvent(getDb(), { text: 'Travel to Kyiv on Monday' });
    await recordPostEvent(getDb(), { text: 'Nothing about that city' });

    const summary = await deliverDueAlerts(alertContext(getDb()));
    expect(summary).toEqual({ dispatched: 2, delivered: 1, failed: 0, dead: 0 });
    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    const delivery = await getDb().prisma.delivery.findFirstOrThrow();
    const event = await getDb().prisma.event.findUniqueOrThrow({ where: { id: eventId } });
    const post = await getDb().prisma.post.findFirstOrThrow({
      where: { text: 'Travel to Kyiv on Monday' },
      include: { account: true },
    });
    expect(JSON.parse(req!.raw)).toEqual({
      delivery: delivery.id,
      event: 'new',
      rule: r.id,
      test: false,
      digest: null,
      events: [{ id: eventId, kind: 'new', at: event.createdAt.toISOString(), post: toPostView(post) }],
    });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-onrecord-event']).toBe('new');
    expect(req!.headers['x-onrecord-delivery']).toBe(delivery.id);
    expect(verifySignature('shared-s3cret', req!.raw, req!.headers['x-onrecord-signature-256'] as string)).toBe(true);
    expect(verifySignature('wrong', req!.raw, req!.headers['x-onrecord-signature-256'] as string)).toBe(false);
    expect(await deliveryRows()).toEqual([
      { status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, delivered: true, leased: false },
    ]);
    // Nothing is sent twice.
    expect(await deliverDueAlerts(alertContext(getDb()))).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    expect(hook.requests).toHaveLength(1);
  });

  it('retries a receiver that fails twice, and delivers once on the third attempt', async () => {
    const hook = await receiver((_req, n) => (n <= 2 ? { status: 503, body: 'busy' } : { status: 204 }));
    await repo().addRule(rule(hook.url));
    await recordPostEvent(getDb(), { text: 'a statement' });
    const clock = manualClock();
    const ctx = alertContext(getDb(), clock);

    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 1, delivered: 0, failed: 1, dead: 0 });
    expect(await deliveryRows()).toEqual([
      {
        status: 'pending',
        attempts: 1,
        lastStatusCode: 503,
        lastError: 'HTTP 503 Service Unavailable',
        delivered: false,
        leased: false,
      },
    ]);
    // Not due again before its back-off (at least 500 ms after the first attempt).
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    clock.advance(1000);
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 1, dead: 0 });
    clock.advance(2000);
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 1, failed: 0, dead: 0 });
    clock.advance(3_600_000);
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });

    expect(hook.requests).toHaveLength(3);
    const ids = new Set(hook.requests.map((r) => r.headers['x-onrecord-delivery']));
    expect(ids.size).toBe(1);
    expect(new Set(hook.requests.map((r) => r.raw)).size).toBe(1);
    expect(await deliveryRows()).toEqual([
      { status: 'delivered', attempts: 3, lastStatusCode: 204, lastError: null, delivered: true, leased: false },
    ]);
  });

  it('marks a delivery dead, visibly, once it has failed for 24 hours', async () => {
    const hook = await receiver(() => ({ status: 500, body: 'down' }));
    const r = await repo().addRule(rule(hook.url));
    await recordPostEvent(getDb(), { text: 'a statement' });
    const clock = manualClock();
    const ctx = alertContext(getDb(), clock);
    await deliverDueAlerts(ctx);
    let attempts = 1;
    for (let hour = 0; hour < 30; hour += 1) {
      clock.advance(3_600_000);
      const s = await deliverDueAlerts(ctx);
      attempts += s.failed + s.dead;
      if (s.dead) break;
    }
    expect(await deliveryRows()).toEqual([
      {
        status: 'dead',
        attempts,
        lastStatusCode: 500,
        lastError: 'HTTP 500 Internal Server Error',
        delivered: false,
        leased: false,
      },
    ]);
    expect(attempts).toBe(25);
    expect((await repo().ruleStats()).get(r.id)).toMatchObject({
      dead: 1,
      delivered: 0,
      pending: 0,
      lastError: 'HTTP 500 Internal Server Error',
    });
    expect(await repo().listDeliveries({ status: 'dead' })).toHaveLength(1);
  });

  it('cuts off a receiver that hangs, without holding up the other deliveries', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    await repo().addRule(rule(slow.url));
    await repo().addRule(rule(fast.url));
    for (let i = 0; i < 5; i++) await recordPostEvent(getDb(), { text: `post ${i}` });
    const started = Date.now();
    const ctx = alertContext(getDb(), undefined, { ALERT_TIMEOUT: '1500ms' });
    const run = deliverDueAlerts(ctx, { concurrency: 4 });
    await fast.waitFor(5);
    // All five reached the fast receiver while the slow one still held its requests.
    expect(Date.now() - started).toBeLessThan(1400);
    expect(await run).toEqual({ dispatched: 5, delivered: 5, failed: 5, dead: 0 });
    expect(slow.requests).toHaveLength(5);
    const failed = await getDb().prisma.delivery.findMany({ where: { status: 'pending' } });
    expect(failed.map((d) => [d.attempts, d.lastError, d.lastStatusCode])).toEqual(
      Array.from({ length: 5 }, () => [1, 'timed out after 1500 ms', null]),
    );
  });

  it('sends a `cited` event with the citing article', async () => {
    const hook = await receiver();
    await repo().addRule(rule(hook.url, { events: ['cited'] }));
    const article = { id: 4, url: 'https://news.example/briefing', title: 'Briefing', kind: 'embed', confidence: 1 };
    await recordPostEvent(getDb(), { text: 'quoted statement', kind: 'new' });
    const { eventId } = await recordPostEvent(getDb(), { text: 'quoted statement', kind: 'cited', article });
    expect(await deliverDueAlerts(alertContext(getDb()))).toMatchObject({ dispatched: 2, delivered: 1 });
    const [req] = hook.requests;
    expect(req!.headers['x-onrecord-event']).toBe('cited');
    const body = JSON.parse(req!.raw) as { events: { id: number; kind: string; article: unknown }[] };
    expect(body.events.map((e) => [e.id, e.kind, e.article])).toEqual([[eventId, 'cited', article]]);
  });

  it('takes a 2xx whose body never ends as accepted, without waiting for the body', async () => {
    const stall = await receiver(() => 'stall');
    await repo().addRule(rule(stall.url));
    await recordPostEvent(getDb(), { text: 'a statement' });
    const started = Date.now();
    const ctx = alertContext(getDb(), undefined, { ALERT_TIMEOUT: '800ms' });
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 1, delivered: 1, failed: 0, dead: 0 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await deliveryRows()).toEqual([
      { status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, delivered: true, leased: false },
    ]);
  });

  it('reports an unreachable receiver as a failure to retry', async () => {
    await repo().addRule(rule('http://127.0.0.1:9/hook'));
    await recordPostEvent(getDb(), { text: 'a statement' });
    expect(await deliverDueAlerts(alertContext(getDb()))).toEqual({ dispatched: 1, delivered: 0, failed: 1, dead: 0 });
    const [row] = await deliveryRows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(row!.lastError).toMatch(/ECONNREFUSED/);
  });
});

describe('startAlertWorker', () => {
  it('delivers within a second of the commit (LISTEN/NOTIFY), and stops cleanly', async () => {
    const hook = await receiver();
    await repo().addRule(rule(hook.url));
    const worker = await startAlertWorker(alertContext(getDb()), { tickMs: 60_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // let LISTEN connect
      await recordPostEvent(getDb(), { text: 'breaking statement' });
      const committed = Date.now(); // the commit is the last step of recordPostEvent
      const [req] = await hook.waitFor(1, 2000);
      expect(req!.at - committed).toBeLessThan(1000);
    } finally {
      await worker.stop();
    }
    await worker.done;
    expect(await deliveryRows()).toEqual([
      { status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, delivered: true, leased: false },
    ]);
  });

  it('two workers on one database never deliver one event twice', async () => {
    const hook = await receiver();
    await repo().addRule(rule(hook.url));
    await repo().addRule(rule(hook.url, { keywords: ['even'] }));
    const second = await openDatabase({ url: getDb().url, dataDir: '' });
    const a = await startAlertWorker(alertContext(getDb()), { tickMs: 50, concurrency: 3 });
    const b = await startAlertWorker(alertContext({ ...second, url: getDb().url }), { tickMs: 50, concurrency: 3 });
    try {
      for (let i = 0; i < 30; i++) await recordPostEvent(getDb(), { text: i % 2 === 0 ? `even ${i}` : `odd ${i}` });
      await hook.waitFor(45, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await second.close();
    }
    expect(hook.requests).toHaveLength(45);
    const pairs = hook.requests.map((r) => {
      const body = JSON.parse(r.raw) as { rule: number; events: { id: number }[] };
      return `${body.rule}:${body.events[0]!.id}`;
    });
    expect(new Set(pairs).size).toBe(45);
    expect(new Set(hook.requests.map((r) => r.headers['x-onrecord-delivery'])).size).toBe(45);
    const statuses = await getDb().prisma.delivery.groupBy({ by: ['status', 'attempts'], _count: true });
    expect(statuses).toEqual([{ status: 'delivered', attempts: 1, _count: 45 }]);
  });
});
