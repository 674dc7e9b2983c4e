// A faithful local fake of Bluesky's Jetstream: a WebSocket server on
// 127.0.0.1 at `/subscribe`, fed by the fake AppView's world (a post
// published, deleted, a handle changed, an account deactivated there is an
// event here), with Jetstream's semantics: `wantedCollections` and
// `wantedDids` filters (checked: at most 100 and 10,000, valid NSIDs and
// DIDs, else HTTP 400), `cursor` (time_us) replays the log from that time
// then goes live (a cursor in the future is live), `requireHello=true` holds
// everything until the first `options_update`, which also replaces the
// filters of an open connection (an invalid one closes it). Tests can drop
// every connection, refuse the next connects with an HTTP status, and read
// each event's publication time (for latency measures).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeBskyState } from './fake-bsky-state.js';
import { checkOptions, isWanted, JetstreamLog, type SubscriberOptions } from './fake-jetstream-events.js';

export interface FakeJetstreamConnect {
  query: Record<string, string[]>;
  status: number;
  at: number;
}

interface Subscriber {
  socket: WebSocket;
  options: SubscriberOptions;
  isLive: boolean;
  cursorUs: number | null;
}

export class FakeJetstream {
  readonly log: JetstreamLog;
  readonly connects: FakeJetstreamConnect[] = [];
  /** Publication time (ms) of each post created, by AT URI. */
  readonly publishedAt = new Map<string, number>();
  readonly subscribers = new Set<Subscriber>();
  url = '';
  private refusals: { status: number; times: number } | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());

  constructor(state: FakeBskyState, nowMs: () => number = Date.now) {
    this.log = new JetstreamLog(nowMs);
    state.onChange((change) => {
      const event = this.log.append(change);
      if (change.kind === 'create') this.publishedAt.set(change.record.uri, Date.now());
      for (const sub of this.subscribers)
        if (sub.isLive && isWanted(event, sub.options)) sub.socket.send(event.message);
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async listen(host = '127.0.0.1', port = 0): Promise<void> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    this.url = `ws://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` connects are answered with this HTTP status. */
  refuse(status: number, times = 1): void {
    this.refusals = { status, times };
  }

  /** Ends every connection at once, as a network drop would (no close frame). */
  drop(): void {
    for (const sub of this.subscribers) sub.socket.terminate();
    this.subscribers.clear();
  }

  async close(): Promise<void> {
    this.drop();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const options = { wantedCollections: query.wantedCollections ?? [], wantedDids: query.wantedDids ?? [] };
    const problem = url.pathname !== '/subscribe' ? 'not found' : checkOptions(options);
    const refusal = this.refusals && this.refusals.times > 0 ? this.refusals : undefined;
    const status = url.pathname !== '/subscribe' ? 404 : problem ? 400 : (refusal?.status ?? 101);
    this.connects.push({ query, status, at: Date.now() });
    if (status !== 101) {
      if (refusal && !problem) refusal.times -= 1;
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${problem ?? ''}`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const cursor = query.cursor?.[0];
      const sub: Subscriber = {
        socket: ws,
        options,
        isLive: false,
        cursorUs: cursor && /^\d+$/.test(cursor) ? Number(cursor) : null,
      };
      this.subscribers.add(sub);
      ws.on('close', () => this.subscribers.delete(sub));
      ws.on('message', (data) => this.onClientMessage(sub, data.toString()));
      if (query.requireHello?.[0] !== 'true') this.start(sub);
    });
  }

  /** Replays the log from the cursor (if it is not in the future), then goes live. */
  private start(sub: Subscriber): void {
    if (sub.cursorUs !== null) {
      for (const event of this.log.since(sub.cursorUs))
        if (isWanted(event, sub.options)) sub.socket.send(event.message);
    }
    sub.isLive = true;
  }

  private onClientMessage(sub: Subscriber, text: string): void {
    let message: { type?: unknown; payload?: { wantedCollections?: unknown; wantedDids?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return sub.socket.close(1008, 'invalid subscriber message');
    }
    if (message.type !== 'options_update') return sub.socket.close(1008, 'unknown subscriber message type');
    const p = message.payload ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const options = { wantedCollections: list(p.wantedCollections), wantedDids: list(p.wantedDids) };
    const problem = checkOptions(options);
    if (problem) return sub.socket.close(1008, problem);
    sub.options = options;
    if (!sub.isLive) this.start(sub);
  }
}

export async function startFakeJetstream(
  state: FakeBskyState,
  options: { host?: string; port?: number; now?: () => number } = {},
): Promise<FakeJetstream> {
  const fake = new FakeJetstream(state, options.now);
  await fake.listen(options.host, options.port);
  return fake;
}
