// Bluesky's Jetstream as a PostStream: one WebSocket to
// `<instance>/subscribe?wantedCollections=app.bsky.feed.post&wantedDids=…&cursor=<time_us>`
// (the `ws` client: Node 20 has no WebSocket of its own). Jetstream needs no
// credentials. A connection carries at most 10,000 DIDs (Jetstream's limit);
// a short list rides in the URL, a long one (or an empty one, since no
// wantedDids means the whole network) is sent as an `options_update` after
// connecting with `requireHello=true`, and accounts added or removed later
// are sent the same way, without reconnecting. A reconnect resumes from the
// stored cursor minus a small overlap (core/jetstream-payload.ts). After
// repeated failed connects the next instance (the fallback) is tried.
import WebSocket from 'ws';
import { resumeCursor } from '../../core/jetstream-payload.js';
import { failureOfStatus } from '../../core/stream-backoff.js';
import type { Logger } from '../../logger.js';
import type { PostStream, StreamAccount, StreamEnd, StreamHandlers } from '../../ports/post-stream.js';
import { messageToItem } from './jetstream-items.js';

export const JETSTREAM_CHANNEL = 'bsky:jetstream';
export const POST_COLLECTION = 'app.bsky.feed.post';
/** Jetstream's limit of wantedDids per connection. */
export const MAX_WANTED_DIDS = 10_000;
/** More DIDs than this go in an options_update rather than the URL. */
export const URL_DIDS_MAX = 100;
/** Failed connects in a row before the next instance is tried. */
export const FAILOVER_AFTER = 3;

export interface JetstreamOptions {
  /** Instances, preferred first (BSKY_JETSTREAM_URL, then BSKY_JETSTREAM_FALLBACK_URL). */
  urls: string[];
  logger: Logger;
  /** Nothing received (not even a pong) for this long: the connection is lost. */
  keepAliveTimeoutMs?: number;
  /** How long the WebSocket handshake may take. */
  handshakeTimeoutMs?: number;
}

/** The open connection: told when the accounts to carry change. */
type Live = { isOpen: () => boolean; update: (dids: string[]) => void };

/** The subscribe address for these DIDs and cursor, and whether the DIDs must follow in an options_update. */
export function subscribeUrl(base: string, dids: string[], cursor: string | null): { url: string; isHello: boolean } {
  const url = new URL(`${base.replace(/\/+$/, '')}/subscribe`);
  url.searchParams.append('wantedCollections', POST_COLLECTION);
  const isHello = dids.length === 0 || dids.length > URL_DIDS_MAX;
  if (isHello) url.searchParams.set('requireHello', 'true');
  else for (const did of dids) url.searchParams.append('wantedDids', did);
  if (cursor) url.searchParams.set('cursor', cursor);
  return { url: url.toString(), isHello };
}

export function optionsUpdate(dids: string[]): string {
  return JSON.stringify({
    type: 'options_update',
    payload: { wantedCollections: [POST_COLLECTION], wantedDids: dids, maxMessageSizeBytes: 0 },
  });
}

