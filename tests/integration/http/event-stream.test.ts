// GET /api/events on a real listening server, read by a real SSE client
// (the `eventsource` package): events arrive as they are committed, a client
// resuming with Last-Event-ID gets exactly what it missed, two clients each
// get everything, filters hold, and closing the server ends the streams.
import { get } from 'node:http';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { publishPost, watchAccount } from '../../helpers/live-fixtures.js';

const getDb = useTestDatabase();
let app: FastifyInstance;
let base: string;
let usfor: number;
let other: number;

interface Received {
  id: string;
  type: string;
  data: { id: number; kind: string; at: string; post: { id: string; account: string; text: string } };
}

/** An SSE client that collects events; `until(n)` resolves once n have arrived. */
function follow(path: string, headers: Record<string, string> = {}) {
  const received: Received[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const source = new EventSource(`${base}${path}`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
  });
  for (const kind of ['new', 'edited', 'deleted', 'cited']) {
    source.addEventListener(kind, (e) => {
      received.push({ id: e.lastEventId, type: e.type, data: JSON.parse(e.data) as Received['data'] });
      waiters = waiters.filter((w) => (received.length >= w.n ? (w.resolve(), false) : true));
    });
  }
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`stream failed: ${e.message ?? e.code}`));
  });
  return {
    received,
    opened,
    source,
    until: (n: number) =>
      received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () => source.close(),
  };
}

beforeAll(async () => {
  const db = getDb();
  usfor = await watchAccount(db, 'USFOR_A');
  other = await watchAccount(db, 'StateDept_Example');
  app = await buildTestApp(db, {}, { live: { keepAliveMs: 300 } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => app?.close());

describe('GET /api/events', () => {
  it('streams events as they are committed, with the webhook JSON, to two clients at once', async () => {
    const a = follow('/api/events');
    const b = follow('/api/events');
    await Promise.all([a.opened, b.opened]);
    const first = await publishPost(getDb(), usfor, 'Statement one on the record.');
    const second = await publishPost(getDb(), other, 'Statement two on the record.');
    await Promise.all([a.until(2), b.until(2)]);
    for (const client of [a, b]) {
      expect(client.received.map((r) => [r.type, r.data.post.id, r.data.post.account])).toEqual([
        ['new', first, 'x:USFOR_A'],
        ['new', second, 'x:StateDept_Example'],
      ]);
      expect(client.received.map((r) => Number(r.id))).toEqual(client.received.map((r) => r.data.id));
      expect(client.received[0]!.data).toMatchObject({ kind: 'new', post: { text: 'Statement one on the record.' } });
      expect(Object.keys(client.received[0]!.data).sort()).toEqual(['at', 'id', 'kind', 'post']);
    }
    a.close();
    b.close();
  });

  it('resumes after Last-Event-ID with exactly the missed events, then follows live ones', async () => {
    const a = follow('/api/events');
    await a.opened;
    await publishPost(getDb(), usfor, 'Before the drop.');
    await a.until(1);
    const lastId = a.received[0]!.id;
    a.close();
    const missed = [await publishPost(getDb(), usfor, 'Missed one.'), await publishPost(getDb(), other, 'Missed two.')];
    const b = follow('/api/events?since=1', { 'last-event-id': lastId });
    await b.opened;
    const live = await publishPost(getDb(), usfor, 'After the reconnect.');
    await b.until(3);
    expect(b.received.map((r) => r.data.post.id)).toEqual([...missed, live]);
    const ids = b.received.map((r) => Number(r.id));
    expect(ids[0]).toBeGreaterThan(Number(lastId));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    b.close();
  });

  it('loses and doubles nothing when events are committed during the replay', async () => {
    const start = follow('/api/events');
    await start.opened;
    await publishPost(getDb(), usfor, 'Marker.');
    await start.until(1);
    const since = Number(start.received[0]!.id);
    start.close();
    const before = [];
    for (let i = 0; i < 30; i++) before.push(await publishPost(getDb(), usfor, `Backlog ${i}.`));
    const c = follow(`/api/events?since=${since}`);
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await publishPost(getDb(), other, `During ${i}.`));
    await c.until(40);
    const extra = await publishPost(getDb(), usfor, 'Last.');
    await c.until(41);
    expect(c.received.map((r) => r.data.post.id)).toEqual([...before, ...during, extra]);
    c.close();
  });

  it('filters by account and kind', async () => {
    const mine = follow('/api/events?account=x:usfor_a&kind=new');
    const edits = follow('/api/events?kind=edited');
    await Promise.all([mine.opened, edits.opened]);
    await publishPost(getDb(), other, 'Not this account.');
    const wanted = await publishPost(getDb(), usfor, 'This account.');
    await mine.until(1);
    expect(mine.received.map((r) => r.data.post.id)).toEqual([wanted]);
    expect(edits.received).toEqual([]);
    mine.close();
    edits.close();
  });

  it('refuses an invalid filter or resume point with a 400 naming it', async () => {
    const bad = await app.inject({ url: '/api/events?kind=liked', headers: { accept: 'text/event-stream' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('kind');
    const badId = await app.inject({ url: '/api/events', headers: { 'last-event-id': 'abc' } });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().message).toContain('Last-Event-ID');
  });

  it('sends keep-alive comments on a quiet stream', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = get(`${base}/api/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.includes(': heartbeat')) {
            req.destroy();
            resolve(body);
          }
        });
      });
      req.on('error', reject);
    });
    expect(text).toMatch(/^retry: \d+\n\n/);
  });
});

describe('shutdown', () => {
  it('ends open streams so that close() does not wait on them', async () => {
    const db = getDb();
    const second = await buildTestApp(db);
    base = await second.listen({ host: '127.0.0.1', port: 0 });
    const client = follow('/api/events');
    await client.opened;
    const ended = new Promise<void>((resolve) => {
      client.source.onerror = () => resolve();
    });
    await second.close();
    await ended;
    client.close();
  });
});
