// One follower of the outbox for the whole app, shared by every client of
// /api/events: woken by LISTEN on PostgreSQL (the channel the outbox
// notifies at commit) and by a tick anyway (the only wake-up on the embedded
// database, where no other connection can listen). It streams events
// strictly in id order (core/event-stream.ts) and hands each batch to every
// subscriber synchronously, so a subscriber's starting position and the
// events it receives never overlap nor leave a hole.
import type { Database } from '../../adapters/db/database.js';
import { EVENTS_CHANNEL } from '../../adapters/db/events-repository.js';
import { createEventLogRepository } from '../../adapters/db/event-log-repository.js';
import { listenForNotifications, type Listener } from '../../adapters/db/pg-listener.js';
import { webhookEvent, type AlertItem } from '../../core/alert-messages.js';
import { advanceStream, type StreamPosition } from '../../core/event-stream.js';
import { sleep } from '../../core/lifecycle.js';
import type { Logger } from '../../logger.js';

/** An event ready to be written: `data` is the webhook's JSON of it, serialized once for every client. */
export interface StreamedEvent {
  id: number;
  kind: string;
  account: string | null;
  data: string;
}

export function toStreamedEvent(item: AlertItem): StreamedEvent {
  return { id: item.eventId, kind: item.kind, account: item.post.account, data: JSON.stringify(webhookEvent(item)) };
}

export interface EventFeed {
  /** Registers a subscriber; `position` is the last event id it will not receive. */
  subscribe(onEvents: (events: StreamedEvent[]) => void): Promise<{ position: number; unsubscribe(): void }>;
  close(): Promise<void>;
}

export interface EventFeedOptions {
  db: Database;
  logger: Logger;
  /** Fallback wake-up (default 1 s; 250 ms on the embedded database). */
  tickMs?: number;
}

const READ_BATCH = 500;
const LISTENER_CLOSE_MS = 2000;
const withId = (item: AlertItem) => ({ id: item.eventId, item });

export function createEventFeed({ db, logger, tickMs }: EventFeedOptions): EventFeed {
  const log = createEventLogRepository(db.prisma);
  const subscribers = new Set<(events: StreamedEvent[]) => void>();
  const stopped = new AbortController();
  const tick = tickMs ?? (db.kind === 'pglite' ? 250 : 1000);
  let position: StreamPosition = { floor: 0, gap: null };
  let wake: AbortController = new AbortController();
  let started: Promise<void> | undefined;
  let loop: Promise<void> | undefined;
  let listener: Listener | undefined;

  async function readNew(): Promise<void> {
    for (;;) {
      const { items, snapshot } = await log.after(position.floor, READ_BATCH);
      const next = advanceStream(position, items.map(withId), snapshot, Date.now());
      position = next.position;
      if (next.ready.length) {
        const events = next.ready.map(({ item }) => toStreamedEvent(item));
        for (const subscriber of subscribers) subscriber(events);
      }
      if (items.length < READ_BATCH || next.ready.length === 0) return;
    }
  }

  async function follow(): Promise<void> {
    let failures = 0;
    while (!stopped.signal.aborted) {
      const woken = wake.signal;
      try {
        await readNew();
        failures = 0;
      } catch (err) {
        failures += 1;
        if (!stopped.signal.aborted) logger.warn({ err }, 'reading new events failed; retrying');
      }
      const wait = failures ? Math.min(30_000, tick * 2 ** failures) : tick;
      await sleep(wait, woken);
      if (woken.aborted && !stopped.signal.aborted) wake = new AbortController();
    }
  }

  async function start(): Promise<void> {
    position = { floor: (await log.newest()).id, gap: null };
    const onNotify = () => wake.abort();
    if (db.kind === 'postgres' && db.url) {
      listener = listenForNotifications(() => db.url!, EVENTS_CHANNEL, onNotify, logger);
    }
    loop = follow();
  }

  return {
    async subscribe(onEvents) {
      if (stopped.signal.aborted) throw new Error('the event feed is closed');
      started ??= start().catch((err: unknown) => {
        started = undefined;
        throw err;
      });
      await started;
      subscribers.add(onEvents);
      return { position: position.floor, unsubscribe: () => void subscribers.delete(onEvents) };
    },
    async close() {
      stopped.abort();
      wake.abort();
      subscribers.clear();
      await started?.catch(() => {});
      await loop;
      // Closing the LISTEN connection can wait on the server's goodbye; shutdown does not wait longer than this.
      const closed = new AbortController();
      await Promise.race([listener?.close(), sleep(LISTENER_CLOSE_MS, closed.signal)]);
      closed.abort();
    },
  };
}
