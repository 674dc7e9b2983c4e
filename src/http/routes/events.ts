// GET /api/events: new events (new, edited, deleted, cited) as Server-Sent
// Events. Each client subscribes to the shared feed first, then replays what
// it missed from the outbox up to the feed's position, then follows the feed;
// ids at or below the last one written are dropped, so nothing is doubled and
// nothing falls between replay and live. A client that does not keep up is
// cut off once its buffer is full (it reconnects with Last-Event-ID and loses
// nothing); on shutdown every stream is ended so that close() never waits on one.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import sseModule, { type SSEPluginOptions } from '@fastify/sse';
import { createEventLogRepository } from '../../adapters/db/event-log-repository.js';
import {
  parseResumePoint,
  parseStreamFilter,
  streamFilterMatches,
  STREAM_EVENT_KINDS,
  type StreamFilter,
} from '../../core/event-stream.js';
import type { AppDeps } from '../app.js';
import { createEventFeed, toStreamedEvent, type EventFeed, type StreamedEvent } from '../live/event-feed.js';

export interface LiveOptions {
  /** Comment lines that keep proxies from closing an idle stream (default 15 s). */
  keepAliveMs?: number;
  /** Events waiting for one slow client before it is cut off (default 1000). */
  maxBufferedEvents?: number;
  /** The feed's fallback wake-up. */
  tickMs?: number;
}

interface Query {
  since?: string;
  account?: string | string[];
  kind?: string | string[];
}

/** How long a stream ended at shutdown may take to flush before its socket is destroyed. */
const SHUTDOWN_FLUSH_MS = 1000;
/** What a browser waits before reconnecting. */
const RETRY_MS = 3000;

// The module itself is the plugin wrapped to reach every route; its types only name the unwrapped one.
const sse = sseModule as unknown as FastifyPluginAsync<SSEPluginOptions>;

const schema = {
  summary: 'Follow new events as Server-Sent Events (resume with Last-Event-ID or since)',
  tags: ['events'],
  querystring: {
    type: 'object',
    properties: {
      since: { type: 'string', pattern: '^[0-9]+$', description: 'replay the events after this event id first' },
      account: {
        type: 'array',
        items: { type: 'string' },
        description: 'only events of these accounts (x:HANDLE, repeated or comma-separated)',
      },
      kind: {
        type: 'array',
        items: { type: 'string' },
        description: `only these kinds (${STREAM_EVENT_KINDS.join(', ')}; repeated or comma-separated)`,
      },
    },
  },
  headers: {
    type: 'object',
    properties: {
      'last-event-id': { type: 'string', description: 'the last event id received: resume right after it' },
    },
  },
};

export function registerEventStream(app: FastifyInstance, deps: AppDeps): void {
  const options = deps.live ?? {};
  const streams = new Set<LiveStream>();
  let feed: EventFeed | undefined;
  const logger = deps.logger.child({ component: 'events' });
  app.register(sse, { heartbeatInterval: options.keepAliveMs ?? 15_000 });
  app.register(async (scope) => {
    scope.get<{ Querystring: Query }>(
      '/api/events',
      { schema, sse: { kind: 'only', serializer: (data: unknown) => String(data) } },
      async (request, reply) => {
        const filter = parseStreamFilter(request.query);
        const resume = parseResumePoint(request.headers['last-event-id'] as string | undefined, request.query.since);
        feed ??= createEventFeed({ db: deps.db, logger, tickMs: options.tickMs });
        const stream = openStream({ deps, request, reply, filter, maxBuffered: options.maxBufferedEvents ?? 1000 });
        streams.add(stream);
        reply.sse.onClose(() => streams.delete(stream));
        await stream.start(feed, resume);
      },
    );
  });
  // Before the server stops accepting: end every stream, or close() would wait on them.
  app.addHook('preClose', async () => {
    await Promise.all([...streams].map((s) => s.end('the server is shutting down')));
    await feed?.close();
  });
}

interface LiveStream {
  start(feed: EventFeed, resume: number | null): Promise<void>;
  end(reason: string): Promise<void>;
}

interface StreamDeps {
  deps: AppDeps;
  request: FastifyRequest;
  reply: FastifyReply;
  filter: StreamFilter;
  maxBuffered: number;
}

function openStream({ deps, request, reply, filter, maxBuffered }: StreamDeps): LiveStream {
  const log = createEventLogRepository(deps.db.prisma);
  const queue: StreamedEvent[] = [];
  let lastSeen = 0;
  let wake = () => {};
  let unsubscribe = () => {};
  let ended = false;

  const wanted = (e: StreamedEvent) => streamFilterMatches(filter, e);
  const write = (e: StreamedEvent) => reply.sse.send({ id: String(e.id), event: e.kind, data: e.data });

  function end(reason: string, event?: { name: string; data: unknown }): Promise<void> {
    if (ended) return Promise.resolve();
    ended = true;
    unsubscribe();
    wake();
    const raw = reply.raw;
    if (!raw.headersSent || raw.writableEnded) return Promise.resolve();
    request.log.debug({ reason, lastSeen }, 'event stream ended');
    if (event) raw.write(`event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => raw.destroy(), SHUTDOWN_FLUSH_MS);
      raw.once('close', () => {
        clearTimeout(timer);
        // The stream is over: its connection is not left open for another request (a reconnect would hold close()).
        request.raw.socket?.destroy();
        resolve();
      });
      reply.sse.close();
    });
  }

  function onEvents(events: StreamedEvent[]) {
    if (ended) return;
    queue.push(...events.filter(wanted));
    if (queue.length > maxBuffered) {
      request.log.warn(
        { buffered: queue.length, maxBuffered, lastEventId: lastSeen },
        'an event stream client did not keep up: cut off (it resumes with Last-Event-ID)',
      );
      const message = `more than ${maxBuffered} events waited for this client; reconnect with Last-Event-ID ${lastSeen}`;
      void end('too slow', { name: 'overflow', data: { error: 'too_slow', message, lastEventId: lastSeen } });
      return;
    }
    wake();
  }

  async function replay(resume: number, upTo: number) {
    for await (const batch of log.between(resume, upTo)) {
      for (const item of batch) {
        if (ended) return;
        const event = toStreamedEvent(item);
        if (wanted(event)) await write(event);
        lastSeen = item.eventId;
      }
    }
  }

  async function follow() {
    while (!ended) {
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (event.id <= lastSeen) continue;
      await write(event);
      lastSeen = event.id;
    }
  }

  return {
    async start(feed, resume) {
      const subscription = await feed.subscribe(onEvents);
      unsubscribe = subscription.unsubscribe;
      reply.sse.keepAlive();
      reply.sse.onClose(() => void end('client left'));
      reply.sse.sendHeaders();
      reply.raw.write(`retry: ${RETRY_MS}\n\n`);
      lastSeen = resume ?? subscription.position;
      // Replay and follow in the background: the handler returns, the stream stays open.
      void (async () => {
        if (resume !== null) await replay(resume, subscription.position);
        lastSeen = Math.max(lastSeen, subscription.position);
        await follow();
      })().catch((err: unknown) => {
        if (!ended) request.log.warn({ err }, 'event stream failed');
        void end('failed');
      });
    },
    end: (reason) => end(reason),
  };
}
