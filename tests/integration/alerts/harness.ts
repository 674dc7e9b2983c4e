// What the alert tests share: a context on the test database, a clock the
// test moves, receivers played by local HTTP servers, and events written
// through the outbox exactly as ingest writes them.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromEnv, type Context } from '../../../src/context.js';
import type { Database } from '../../../src/adapters/db/database.js';
import {
  createEventsRepository,
  eventKeys,
  type EventKind,
  type EventPayload,
} from '../../../src/adapters/db/events-repository.js';
import type { Clock } from '../../../src/core/clock.js';
import { toPostView } from '../../../src/core/post-view.js';
import { createLogger } from '../../../src/logger.js';

export function alertContext(db: Database & { url: string }, clock?: Clock, env: Record<string, string> = {}): Context {
  return {
    config: configFromEnv({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      ALERT_TIMEOUT: '2s',
      // The receivers of these tests listen on 127.0.0.1.
      ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
      ...env,
    }),
    logger: createLogger({ level: 'silent' }),
    db,
    clock: clock ?? { now: () => new Date() },
  };
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export interface ReceivedRequest {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** What a receiver answers: a status and body, 'hang' (never answers), or 'stall' (headers, then a body that never ends). */
export type Answer = { status: number; body?: string } | 'hang' | 'stall';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (req: ReceivedRequest, n: number) => Answer = () => ({ status: 200 })) {
  const requests: ReceivedRequest[] = [];
  const waiters: (() => void)[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        url: req.url ?? '',
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      waiters.splice(0).forEach((w) => w());
      const a = answer(received, requests.length);
      if (a === 'hang') return void hung.push(res);
      if (a === 'stall') {
        res.writeHead(200, { 'content-type': 'text/plain' }).write('accepted, and then…');
        return void hung.push(res);
      }
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? (a.status < 300 ? 'ok' : 'no'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return requests.slice(0, n);
    },
    async close() {
      hung.forEach((res) => res.destroy());
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return receiver;
}

let accountSeq = 0;

/** Stores a post of `handle` and records its event in the same transaction, as ingest does. */
export async function recordPostEvent(
  db: Database,
  options: {
    handle?: string;
    /** Defaults to x. */
    platform?: string;
    text: string;
    kind?: EventKind;
    postId?: string;
    previousText?: string;
    article?: EventPayload['article'];
  },
): Promise<{ eventId: number; postId: string }> {
  const handle = options.handle ?? 'StateDept';
  const platform = options.platform ?? 'x';
  const kind = options.kind ?? 'new';
  const platformId =
    options.postId ?? String(1864000000000000000n + BigInt(++accountSeq * 1000 + Math.floor(Math.random() * 999)));
  return db.prisma.$transaction(async (tx) => {
    const account =
      (await tx.account.findFirst({ where: { platform, handle } })) ??
      (await tx.account.create({ data: { platform, handle, platformUserId: `u-${handle}` } }));
    const post = await tx.post.upsert({
      where: { platform_platformId: { platform, platformId } },
      create: {
        platform,
        platformId,
        accountId: account.id,
        editIds: [platformId],
        text: options.text,
        createdAt: new Date('2026-03-04T15:00:00Z'),
      },
      update: { text: options.text },
      include: { account: true },
    });
    const key =
      kind === 'cited'
        ? eventKeys.cited(1, platform, platformId)
        : eventKeys[kind](platform, `${platformId}${kind === 'edited' ? `-${Date.now()}` : ''}`);
    await createEventsRepository(db.prisma).record(
      [
        {
          kind,
          dedupeKey: key,
          postId: post.id,
          payload: {
            post: toPostView(post),
            ...(options.previousText !== undefined ? { previousText: options.previousText } : {}),
            ...(options.article ? { article: options.article } : {}),
          },
        },
      ],
      tx,
    );
    const event = await tx.event.findUniqueOrThrow({ where: { dedupeKey: key } });
    return { eventId: event.id, postId: platformId };
  });
}
