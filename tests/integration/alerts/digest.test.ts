// Digests: matches of a rule with --digest gather into one message per
// period, sent at the period's end; a digest's members are fixed from its
// first attempt on, so every retry sends the same events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertsRepository, type NewAlertRule } from '../../../src/adapters/db/alerts-repository.js';
import { verifySignature } from '../../../src/core/signature.js';
import { deliverDueAlerts } from '../../../src/jobs/deliver-alerts.js';
import { dispatchEvents } from '../../../src/jobs/dispatch-events.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { alertContext, manualClock, recordPostEvent, startReceiver, type Receiver } from './harness.js';

const getDb = useTestDatabase();
let hook: Receiver | undefined;
beforeEach(() => truncateAll(getDb()));
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

const rule = (target: string, r: Partial<NewAlertRule> = {}): NewAlertRule => ({
  channel: 'webhook',
  target,
  secret: 'digest-s3cret',
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new'],
  digest: 'hourly',
  ...r,
});

async function rows() {
  const all = await getDb().prisma.delivery.findMany({ orderBy: [{ digestKey: 'asc' }] });
  return all.map((d) => ({ eventId: d.eventId, digestKey: d.digestKey, status: d.status, attempts: d.attempts }));
}

describe('digests', () => {
  it('gathers an hour of matches into one signed message sent at the end of the hour', async () => {
    hook = await startReceiver();
    const repo = createAlertsRepository(getDb().prisma);
    const digest = await repo.addRule(rule(hook.url, { keywords: ['kyiv'] }));
    const instant = await repo.addRule(rule(hook.url, { digest: 'none', keywords: ['kyiv'] }));
    const clock = manualClock(new Date('2026-03-04T15:10:00Z'));
    const ctx = alertContext(getDb(), clock);
    const a = await recordPostEvent(getDb(), { text: 'Kyiv talks begin' });
    await recordPostEvent(getDb(), { text: 'Unrelated' });
    clock.advance(20 * 60_000);
    const b = await recordPostEvent(getDb(), { text: 'Kyiv talks end' });

    // Only the instant rule's deliveries go out during the hour.
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 3, delivered: 2, failed: 0, dead: 0 });
    expect(hook.requests.map((r) => JSON.parse(r.raw).rule)).toEqual([instant.id, instant.id]);
    expect((await rows()).filter((r) => r.digestKey !== null)).toEqual([
      { eventId: null, digestKey: 'hourly:2026-03-04T15', status: 'pending', attempts: 0 },
      { eventId: a.eventId, digestKey: `hourly:2026-03-04T15#${a.eventId}`, status: 'digested', attempts: 0 },
      { eventId: b.eventId, digestKey: `hourly:2026-03-04T15#${b.eventId}`, status: 'digested', attempts: 0 },
    ]);

    clock.advance(29 * 60_000); // 15:59
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    clock.advance(60_000); // 16:00
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 1, failed: 0, dead: 0 });
    const req = hook.requests[2]!;
    const body = JSON.parse(req.raw);
    expect(verifySignature('digest-s3cret', req.raw, req.headers['x-onrecord-signature-256'] as string)).toBe(true);
    expect(req.headers['x-onrecord-event']).toBe('digest');
    expect({
      ...body,
      events: body.events.map((e: { id: number; post: { text: string } }) => [e.id, e.post.text]),
    }).toEqual({
      delivery: req.headers['x-onrecord-delivery'],
      event: 'digest',
      rule: digest.id,
      test: false,
      digest: { key: 'hourly:2026-03-04T15', start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T16:00:00.000Z' },
      events: [
        [a.eventId, 'Kyiv talks begin'],
        [b.eventId, 'Kyiv talks end'],
      ],
    });
    expect((await rows()).find((r) => r.digestKey === 'hourly:2026-03-04T15')).toMatchObject({ status: 'delivered' });
  });

  it('sends a retried digest with the same members; later matches go to the next period', async () => {
    let failing = true;
    hook = await startReceiver(() => (failing ? { status: 500 } : { status: 200 }));
    await createAlertsRepository(getDb().prisma).addRule(rule(hook.url));
    const clock = manualClock(new Date('2026-03-04T15:59:00Z'));
    const a = await recordPostEvent(getDb(), { text: 'first' });
    await dispatchEvents(getDb().prisma, clock);

    const worker = manualClock(new Date('2026-03-04T16:00:00Z'));
    expect(await deliverDueAlerts(alertContext(getDb(), worker))).toMatchObject({ failed: 1 });
    // A dispatcher whose clock still says 15:59 cannot add to the attempted digest.
    const late = await recordPostEvent(getDb(), { text: 'late' });
    await dispatchEvents(getDb().prisma, clock);
    expect(await rows()).toEqual([
      { eventId: null, digestKey: 'hourly:2026-03-04T15', status: 'pending', attempts: 1 },
      { eventId: a.eventId, digestKey: `hourly:2026-03-04T15#${a.eventId}`, status: 'digested', attempts: 0 },
      { eventId: null, digestKey: 'hourly:2026-03-04T16', status: 'pending', attempts: 0 },
      { eventId: late.eventId, digestKey: `hourly:2026-03-04T16#${late.eventId}`, status: 'digested', attempts: 0 },
    ]);

    failing = false;
    worker.advance(5_000);
    expect(await deliverDueAlerts(alertContext(getDb(), worker))).toMatchObject({ delivered: 1 });
    const [first, retry] = hook.requests;
    expect(retry!.raw).toBe(first!.raw);
    expect(JSON.parse(retry!.raw).events.map((e: { id: number }) => e.id)).toEqual([a.eventId]);
    worker.advance(3_600_000);
    expect(await deliverDueAlerts(alertContext(getDb(), worker))).toMatchObject({ delivered: 1 });
    expect(JSON.parse(hook.requests[2]!.raw).digest.key).toBe('hourly:2026-03-04T16');
  });

  it('uses UTC days for daily digests', async () => {
    hook = await startReceiver();
    await createAlertsRepository(getDb().prisma).addRule(rule(hook.url, { digest: 'daily' }));
    const clock = manualClock(new Date('2026-03-04T23:59:59Z'));
    const a = await recordPostEvent(getDb(), { text: 'end of day' });
    expect(await dispatchEvents(getDb().prisma, clock)).toEqual({ events: 1, deliveries: 0, digested: 1 });
    expect(await rows()).toEqual([
      { eventId: null, digestKey: 'daily:2026-03-04', status: 'pending', attempts: 0 },
      { eventId: a.eventId, digestKey: `daily:2026-03-04#${a.eventId}`, status: 'digested', attempts: 0 },
    ]);
    const due = await getDb().prisma.delivery.findFirstOrThrow({ where: { digestKey: 'daily:2026-03-04' } });
    expect(due.nextAttemptAt.toISOString()).toBe('2026-03-05T00:00:00.000Z');
  });
});
