// Alerts on the embedded database (PGlite, no DATABASE_URL): the same claims,
// dispatch and delivery, with the worker ticking instead of listening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsRepository } from '../../../src/adapters/db/alerts-repository.js';
import { openDatabase, type Database } from '../../../src/adapters/db/database.js';
import { migrate } from '../../../src/adapters/db/migrate.js';
import { configFromEnv, type Context } from '../../../src/context.js';
import { verifySignature } from '../../../src/core/signature.js';
import { deliverDueAlerts, startAlertWorker } from '../../../src/jobs/deliver-alerts.js';
import { createLogger } from '../../../src/logger.js';
import { recordPostEvent, startReceiver, type Receiver } from './harness.js';

let db: Database;
let hook: Receiver;
let ctx: Context;
beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db);
  hook = await startReceiver((_req, n) => (n === 1 ? { status: 500 } : { status: 200 }));
  ctx = {
    // The receiver listens on 127.0.0.1.
    config: configFromEnv({
      LOG_LEVEL: 'silent',
      ONRECORD_DATA_DIR: 'memory://',
      ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
    }),
    logger: createLogger({ level: 'silent' }),
    db,
    clock: { now: () => new Date() },
  };
});
afterAll(async () => {
  await hook.close();
  await db.close();
});

describe('alerts on PGlite', () => {
  it('dispatches, retries and delivers with the ticking worker', async () => {
    await createAlertsRepository(db.prisma).addRule({
      channel: 'webhook',
      target: hook.url,
      secret: 'pglite-s3cret',
      accounts: [],
      keywords: ['embassy'],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
    await recordPostEvent(db, { text: 'The embassy reopens.' });
    await recordPostEvent(db, { text: 'Unrelated.' });
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 2, delivered: 0, failed: 1, dead: 0 });
    const worker = await startAlertWorker(ctx);
    try {
      await hook.waitFor(2, 10_000);
    } finally {
      await worker.stop();
    }
    const [first, second] = hook.requests;
    expect(second!.headers['x-onrecord-delivery']).toBe(first!.headers['x-onrecord-delivery']);
    expect(verifySignature('pglite-s3cret', second!.raw, second!.headers['x-onrecord-signature-256'] as string)).toBe(
      true,
    );
    const rows = await db.prisma.delivery.findMany();
    expect(rows.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual([['delivered', 2, 200]]);
  });
});
