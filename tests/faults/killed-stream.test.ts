// A burst of 1,000 posts while X's stream is killed mid-burst, and while the
// service that holds the stream is killed with SIGKILL mid-burst (a second
// instance standing by on the same database): no post is lost (the catch-up
// polls of the reconnect, or of the instance that takes the lease over, read
// from the cursor) and no alert is duplicated (one `new` event per post, one
// delivery per event, whichever path stored the post first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import { truncateAll, useTestDatabase } from '../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../fake-x/fake-x-server.js';
import { startDeliveryReceiver, type DeliveryReceiver } from '../helpers/delivery-receiver.js';

const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const BURST = 1000;
const db = useTestDatabase();
let fake: RunningFakeX;
let receiver: DeliveryReceiver;
const children: ChildProcess[] = [];
let n = 0;

beforeAll(async () => {
  fake = await startFakeX();
  fake.streams.keepAliveMs = 1000;
  receiver = await startDeliveryReceiver();
});
afterAll(async () => {
  await fake?.close();
  await receiver?.close();
});
beforeEach(async () => {
  await truncateAll(db());
  receiver.received.clear();
  fake.streams.rules.rules.clear();
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
    X_API_BASE_URL: fake.url,
    X_BEARER_TOKEN: fake.bearerToken,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    X_STREAM: 'filtered',
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

async function watch() {
  const name = `Burst_${process.pid % 1000}_${++n}`;
  const { user } = fake.seedAccount({ username: name, posts: 5 });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'x', handle: name, pollIntervalMs: 300_000 },
    new Date(),
  );
  await createAlertsRepository(db().prisma).addRule({
    channel: 'webhook',
    target: receiver.url,
    secret: 'burst-secret',
    accounts: [],
    keywords: [],
    regex: null,
    events: ['new'],
    digest: 'none',
  });
  return { user, account };
}

const streamRow = () => db().prisma.stream.findUnique({ where: { name: 'x' } });

async function carried(accountId: number, holder: string) {
  await expect
    .poll(async () => streamRow(), { timeout: 60_000, interval: 200 })
    .toMatchObject({ holder, state: 'connected', coveredAccountIds: [accountId] });
  // The catch-up poll once the account is carried: what follows is pushed first.
  await expect
    .poll(
      () => db().prisma.pollRun.count({ where: { trigger: { startsWith: 'catch-up' }, finishedAt: { not: null } } }),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThan(0);
}

/** Publishes BURST posts in slices (so that they interleave with the service's work), calling `midway` after 300. */
async function burst(author: string, midway: () => void): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < BURST; i++) {
    ids.push(fake.addPost({ author, text: `Burst statement ${i} of ${BURST}.` }).id);
    if (i === 299) midway();
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return ids;
}

async function expectNothingLostNothingDoubled(ids: string[], accountId: number) {
  await expect
    .poll(() => db().prisma.post.count({ where: { platformId: { in: ids } } }), { timeout: 180_000, interval: 500 })
    .toBe(BURST);
  const events = await db().prisma.event.findMany({ where: { kind: 'new' }, select: { dedupeKey: true } });
  expect(events).toHaveLength(BURST);
  expect(new Set(events.map((e) => e.dedupeKey))).toEqual(new Set(ids.map((id) => `new:x:${id}`)));
  await expect.poll(() => receiver.received.size, { timeout: 120_000, interval: 500 }).toBe(BURST);
  const doubled = [...receiver.received].filter(([, deliveries]) => deliveries.size !== 1);
  expect(doubled).toEqual([]);
  expect(await db().prisma.delivery.count()).toBe(BURST);
  expect(await db().prisma.post.count({ where: { accountId } })).toBe(BURST + 5);
}

describe('a burst of 1,000 posts', () => {
  it('loses nothing when the stream is killed mid-burst', async () => {
    const { user, account } = await watch();
    await startService('solo');
    await carried(account.id, 'solo');
    const ids = await burst(user.id, () => fake.streams.drop('filtered'));
    await expectNothingLostNothingDoubled(ids, account.id);
    expect((await streamRow())!.reconnects).toBeGreaterThanOrEqual(1);
  }, 400_000);

  it('loses nothing when the service holding the stream is killed with SIGKILL mid-burst', async () => {
    const { user, account } = await watch();
    const first = await startService('first');
    await carried(account.id, 'first');
    await startService('second');
    const killed = once(first, 'exit');
    const ids = await burst(user.id, () => first.kill('SIGKILL'));
    expect((await killed)[1]).toBe('SIGKILL');
    await expectNothingLostNothingDoubled(ids, account.id);
    await expect
      .poll(async () => streamRow(), { timeout: 30_000 })
      .toMatchObject({ holder: 'second', state: 'connected' });
  }, 400_000);
});
