// The X Activity API delivered to the service's webhook, with the service's
// own parts (poller with its stream job, HTTP server) on a real port and the
// fake X calling it: X registers the webhook only after its CRC passes, every
// delivery is signed, a post published on the fake reaches the archive once
// even when X delivers it twice, a bad signature is refused (and kept raw),
// and a delivery the service could not store is caught up by a poll.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { loadConfig, X_WEBHOOK_PATH } from '../../../src/config.js';
import type { Context } from '../../../src/context.js';
import { systemClock } from '../../../src/core/clock.js';
import type { Handle } from '../../../src/core/lifecycle.js';
import { createHttpPart } from '../../../src/http/server.js';
import { createWebhookLink } from '../../../src/jobs/webhook-intake.js';
import { createPollerPart } from '../../../src/service/poller-part.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import type { FakeUser } from '../../fake-x/fake-x-state.js';
import { logger } from '../ingest/poll-harness.js';
import { streamRow } from './stream-harness.js';

const db = useTestDatabase();
const SECRET = 'fake-x-consumer-secret';
let fake: RunningFakeX;
let port: number;
let base: string;
const parts: Handle[] = [];
let n = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

beforeAll(async () => {
  fake = await startFakeX({ tls: false });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await stopService();
  await fake.close();
});

async function stopService() {
  for (const part of parts.splice(0).reverse()) await part.stop();
  fake.streams.drop();
}

async function resetFake() {
  await truncateAll(db());
  const hooks = fake.streams.webhooks;
  fake.streams.subscriptions.subscriptions.clear();
  hooks.webhooks.clear();
  hooks.deliveries.length = 0;
  Object.assign(hooks, { consumerSecret: SECRET, clientSecret: undefined, urlRule: 'local', copies: 1, dropNext: 0 });
  fake.requests.length = 0;
}

/** The service's poller and HTTP server, sharing the webhook link as the service does. */
async function startService(extra: Record<string, string> = {}) {
  const config = loadConfig(
    {
      DATABASE_URL: db().url,
      X_API_BASE_URL: fake.url,
      X_BEARER_TOKEN: fake.bearerToken,
      X_STREAM: 'auto',
      X_CONSUMER_SECRET: SECRET,
      ONRECORD_PUBLIC_URL: base,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      ...extra,
    },
    { instanceId: 'webhook-test' },
  );
  const ctx: Context = { config, logger, db: db(), clock: systemClock };
  const link = createWebhookLink();
  parts.push(await createPollerPart(link).start(ctx));
  parts.push(await createHttpPart(link).start(ctx));
}

async function watch() {
  const name = `Hook_${process.pid % 1000}_${++n}`;
  const { user } = fake.seedAccount({ username: name, posts: 1 });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'x', handle: name, pollIntervalMs: 300_000 },
    new Date(),
  );
  return { user, account };
}

/** Resolves once `check` holds (polled; hooks cannot use expect.poll). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The webhook channel connected for the account, and the catch-up poll of the connect done. */
async function connected(accountId: number) {
  await waitFor('the webhook channel connected', async () => {
    const row = await streamRow(db());
    return row?.state === 'connected' && row.channel === 'x:webhook' && row.coveredAccountIds.includes(accountId);
  });
  // The connect's own catch-up poll, not the account's first scheduled one: a
  // catch-up still to come could read a post added next before its delivery.
  await waitFor(
    'the catch-up poll',
    async () =>
      (await db().prisma.pollRun.count({
        where: { accountId, finishedAt: { not: null }, trigger: { startsWith: 'catch-up' } },
      })) > 0,
  );
}

