// LISTEN on a PostgreSQL channel over a dedicated connection, reconnecting
// after a loss. Notifications only wake a worker early: the worker also
// ticks, so a notification missed during a reconnect delays work by at most
// one tick and loses nothing.
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { sleep } from '../../core/lifecycle.js';

export interface Listener {
  close(): Promise<void>;
}

const RECONNECT_MS = 1000;

/** `url` may be a function: read at each (re)connection, for a server that moves (the embedded database's owner). */
export function listenForNotifications(
  url: string | (() => string),
  channel: string,
  onNotify: () => void,
  logger: Logger,
): Listener {
  const stopped = new AbortController();
  let client: pg.Client | undefined;
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await listenUntilLost(typeof url === 'string' ? url : url(), channel, onNotify, (c) => (client = c)).catch(
        (err: unknown) => {
          if (!stopped.signal.aborted) logger.warn({ err, channel }, 'LISTEN connection failed; relying on ticks');
        },
      );
      client = undefined;
      await sleep(RECONNECT_MS, stopped.signal);
    }
  })();
  return {
    async close() {
      stopped.abort();
      await client?.end().catch(() => {});
      await loop;
    },
  };
}

/** Connects and listens; resolves when the connection ends. */
async function listenUntilLost(
  url: string,
  channel: string,
  onNotify: () => void,
  expose: (c: pg.Client) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  const ended = new Promise<void>((resolve) => {
    client.on('end', resolve);
    client.on('error', () => void client.end().catch(() => {}));
  });
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify();
  });
  expose(client);
  await client.connect();
  await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
  // Anything recorded while the connection was down is picked up now.
  onNotify();
  await ended;
}
