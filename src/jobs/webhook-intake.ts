// Pushed items delivered to a webhook, stored through the same idempotent
// path as a stream's (stream-store.ts): one at a time in arrival order, so a
// post X delivers twice, or that a poll or the stream also saw, is stored
// once and raises one event. The route answers X only once the item is
// stored; when storing fails, the item's accounts are polled at once (the
// poll is the safety net) and the route answers an error.
//
// The link is what the webhook channel (the stream job's side) and the route
// (the HTTP side) share in one process: whether the server listens yet, the
// open "connection" (activity and lag for the stream's state row), and the
// catch-up the stream job asks polls with.
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
import { createStreamsRepository } from '../adapters/db/streams-repository.js';
import type { Clock } from '../core/clock.js';
import { sleep } from '../core/lifecycle.js';
import type { Logger } from '../logger.js';
import type { StreamConnection, StreamEnd, StreamHandlers, StreamItem } from '../ports/post-stream.js';
import type { WebhookLink } from '../ports/webhook-link.js';
import { storeStreamItem, type StoredItem } from './stream-store.js';

export interface ServedWebhookLink extends WebhookLink {
  /** The HTTP server listens: the webhook can answer X's CRC. */
  markListening(): void;
  /** The open connection's handlers, when this instance holds the stream. */
  attached(): StreamHandlers | undefined;
  /** Asks for polls of these accounts now (set by the stream job's wiring; none: the reconcile poll catches up). */
  catchUp?: (accountIds: number[], reason: string) => void;
}

export function createWebhookLink(): ServedWebhookLink {
  let isListening = false;
  let listening: () => void = () => {};
  const whenUp = new Promise<void>((resolve) => (listening = resolve));
  let current: StreamHandlers | undefined;
  return {
    markListening() {
      isListening = true;
      listening();
    },
    async whenListening(timeoutMs, signal) {
      if (isListening) return true;
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      await Promise.race([whenUp, sleep(timeoutMs, stop.signal)]);
      stop.abort();
      signal?.removeEventListener('abort', onAbort);
      return isListening;
    },
    attach(handlers): StreamConnection {
      current = handlers;
      let finish: (end: StreamEnd) => void = () => {};
      const ended = new Promise<StreamEnd>((resolve) => (finish = resolve));
      queueMicrotask(() => handlers.onOpen());
      return {
        ended,
        close(end = { failure: 'stopped', message: 'closed by the caller' }) {
          if (current === handlers) current = undefined;
          finish(end);
        },
      };
    },
    attached: () => current,
  };
}

export interface WebhookIntakeDeps {
  db: Prisma;
  clock: Clock;
  logger: Logger;
  link: ServedWebhookLink;
  /** The channel counted in stream_reads, e.g. `x:webhook`. */
  channel: string;
  platform: string;
  /** The stream whose state row shows the newest pushed post (e.g. `x`). */
  stream: string;
}

export interface WebhookIntake {
  /** Stores one delivered item (after those delivered before it); rejects when it could not be stored. */
  accept(item: StreamItem): Promise<StoredItem>;
}

const userIdsOf = (item: StreamItem): string[] =>
  item.kind === 'posts' ? item.authorIds : item.kind === 'problem' || item.kind === 'skipped' ? [] : [item.authorId];

export function createWebhookIntake(deps: WebhookIntakeDeps): WebhookIntake {
  const log = deps.logger.child({ component: 'webhook-intake', channel: deps.channel });
  let tail: Promise<unknown> = Promise.resolve();

  const accountsOf = (userIds: string[]) => createAccountsRepository(deps.db).idsByUserId(deps.platform, userIds);

  async function store(item: StreamItem): Promise<StoredItem> {
    let accounts = new Map<string, number>();
    try {
      accounts = await accountsOf(userIdsOf(item));
      const stored = await storeStreamItem(
        {
          db: deps.db,
          clock: deps.clock,
          platform: deps.platform,
          channel: deps.channel,
          accountOf: (id) => accounts.get(id),
        },
        item,
      );
      if (stored.newestPostAt) await createStreamsRepository(deps.db).noteNewestPost(deps.stream, stored.newestPostAt);
      deps.link.attached()?.onActivity?.();
      if (item.kind === 'problem') log.warn({ problem: item.message }, 'an unreadable delivery was kept raw');
      return stored;
    } catch (err) {
      const ids = [...accounts.values()];
      log.error({ err, kind: item.kind, accounts: ids }, 'a delivery could not be stored: its accounts will be polled');
      deps.link.catchUp?.(ids, 'a webhook delivery could not be stored');
      throw err;
    }
  }

  return {
    accept(item) {
      const stored = tail.then(() => store(item));
      tail = stored.catch(() => {});
      return stored;
    },
  };
}
