// A burst of Bluesky posts while the service that holds Jetstream is killed
// with SIGKILL mid-burst (a second instance standing by on the same
// database): no post is lost (the new holder resumes from the stored cursor
// and catches up by polls) and no alert is duplicated (one `new` event per
// post, one delivery per event, whichever path stored the post first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import { useTestDatabase } from '../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../fake-bsky/fake-bsky-server.js';
import { startFakeJetstream, type FakeJetstream } from '../fake-bsky/fake-jetstream.js';
import { startDeliveryReceiver, type DeliveryReceiver } from '../helpers/delivery-receiver.js';

const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const BURST = 300;
const db = useTestDatabase();
let fake: RunningFakeBsky;
let jet: FakeJetstream;
let receiver: DeliveryReceiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = await startFakeBsky();
  jet = await startFakeJetstream(fake.state);
  receiver = await startDeliveryReceiver();
});
afterAll(async () => {
  await jet?.close();
  await fake?.close();
  await receiver?.close();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    await exit;
  }
});

function startService(instance: string): Promise<ChildProcess> {
  const env = {
    ...process.env,
    DATABASE_URL: db().url,
    BSKY_APPVIEW_URL: fake.url,
    BSKY_JETSTREAM_URL: jet.url,
    BSKY_JETSTREAM_FALLBACK_URL: jet.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    ONRECORD_INSTANCE_ID: instance,
    ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
  };
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d;
      if (/Server listening at/.test(log)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${instance} exited ${code}: ${log.slice(-2000)}`)));
  });
}

const streamRow = () => db().prisma.stream.findUnique({ where: { name: 'bsky' } });

describe('a burst of Bluesky posts', () => {
  it('loses nothing and doubles nothing when the service holding Jetstream is killed with SIGKILL mid-burst', async () => {
    const { actor } = fake.seedAccount({ handle: `burst-${process.pid % 1000}.example.gov`, posts: 5 });
    const { account } = await createAccountsRepository(db().prisma).add(
      { platform: 'bsky', handle: actor.handle, pollIntervalMs: 300_000 },
      new Date(),
    );
    const rule = {
      channel: 'webhook' as const,
      target: receiver.url,
      secret: 'burst-secret',
      accounts: [],
      keywords: [],
    };
    await createAlertsRepository(db().prisma).addRule({ ...rule, regex: null, events: ['new'], digest: 'none' });
    const first = await startService('first');
    await expect
      .poll(async () => streamRow(), { timeout: 60_000, interval: 200 })
      .toMatchObject({ holder: 'first', state: 'connected', coveredAccountIds: [account.id] });
    const catchUps = { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } };
    await expect.poll(() => db().prisma.pollRun.count({ where: catchUps }), { timeout: 30_000 }).toBeGreaterThan(0);
    await startService('second');
    const killed = once(first, 'exit');
    const uris: string[] = [];
    for (let i = 0; i < BURST; i++) {
      uris.push(fake.publish(actor.did, { text: `Burst statement ${i} of ${BURST}.` }).uri);
      if (i === 99) first.kill('SIGKILL');
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await killed)[1]).toBe('SIGKILL');
    await expect
      .poll(() => db().prisma.post.count({ where: { platformId: { in: uris } } }), { timeout: 120_000, interval: 500 })
      .toBe(BURST);
    const events = await db().prisma.event.findMany({ where: { kind: 'new' }, select: { dedupeKey: true } });
    expect(new Set(events.map((e) => e.dedupeKey))).toEqual(new Set(uris.map((uri) => `new:bsky:${uri}`)));
    expect(events).toHaveLength(BURST);
    await expect.poll(() => receiver.received.size, { timeout: 120_000, interval: 500 }).toBe(BURST);
    expect([...receiver.received].filter(([, deliveries]) => deliveries.size !== 1)).toEqual([]);
    expect(await db().prisma.delivery.count()).toBe(BURST);
    await expect
      .poll(async () => streamRow(), { timeout: 30_000 })
      .toMatchObject({ holder: 'second', state: 'connected' });
  }, 300_000);
});
