// GET /api/events with a client that stops reading while a burst of events
// is committed: the server does not buffer for it without bound (its queue
// is capped at maxBufferedEvents, and the socket's own buffers are the
// kernel's), cuts it off, and the client (the `eventsource` package, whose
// reading is held back by a gate in its fetch) resumes with Last-Event-ID
// and gets every event exactly once. A client that keeps up, on the same
// burst, is never cut off.
import { Writable } from 'node:stream';
import { EventSource } from 'eventsource';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createLogger } from '../../../src/logger.js';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { watchAccount } from '../../helpers/live-fixtures.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const getDb = useTestDatabase();
const MAX_BUFFERED = 200;
// About 9 MB of events: more than loopback's socket buffers take for a client that does not read (about 4 MB here).
const BURST = 600;
const PER_COMMIT = 10;
let app: FastifyInstance;
let base: string;
let account: number;
const logLines: { msg: string; buffered?: number; maxBuffered?: number }[] = [];

beforeAll(async () => {
  account = await watchAccount(getDb(), 'USFOR_A');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'warn', destination: sink });
  app = await buildTestApp(getDb(), {}, { logger, live: { keepAliveMs: 1000, maxBufferedEvents: MAX_BUFFERED } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => app?.close());

/** Commits `count` new posts (one `new` event each), PER_COMMIT per transaction, each about 15 KB of text. */
async function publishBurst(count: number): Promise<void> {
  const db = getDb();
  const posts = createPostsRepository(db.prisma);
  const filler = ' The statement continues with further detail for the record.'.repeat(250);
  for (let first = 0; first < count; first += PER_COMMIT) {
    const tweets = Array.from({ length: PER_COMMIT }, (_, i) =>
      tweet(idAt('2026-05-01T08:00:00Z', first + i + 1), `Statement ${first + i + 1}.${filler}`),
    );
    await db.prisma.$transaction((tx) =>
      posts.storeBatch(
        { accountId: account, ...batchOf(page(tweets)), firstSeenBy: 'poll', raiseNew: true, now: new Date() },
        tx,
      ),
    );
  }
}

/** An SSE client whose reading can be held back: while the gate is shut, nothing is read from the socket. */
function client() {
  const ids: number[] = [];
  /** Each request's Last-Event-ID, and the id of the last event the client had received when it made it. */
  const requests: { lastEventId: string | null; lastReceived: number | null }[] = [];
  let shut: Promise<void> | undefined;
  let open = () => {};
  const gatedFetch = async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ lastEventId: new Headers(init?.headers).get('last-event-id'), lastReceived: ids.at(-1) ?? null });
    const res = await fetch(input, init);
    const reader = res.body!.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          await shut;
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: res.status, headers: res.headers });
  };
  const source = new EventSource(`${base}/api/events`, { fetch: gatedFetch });
  source.addEventListener('new', (e) => ids.push(Number(e.lastEventId)));
  const opened = new Promise<void>((resolve) => (source.onopen = () => resolve()));
  return {
    ids,
    requests,
    opened,
    pause: () => (shut = new Promise<void>((resolve) => (open = resolve))),
    resume: () => {
      shut = undefined;
      open();
    },
    close: () => source.close(),
  };
}

const cutOff = () => logLines.filter((l) => l.msg.startsWith('an event stream client did not keep up'));

describe('GET /api/events with a client that stops reading', () => {
  it('cuts the slow client off at its bound; it resumes with Last-Event-ID and gets every event once', async () => {
    const slow = client();
    const fast = client();
    await Promise.all([slow.opened, fast.opened]);
    slow.pause();
    await publishBurst(BURST);
    const expected = (await getDb().prisma.event.findMany({ where: { kind: 'new' }, orderBy: { id: 'asc' } })).map(
      (e) => e.id,
    );
    expect(expected).toHaveLength(BURST);

    // The fast client keeps up with the whole burst on its first connection.
    await expect.poll(() => fast.ids.length, { timeout: 30_000 }).toBe(BURST);
    // The slow one, not reading, is cut off once MAX_BUFFERED events wait for it (not after the whole burst).
    await expect.poll(() => cutOff().length, { timeout: 30_000 }).toBe(1);
    expect(cutOff()[0]).toMatchObject({ maxBuffered: MAX_BUFFERED });
    expect(cutOff()[0]!.buffered).toBeGreaterThan(MAX_BUFFERED);
    expect(cutOff()[0]!.buffered).toBeLessThanOrEqual(MAX_BUFFERED + PER_COMMIT * 5);
    const beforeResume = slow.ids.length;
    expect(beforeResume).toBeLessThan(BURST);

    slow.resume();
    await expect.poll(() => slow.ids.length, { timeout: 30_000 }).toBe(BURST);
    expect(slow.ids).toEqual(expected);
    expect(fast.ids).toEqual(expected);
    expect(fast.requests).toEqual([{ lastEventId: null, lastReceived: null }]);
    // Reconnected once, naming the last event it had received in full before the cut.
    expect(slow.requests).toHaveLength(2);
    const { lastEventId, lastReceived } = slow.requests[1]!;
    expect(lastReceived).not.toBeNull();
    expect(lastEventId).toBe(String(lastReceived));
    expect(expected.indexOf(lastReceived!)).toBeGreaterThanOrEqual(beforeResume - 1);
    slow.close();
    fast.close();
  }, 90_000);
});
