// Issue 12.7: alert targets had no address check (a webhook could reach an
// internal admin API), and a failed delivery's lastError showed the first
// 300 characters of the target's answer to anyone who could read
// /api/alerts or /alerts. Every HTTP channel now connects through the
// article fetcher's address rules (ONRECORD_ALLOW_PRIVATE_TARGETS lifts
// them), and lastError holds only the status and a short reason of ours.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertSinks } from '../../src/adapters/alerts/sinks.js';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import { isPublicAddress } from '../../src/adapters/fetch/safe-fetch.js';
import { sampleItem } from '../helpers/alert-fixtures.js';
import { deliverDueAlerts } from '../../src/jobs/deliver-alerts.js';
import type { AlertChannel, OutgoingAlert } from '../../src/ports/alert-sink.js';
import type { AlertMessage } from '../../src/core/alert-messages.js';
import { truncateAll, useTestDatabase } from '../helpers/database.js';
import { auth, buildTestApp } from '../helpers/http-app.js';
import { alertContext, recordPostEvent, startReceiver, type Receiver } from '../integration/alerts/harness.js';

const getDb = useTestDatabase();
const ADMIN_BODY = '{"users":[{"name":"root","password_hash":"$2b$12$internal-admin-secret"}]}';
let admin: Receiver;

beforeEach(async () => {
  await truncateAll(getDb());
  admin = await startReceiver(() => ({ status: 500, body: ADMIN_BODY }));
});
afterEach(() => admin.close());

function outgoing(channel: AlertChannel, target: string): OutgoingAlert {
  const message: AlertMessage = { deliveryId: 'd-1', ruleId: 1, type: 'event', items: [sampleItem()] };
  return { id: 'd-1', channel, target, secret: 'shared-s3cret', message };
}

describe('alert targets obey the article fetcher’s address rules', () => {
  it.each(['webhook', 'slack', 'discord'] as const)(
    '%s: a loopback target is refused before any request',
    async (channel) => {
      const sinks = createAlertSinks({ timeoutMs: 2000, from: 'x', allowPrivateTargets: false });
      try {
        const byName = admin.url.replace('127.0.0.1', 'localhost');
        const port = new URL(admin.url).port;
        for (const target of [
          admin.url,
          byName,
          `http://[::127.0.0.1]:${port}/`,
          `http://[::ffff:127.0.0.1]:${port}/`,
        ]) {
          const result = await sinks.forChannel(channel).send(outgoing(channel, target));
          expect(result).toMatchObject({ status: 'failed', statusCode: null });
          expect((result as { error: string }).error).toMatch(/^refused: .*(not a public address|non-public address)/);
        }
        expect(admin.requests).toHaveLength(0);
      } finally {
        await sinks.close();
      }
    },
  );

  it('a non-http target is refused without repeating the target', async () => {
    const sinks = createAlertSinks({ timeoutMs: 2000, from: 'x', allowPrivateTargets: false });
    try {
      const result = await sinks.forChannel('webhook').send(outgoing('webhook', 'file:///etc/passwd?token=t0p'));
      expect(result).toEqual({
        status: 'failed',
        statusCode: null,
        error: 'refused: only http(s) URLs are fetched, not file:',
      });
    } finally {
      await sinks.close();
    }
  });

  it.each([
    ['::7f00:1', false],
    ['::127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['::a9fe:a9fe', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['169.254.169.254', false],
    ['10.1.2.3', false],
    ['2001:4860:4860::8888', true],
    ['8.8.8.8', true],
    ['::ffff:808:808', true],
  ])('isPublicAddress(%s) is %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('a failed delivery shows the status and a short reason only', () => {
  it('never shows the target’s answer in lastError, /api/alerts or /alerts', async () => {
    await createAlertsRepository(getDb().prisma).addRule({
      channel: 'webhook',
      target: admin.url,
      secret: 'shared-s3cret',
      accounts: [],
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
    await recordPostEvent(getDb(), { text: 'a statement' });
    const ctx = alertContext(getDb(), undefined, { ONRECORD_ALLOW_PRIVATE_TARGETS: 'true' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ delivered: 0, failed: 1 });
    expect(admin.requests).toHaveLength(1);
    const delivery = await getDb().prisma.delivery.findFirstOrThrow();
    expect([delivery.lastStatusCode, delivery.lastError]).toEqual([500, 'HTTP 500 Internal Server Error']);

    const app = await buildTestApp(getDb());
    try {
      const api = await app.inject({ method: 'GET', url: '/api/alerts', headers: auth });
      const page = await app.inject({ method: 'GET', url: '/alerts' });
      expect(api.statusCode).toBe(200);
      expect(api.body).toContain('HTTP 500 Internal Server Error');
      for (const body of [api.body, page.body]) expect(body).not.toContain('internal-admin-secret');
    } finally {
      await app.close();
    }
  });

  it('without ONRECORD_ALLOW_PRIVATE_TARGETS the worker refuses the same target', async () => {
    await createAlertsRepository(getDb().prisma).addRule({
      channel: 'webhook',
      target: admin.url,
      secret: 'shared-s3cret',
      accounts: [],
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
    await recordPostEvent(getDb(), { text: 'a statement' });
    const ctx = alertContext(getDb(), undefined, { ONRECORD_ALLOW_PRIVATE_TARGETS: 'false' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ delivered: 0, failed: 1 });
    expect(admin.requests).toHaveLength(0);
    const delivery = await getDb().prisma.delivery.findFirstOrThrow();
    expect(delivery.lastError).toBe('refused: 127.0.0.1 is not a public address');
  });
});
