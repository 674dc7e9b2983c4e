// GET /api/events on the embedded database (PGlite), where no second
// connection can LISTEN: the feed's tick alone wakes it, and events still
// arrive in order, resumable with Last-Event-ID.
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/http/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { usePgliteDatabase } from '../../helpers/database.js';
import { publishPost, watchAccount } from '../../helpers/live-fixtures.js';

const getDb = usePgliteDatabase();
let app: FastifyInstance;
let base: string;
let accountId: number;

function collect(url: string, headers: Record<string, string> = {}) {
  const ids: string[] = [];
  const texts: string[] = [];
  let notify = () => {};
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  });
  source.addEventListener('new', (e) => {
    ids.push(e.lastEventId);
    texts.push((JSON.parse(e.data) as { post: { text: string } }).post.text);
    notify();
  });
  const opened = new Promise<void>((resolve) => (source.onopen = () => resolve()));
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      notify = () => texts.length >= n && resolve();
      notify();
    });
  return { ids, texts, opened, until, close: () => source.close() };
}

beforeAll(async () => {
  accountId = await watchAccount(getDb());
  const config = loadConfig({ ONRECORD_DATA_DIR: 'unused' }, { instanceId: 'test' });
  const logger = createLogger({ level: 'silent' });
  app = await buildApp({ db: getDb(), config, logger, clock: { now: () => new Date() } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => app?.close());

describe('GET /api/events on the embedded database', () => {
  it('streams events as they are stored and resumes after Last-Event-ID', async () => {
    const a = collect(`${base}/api/events`);
    await a.opened;
    await publishPost(getDb(), accountId, 'Embedded one.');
    await a.until(1);
    a.close();
    await publishPost(getDb(), accountId, 'Embedded two.');
    const b = collect(`${base}/api/events`, { 'last-event-id': a.ids[0]! });
    await b.opened;
    await publishPost(getDb(), accountId, 'Embedded three.');
    await b.until(2);
    expect(a.texts).toEqual(['Embedded one.']);
    expect(b.texts).toEqual(['Embedded two.', 'Embedded three.']);
    b.close();
  });
});
