// Crashes: a worker killed with SIGKILL after claiming and sending, an
// abandoned lease, and the one window no outbox can close (the receiver
// accepted, the worker died before recording it): the resend carries the same
// X-Onrecord-Delivery id and the same signed bytes, so the receiver dedupes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertsRepository } from '../../../src/adapters/db/alerts-repository.js';
import { createAlertSinks } from '../../../src/adapters/alerts/sinks.js';
import { deliverDueAlerts } from '../../../src/jobs/deliver-alerts.js';
import { dispatchEvents } from '../../../src/jobs/dispatch-events.js';
import { toMessage } from '../../../src/jobs/send-delivery.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { alertContext, manualClock, recordPostEvent, startReceiver, type Receiver } from './harness.js';

const getDb = useTestDatabase();
let hook: Receiver | undefined;
let child: ChildProcess | undefined;
beforeEach(() => truncateAll(getDb()));
afterEach(async () => {
  child?.kill('SIGKILL');
  await hook?.close();
  hook = child = undefined;
});

const webhookRule = (target: string) => ({
  channel: 'webhook' as const,
  target,
  secret: 'crash-s3cret',
  accounts: [],
  keywords: [],
  regex: null,
  events: ['new'],
  digest: 'none',
});

async function rows() {
  const all = await getDb().prisma.delivery.findMany();
  return all.map((d) => ({ status: d.status, attempts: d.attempts, owner: d.leaseOwner }));
}

async function startChild(leaseMs: number): Promise<ChildProcess> {
  const script = new URL('./worker-child.ts', import.meta.url).pathname;
  const c = spawn(process.execPath, ['--import', 'tsx', script, String(leaseMs)], {
    env: { ...process.env, DATABASE_URL: getDb().url, ALERT_TIMEOUT: '1s', ONRECORD_ALLOW_PRIVATE_TARGETS: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  while (!out.includes('ready')) {
    if (c.exitCode !== null) throw new Error('worker child exited');
    await Promise.race([once(c.stdout!, 'data'), once(c, 'exit')]);
  }
  return c;
}

describe('crashes', () => {
  it('delivers exactly once after a worker is killed (SIGKILL) between its claim and the answer', async () => {
    let accepting = false;
    hook = await startReceiver(() => (accepting ? { status: 200 } : 'hang'));
    await createAlertsRepository(getDb().prisma).addRule(webhookRule(hook.url));
    child = await startChild(2000);
    await recordPostEvent(getDb(), { text: 'statement during the crash' });
    await hook.waitFor(1, 15_000); // the child claimed it and sent it; no answer yet
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await rows()).toEqual([{ status: 'sending', attempts: 1, owner: 'child-worker' }]);

    accepting = true;
    const ctx = alertContext(getDb());
    // Still leased by the dead worker: nothing is sent before the lease expires.
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    const deadline = Date.now() + 10_000;
    while ((await rows())[0]!.status !== 'delivered' && Date.now() < deadline) {
      await deliverDueAlerts(ctx);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await rows()).toEqual([{ status: 'delivered', attempts: 2, owner: expect.not.stringMatching('child') }]);
    expect(hook.requests).toHaveLength(2);
    expect(new Set(hook.requests.map((r) => r.headers['x-onrecord-delivery'])).size).toBe(1);
  });

  it('takes over an abandoned lease only once it has expired', async () => {
    hook = await startReceiver();
    const repo = createAlertsRepository(getDb().prisma);
    await repo.addRule(webhookRule(hook.url));
    await recordPostEvent(getDb(), { text: 'a statement' });
    const clock = manualClock();
    await dispatchEvents(getDb().prisma, clock);
    const claimed = await repo.claimDue({
      now: clock.now(),
      owner: 'crashed-worker',
      leaseUntil: new Date(clock.now().getTime() + 60_000),
      limit: 10,
      perRule: 10,
    });
    expect(claimed).toHaveLength(1);
    const ctx = alertContext(getDb(), clock);
    clock.advance(59_000);
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });
    clock.advance(1_000);
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 1, failed: 0, dead: 0 });
    expect(hook.requests).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    // The crashed worker cannot settle what it no longer holds.
    const late = await repo.markFailed({
      id: claimed[0]!.id,
      owner: 'crashed-worker',
      retryAt: clock.now(),
      statusCode: 500,
      error: 'late',
    });
    expect(late).toBe(false);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('resends with the same delivery id and bytes when the worker died after a 2xx', async () => {
    hook = await startReceiver();
    const repo = createAlertsRepository(getDb().prisma);
    await repo.addRule(webhookRule(hook.url));
    const { eventId } = await recordPostEvent(getDb(), { text: 'accepted, then the worker died' });
    const clock = manualClock();
    await dispatchEvents(getDb().prisma, clock);
    // What a worker does up to the receiver's 2xx, and then it dies.
    const [claimed] = await repo.claimDue({
      now: clock.now(),
      owner: 'dying-worker',
      leaseUntil: new Date(clock.now().getTime() + 60_000),
      limit: 1,
      perRule: 1,
    });
    const events = await getDb().prisma.event.findMany({ where: { id: eventId } });
    const sinks = createAlertSinks({ timeoutMs: 2000, from: 'x', allowPrivateTargets: true });
    const alert = { id: claimed!.id, channel: 'webhook' as const, target: hook.url, secret: 'crash-s3cret' };
    expect(await sinks.forChannel('webhook').send({ ...alert, message: toMessage(claimed!, events) })).toMatchObject({
      status: 'accepted',
    });
    await sinks.close();

    clock.advance(60_000);
    expect(await deliverDueAlerts(alertContext(getDb(), clock))).toMatchObject({ delivered: 1 });
    const [first, second] = hook.requests;
    expect(second!.headers['x-onrecord-delivery']).toBe(first!.headers['x-onrecord-delivery']);
    expect(second!.headers['x-onrecord-signature-256']).toBe(first!.headers['x-onrecord-signature-256']);
    expect(second!.raw).toBe(first!.raw);
  });
});