export function createJetstream(options: JetstreamOptions): PostStream {
  const log = options.logger.child({ component: 'jetstream' });
  const keepAliveMs = options.keepAliveTimeoutMs ?? 60_000;
  let dids: string[] = [];
  const handles = new Map<string, string>();
  let failures = 0;
  let live: Live | undefined;

  function sync(accounts: StreamAccount[]) {
    const carried = accounts.slice(0, MAX_WANTED_DIDS);
    const before = dids.join(',');
    dids = carried.map((a) => a.platformUserId);
    for (const a of carried) if (a.handle) handles.set(a.platformUserId, a.handle);
    if (live?.isOpen() && dids.join(',') !== before) live.update(dids);
    const reason = `limit: a Jetstream connection carries at most ${MAX_WANTED_DIDS} accounts`;
    return Promise.resolve({
      covered: carried.map((a) => a.accountId),
      uncovered: accounts.slice(MAX_WANTED_DIDS).map((a) => ({ accountId: a.accountId, reason })),
    });
  }

  /**
   * No account to carry: no socket (no wantedDids would mean the whole
   * network); the connection ends, to be reopened at once, when one comes.
   */
  function idle(handlers: StreamHandlers) {
    let settle!: (end: StreamEnd) => void;
    const ended = new Promise<StreamEnd>((resolve) => (settle = resolve));
    let isEnded = false;
    const close = (e?: StreamEnd) => {
      isEnded = true;
      if (live === idleLive) live = undefined;
      settle(e ?? { failure: 'stopped', message: 'closed by onrecord' });
    };
    const idleLive: Live = {
      isOpen: () => !isEnded,
      update: () => close({ failure: 'dropped', message: 'accounts to carry: connecting' }),
    };
    live = idleLive;
    queueMicrotask(() => handlers.onOpen());
    return { ended, close };
  }

  function connect(handlers: StreamHandlers, resumeFrom?: string | null) {
    if (dids.length === 0) return idle(handlers);
    const base = options.urls[Math.floor(failures / FAILOVER_AFTER) % options.urls.length]!;
    const { url, isHello } = subscribeUrl(base, dids, resumeCursor(resumeFrom));
    const requestUrl = url.replace(/([?&])wantedDids=[^&]*/g, '$1').replace(/&{2,}/g, '&');
    const socket = new WebSocket(url, { handshakeTimeout: options.handshakeTimeoutMs ?? 10_000 });
    let wasOpen = false;
    let settle!: (end: StreamEnd) => void;
    const ended = new Promise<StreamEnd>((resolve) => (settle = resolve));
    let isEnded = false;
    const end = (e: StreamEnd) => {
      if (isEnded) return;
      isEnded = true;
      clearInterval(keepAlive);
      if (live === mine) live = undefined;
      failures = wasOpen ? 0 : failures + 1;
      socket.removeAllListeners('message');
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
      settle(e);
    };
    const mine: Live = {
      isOpen: () => !isEnded,
      // An emptied list ends the connection (no wantedDids would mean the whole network).
      update: (next) => {
        if (next.length) socket.send(optionsUpdate(next));
        else end({ failure: 'dropped', message: 'no accounts to carry' });
      },
    };
    let lastHeard = Date.now();
    const keepAlive = setInterval(() => {
      if (Date.now() - lastHeard > keepAliveMs)
        end({ failure: 'dropped', message: 'no data nor pong: connection lost' });
      else if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, keepAliveMs / 3);
    const heard = () => {
      lastHeard = Date.now();
      handlers.onActivity?.();
    };
    socket.on('open', () => {
      wasOpen = true;
      live = mine;
      if (isHello && dids.length) socket.send(optionsUpdate(dids));
      log.info({ instance: base, accounts: dids.length, cursor: resumeFrom ?? null }, 'Jetstream connected');
      handlers.onOpen();
    });
    socket.on('message', (data: WebSocket.RawData) => {
      heard();
      const raw = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as Buffer).toString('utf8');
      const item = messageToItem(raw, requestUrl, new Date(), (did) => handles.get(did));
      if (item.kind === 'profile' && item.after) handles.set(item.authorId, item.after);
      handlers.onItem(item);
    });
    socket.on('pong', heard);
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      end({ failure: failureOfStatus(status), status, message: `Jetstream answered ${status} at ${base}` });
    });
    socket.on('error', (err) => end({ failure: wasOpen ? 'dropped' : 'network', message: err.message }));
    socket.on('close', (code, reason) =>
      end({ failure: 'dropped', message: `Jetstream closed the connection (${code} ${reason.toString()})`.trim() }),
    );
    return { ended, close: (e?: StreamEnd) => end(e ?? { failure: 'stopped', message: 'closed by onrecord' }) };
  }

  return {
    name: JETSTREAM_CHANNEL,
    probe: () => Promise.resolve({ allowed: true }),
    sync,
    connect,
  };
}
