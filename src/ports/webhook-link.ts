// What a push channel delivered to a webhook (X's Activity API with a
// registered webhook) shares with the HTTP route that receives the
// deliveries: the channel waits for the server to listen before asking X to
// register it (X checks the URL at once), and its "connection" is the route
// accepting deliveries for as long as the stream job holds it open.
import type { StreamConnection, StreamHandlers } from './post-stream.js';

export interface WebhookLink {
  /** Resolves true once the HTTP server listens; false if it does not within `timeoutMs` or `signal` aborts. */
  whenListening(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** The stream job's connection: `onOpen` at once, `onActivity` on each delivery, ended by `close()`. */
  attach(handlers: StreamHandlers): StreamConnection;
}