const newEvents = (postId: string) => db().prisma.event.findMany({ where: { dedupeKey: `new:x:${postId}` } });
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('base64')}`;

describe('the X Activity API to a webhook', () => {
  let user: FakeUser;
  let account: { id: number };
  beforeAll(async () => {
    await resetFake();
    ({ user, account } = await watch());
    await startService();
    await connected(account.id);
  }, 60_000);
  afterAll(stopService);
  beforeEach(() => {
    fake.streams.webhooks.deliveries.length = 0;
    fake.streams.webhooks.copies = 1;
  });

  it('is registered after X checks the CRC, and answers the CRC with the HMAC of the token', async () => {
    const [hook] = [...fake.streams.webhooks.webhooks.values()];
    expect(hook).toMatchObject({ url: `${base}${X_WEBHOOK_PATH}`, valid: true });
    const subscriptions = [...fake.streams.subscriptions.subscriptions.values()];
    expect(subscriptions.map((s) => s.webhook_id)).toEqual(subscriptions.map(() => hook!.id));
    expect(subscriptions.length).toBe(4);
    expect(fake.streams.openCount('activity')).toBe(0);

    const token = 'Q3JjVG9rZW4tZnJvbS10aGUtdGVzdA';
    const res = await fetch(`${base}${X_WEBHOOK_PATH}?crc_token=${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_token: sign(token) });
    // No API token needed (X cannot send one), but a CRC that could sign a delivery body is refused.
    const forged = await fetch(`${base}${X_WEBHOOK_PATH}?crc_token=${encodeURIComponent('{"data":{}}')}`);
    expect(forged.status).toBe(400);
  }, 60_000);

  it('stores a post delivered twice once, with one event', async () => {
    fake.streams.webhooks.copies = 2;
    const post = fake.addPost({ author: user, text: 'The bridge reopens on Friday at noon.' });
    await fake.streams.webhooks.waitForDeliveries(2);
    expect(fake.streams.webhooks.deliveries.map((d) => [d.postId, d.status])).toEqual([
      [post.id, 200],
      [post.id, 200],
    ]);
    expect(await newEvents(post.id)).toHaveLength(1);
    const stored = await db().prisma.post.findMany({ where: { platformId: post.id } });
    expect(stored).toEqual([expect.objectContaining({ accountId: account.id, firstSeenBy: 'stream' })]);
    const captures = await db().prisma.capture.findMany({ where: { source: 'x:webhook' } });
    // The same bytes twice: one capture (captures are keyed by their sha256).
    const mine = captures.filter((c) => c.body.includes(post.id));
    expect(mine.map((c) => [c.httpStatus, JSON.parse(c.body).data.payload.id])).toEqual([[200, post.id]]);
  }, 60_000);

  it("turns a pushed deletion into the post's deleted status and one deleted event", async () => {
    const post = fake.addPost({ author: user, text: "Tonight's briefing moves to 7 pm." });
    await expect.poll(async () => (await newEvents(post.id)).length, { timeout: 30_000 }).toBe(1);
    fake.deletePost(post.id);
    await expect
      .poll(async () => (await db().prisma.post.findFirst({ where: { platformId: post.id } }))?.status, {
        timeout: 30_000,
      })
      .toBe('deleted');
    const deleted = await db().prisma.event.findMany({ where: { kind: 'deleted', post: { platformId: post.id } } });
    expect(deleted).toHaveLength(1);
    expect(fake.streams.webhooks.deliveries.map((d) => [d.eventType, d.status])).toEqual([
      ['post.create', 200],
      ['post.delete', 200],
    ]);
  }, 60_000);

  it('refuses a delivery with a bad signature (401), keeps it raw as a problem, and stores nothing from it', async () => {
    const body = JSON.stringify({
      data: {
        event_uuid: '1',
        filter: { user_id: user.id },
        event_type: 'post.create',
        payload: {
          id: '2029215334573188017',
          text: 'Forged.',
          author_id: user.id,
          edit_history_tweet_ids: ['2029215334573188017'],
        },
      },
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${base}${X_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const before = await db().prisma.event.count();
    expect((await post({ 'x-twitter-webhooks-signature': sign(body + ' ') })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(await db().prisma.post.count({ where: { platformId: '2029215334573188017' } })).toBe(0);
    expect(await db().prisma.event.count()).toBe(before);
    const kept = await db().prisma.capture.findMany({
      where: { source: 'x:webhook', httpStatus: 401 },
      include: { problems: true },
    });
    expect(kept.map((c) => c.body)).toEqual([body]);
    expect(kept[0]!.problems.map((p) => p.message).sort()).toEqual([
      'a webhook delivery was refused: no signature header',
      'a webhook delivery was refused: the signature does not match',
    ]);
    // The same body correctly signed is accepted.
    expect((await post({ 'x-twitter-webhooks-signature': sign(body) })).status).toBe(200);
  }, 60_000);

  it('catches up by a poll a delivery the service failed to store', async () => {
    // A real storage failure for this delivery only: the database refuses its capture.
    await db().exec(`CREATE FUNCTION refuse_capture() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (test)'; END $$;
      CREATE TRIGGER refuse_webhook_capture BEFORE INSERT ON captures FOR EACH ROW
      WHEN (NEW.source = 'x:webhook' AND NEW.body LIKE '%Unstorable%') EXECUTE FUNCTION refuse_capture();`);
    try {
      const post = fake.addPost({ author: user, text: 'Unstorable: the council meets on Monday.' });
      await fake.streams.webhooks.waitForDeliveries(1);
      expect(fake.streams.webhooks.deliveries.map((d) => d.status)).toEqual([500]);
      await expect.poll(async () => (await newEvents(post.id)).length, { timeout: 30_000 }).toBe(1);
      const stored = await db().prisma.post.findMany({ where: { platformId: post.id } });
      expect(stored).toEqual([expect.objectContaining({ accountId: account.id, firstSeenBy: 'poll' })]);
      const runs = await db().prisma.pollRun.findMany({ where: { accountId: account.id } });
      expect(runs.map((r) => r.trigger)).toContain('catch-up: a webhook delivery could not be stored');
    } finally {
      await db().exec('DROP TRIGGER refuse_webhook_capture ON captures; DROP FUNCTION refuse_capture();');
    }
  }, 60_000);
});

describe('a webhook X refuses', () => {
  afterAll(stopService);

  it('leaves the Activity API on its stream (the CRC failed: the URL is not the service)', async () => {
    await resetFake();
    const { user, account } = await watch();
    fake.streams.webhooks.consumerSecret = 'a-secret-the-service-does-not-have';
    await startService();
    await expect.poll(async () => (await streamRow(db()))?.channel, { timeout: 30_000 }).toBe('x:activity');
    await expect.poll(async () => (await streamRow(db()))?.state, { timeout: 30_000 }).toBe('connected');
    await expect
      .poll(async () => (await streamRow(db()))?.coveredAccountIds, { timeout: 30_000 })
      .toEqual([account.id]);
    expect(fake.streams.webhooks.webhooks.size).toBe(0);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === '/2/webhooks' && r.status === 400)).toBe(true);
    const post = fake.addPost({ author: user, text: 'Water main repair finished.' });
    await expect.poll(async () => (await newEvents(post.id)).length, { timeout: 30_000 }).toBe(1);
  }, 60_000);
});
