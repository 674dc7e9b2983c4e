// Dispatch: events of the outbox become one delivery per matching rule,
// idempotently, and history raises nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { createAlertsRepository, type NewAlertRule } from '../../../src/adapters/db/alerts-repository.js';
import { dispatchEvents } from '../../../src/jobs/dispatch-events.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { recordPostEvent } from './harness.js';

const getDb = useTestDatabase();
const clock = { now: () => new Date() };
const rule = (r: Partial<NewAlertRule> = {}): NewAlertRule => ({
  channel: 'webhook',
  target: 'http://127.0.0.1:9/hook',
  secret: 's3cret',
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new'],
  digest: 'none',
  ...r,
});

async function deliveries() {
  const rows = await getDb().prisma.delivery.findMany({ orderBy: [{ ruleId: 'asc' }, { eventId: 'asc' }] });
  return rows.map((d) => ({ ruleId: d.ruleId, eventId: d.eventId, status: d.status, attempts: d.attempts }));
}

describe('dispatchEvents', () => {
  beforeEach(() => truncateAll(getDb()));

  it('creates one delivery per matching rule and marks every event dispatched', async () => {
    const repo = createAlertsRepository(getDb().prisma);
    const all = await repo.addRule(rule());
    const kyiv = await repo.addRule(rule({ keywords: ['kyiv', 'cease fire'] }));
    const usfor = await repo.addRule(rule({ accounts: ['x:usfor_a'], events: ['new', 'edited'] }));
    const regex = await repo.addRule(rule({ regex: String.raw`\bsanctions?\b` }));
    const a = await recordPostEvent(getDb(), { text: 'Travel to KYÏV on Monday' });
    const b = await recordPostEvent(getDb(), { text: 'The ceasefire holds', handle: 'USFOR_A' });
    const c = await recordPostEvent(getDb(), { text: 'New sanctions announced', handle: 'USFOR_A', kind: 'edited' });
    const d = await recordPostEvent(getDb(), { text: 'Cease fire now', kind: 'deleted' });

    expect(await dispatchEvents(getDb().prisma, clock)).toEqual({ events: 4, deliveries: 5, digested: 0 });
    const pending = { status: 'pending', attempts: 0 };
    expect(await deliveries()).toEqual([
      { ruleId: all.id, eventId: a.eventId, ...pending },
      { ruleId: all.id, eventId: b.eventId, ...pending },
      { ruleId: kyiv.id, eventId: a.eventId, ...pending },
      { ruleId: usfor.id, eventId: b.eventId, ...pending },
      { ruleId: usfor.id, eventId: c.eventId, ...pending },
    ]);
    expect(regex.id).toBeGreaterThan(0);
    expect(d.eventId).toBeGreaterThan(0);
    const undispatched = await getDb().prisma.event.count({ where: { dispatchedAt: null } });
    expect(undispatched).toBe(0);
  });

  it('is idempotent: a second dispatch, or a replayed one, adds nothing', async () => {
    const repo = createAlertsRepository(getDb().prisma);
    await repo.addRule(rule());
    await recordPostEvent(getDb(), { text: 'one' });
    await dispatchEvents(getDb().prisma, clock);
    const before = await deliveries();
    expect(await dispatchEvents(getDb().prisma, clock)).toEqual({ events: 0, deliveries: 0, digested: 0 });
    // As if a crash had lost the dispatched mark after the deliveries were written.
    await getDb().prisma.event.updateMany({ data: { dispatchedAt: null } });
    expect(await dispatchEvents(getDb().prisma, clock)).toEqual({ events: 1, deliveries: 0, digested: 0 });
    expect(await deliveries()).toEqual(before);
  });

  it('raises nothing for history: backfilled posts have no events', async () => {
    const repo = createAlertsRepository(getDb().prisma);
    await repo.addRule(rule());
    const account = await getDb().prisma.account.create({
      data: { platform: 'x', handle: 'USFOR_A', platformUserId: '1', backfilledAt: new Date() },
    });
    await getDb().prisma.post.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({
        platform: 'x',
        platformId: String(1000 + i),
        accountId: account.id,
        editIds: [String(1000 + i)],
        text: `old statement ${i}`,
        createdAt: new Date('2025-01-01T00:00:00Z'),
        firstSeenBy: 'backfill',
      })),
    });
    expect(await dispatchEvents(getDb().prisma, clock)).toEqual({ events: 0, deliveries: 0, digested: 0 });
    expect(await deliveries()).toEqual([]);
  });

  it('does not fire a rule on events older than the rule, nor a disabled rule', async () => {
    await recordPostEvent(getDb(), { text: 'before the rule' });
    const repo = createAlertsRepository(getDb().prisma);
    const r = await repo.addRule(rule());
    const off = await repo.addRule(rule());
    await getDb().prisma.alertRule.update({ where: { id: off.id }, data: { enabled: false } });
    const after = await recordPostEvent(getDb(), { text: 'after the rule' });
    await dispatchEvents(getDb().prisma, clock);
    expect(await deliveries()).toEqual([{ ruleId: r.id, eventId: after.eventId, status: 'pending', attempts: 0 }]);
  });

  it('works through events in batches', async () => {
    const repo = createAlertsRepository(getDb().prisma);
    await repo.addRule(rule());
    for (let i = 0; i < 7; i++) await recordPostEvent(getDb(), { text: `post ${i}` });
    expect(await dispatchEvents(getDb().prisma, clock, 3)).toEqual({ events: 7, deliveries: 7, digested: 0 });
  });
});
