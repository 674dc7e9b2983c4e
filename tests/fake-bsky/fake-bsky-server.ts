// A faithful local fake of the Bluesky AppView (public, no login) over HTTP
// on 127.0.0.1: the XRPC methods in fake-bsky-api.ts, rate-limit headers and
// 429s, faults on demand, and controls for tests (publish, repost, delete,
// handle change, takedown, deactivation, pins). See README.md.
import { answerAsFaultSays, halfOf } from '../helpers/fake-faults.js';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HANDLERS, NSIDS, XrpcFail, type Json, type Nsid } from './fake-bsky-api.js';
import { handleAdmin } from './fake-bsky-admin.js';
import { FaultQueue, mutateBody, RateLimiter, type Fault, type RateWindow } from './fake-bsky-faults.js';
import {
  FakeBskyState,
  type ActorStatus,
  type FakeActor,
  type FakeBskyData,
  type FakeRecord,
} from './fake-bsky-state.js';
import { addPost, addRepost, seedAccount, type PostSpec, type SeedAccountSpec } from './fixtures.js';
import type { ViewContext } from './fake-bsky-views.js';

export interface StartFakeBskyOptions {
  host?: string;
  port?: number;
  data?: FakeBskyData;
  rateLimit?: Partial<RateWindow>;
  /** The fake's clock (ms): default times of new posts, rate-limit windows. Default Date.now. */
  now?: () => number;
  /** Image CDN base shown in views (default https://cdn.bsky.app). */
  cdn?: string;
}

export interface FakeBskyRequest {
  method: string;
  path: string;
  nsid?: Nsid;
  /** Each parameter's values (repeated parameters, e.g. getPosts' `uris`, keep every value). */
  query: Record<string, string[]>;
  /** The status sent, or 0 when no response was sent (hang, close). */
  status: number;
  /** The body sent, as sent (the first half for `reset`). */
  body?: string;
  fault?: string;
  at: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export class FakeBsky {
  readonly state = new FakeBskyState();
  readonly faults = new FaultQueue();
  readonly rateLimit: RateLimiter;
  readonly requests: FakeBskyRequest[] = [];
  readonly views: ViewContext;
  url = '';
  private readonly openResponses = new Set<http.ServerResponse>();
  private readonly arrivals = new EventEmitter();

  constructor(
    readonly now: () => number,
    options: StartFakeBskyOptions,
  ) {
    this.rateLimit = new RateLimiter(now, { limit: 3000, windowMs: 300_000, ...options.rateLimit });
    this.views = { state: this.state, cdn: options.cdn ?? 'https://cdn.bsky.app', video: 'https://video.bsky.app' };
  }

  createAccount(spec: Partial<FakeActor> & { handle: string }): FakeActor {
    return this.state.addActor(spec, new Date(this.now()));
  }

  seedAccount(spec: SeedAccountSpec) {
    return seedAccount(this.state, spec);
  }

  /** Publishes a post of `author` (DID or handle). */
  publish(author: string, spec: PostSpec): FakeRecord {
    return addPost(this.state, author, spec, this.now);
  }

  /** `by` reposts the post `subject` (an AT URI). */
  repost(by: string, subject: string, at?: string | Date): FakeRecord {
    return addRepost(this.state, by, subject, new Date(at ?? this.now()));
  }

  /** Deletes a post or a repost (Bluesky has no edits). */
  deleteRecord(uri: string): void {
    this.state.deleteRecord(uri);
  }

  changeHandle(account: string, handle: string): FakeActor {
    return this.state.changeHandle(account, handle);
  }

  setStatus(account: string, status: ActorStatus): void {
    this.state.setStatus(account, status);
  }

  pin(account: string, uri: string | null): void {
    this.state.pin(account, uri);
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestsTo(nsid?: Nsid): FakeBskyRequest[] {
    return nsid ? this.requests.filter((r) => r.nsid === nsid) : this.requests.filter((r) => r.nsid);
  }

  /** Resolves once `count` requests (to `nsid`, if given) have arrived, answered or not. */
  async waitForRequests(count: number, nsid?: Nsid, timeoutMs = 10_000): Promise<FakeBskyRequest[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.requestsTo(nsid).length < count) {
      await once(this.arrivals, 'request', { signal }).catch(() => {
        throw new Error(`fake AppView: ${this.requestsTo(nsid).length} of ${count} requests after ${timeoutMs} ms`);
      });
    }
    return this.requestsTo(nsid);
  }

  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake-bsky');
    if (url.pathname.startsWith('/__admin/')) {
      void handleAdmin(this, req, res, url);
      return;
    }
    this.openResponses.add(res);
    res.on('close', () => this.openResponses.delete(res));
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const entry: FakeBskyRequest = { method: req.method ?? 'GET', path: url.pathname, query, status: 0, at: '' };
    entry.at = new Date(this.now()).toISOString();
    this.requests.push(entry);
    this.arrivals.emit('request', entry);
    req.resume();
    this.respond(entry, url, res);
  };

  private respond(entry: FakeBskyRequest, url: URL, res: http.ServerResponse): void {
    const nsid = url.pathname.replace(/^\/xrpc\//, '') as Nsid;
    if (!url.pathname.startsWith('/xrpc/') || !NSIDS.includes(nsid)) {
      return this.sendError(entry, res, new XrpcFail(501, 'MethodNotImplemented', 'Method Not Implemented'));
    }
    entry.nsid = nsid;
    if (entry.method !== 'GET') {
      return this.sendError(entry, res, new XrpcFail(400, 'InvalidRequest', `Incorrect HTTP method (${entry.method})`));
    }
    const fault = this.faults.take(nsid);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'rate-limited' || !this.rateLimit.take()) {
      const resetAt = fault?.kind === 'rate-limited' ? fault.resetAt : undefined;
      const limits = this.rateLimit.headers({ remaining: 0, resetAt });
      const wait = Math.max(Number(limits['ratelimit-reset']) - Math.floor(this.now() / 1000), 0);
      const fail = new XrpcFail(429, 'RateLimitExceeded', 'Rate Limit Exceeded');
      return this.sendError(entry, res, fail, { ...limits, 'retry-after': String(wait) });
    }
    answerAsFaultSays(fault, res, () => this.answer(entry, res, fault, nsid, url.searchParams));
  }

  private answer(
    entry: FakeBskyRequest,
    res: http.ServerResponse,
    fault: Fault | undefined,
    nsid: Nsid,
    q: URLSearchParams,
  ) {
    const limits = this.rateLimit.headers();
    if (fault?.kind === 'status') {
      const text =
        fault.body ??
        JSON.stringify({
          error: fault.error ?? 'InternalServerError',
          message: fault.message ?? 'Internal Server Error',
        });
      return this.sendRaw(entry, res, fault.status, fault.contentType ?? JSON_TYPE, text, {
        ...limits,
        ...fault.headers,
      });
    }
    if (fault?.kind === 'empty') return this.sendRaw(entry, res, 200, JSON_TYPE, '', limits);
    if (fault?.kind === 'non-json') {
      return this.sendRaw(
        entry,
        res,
        200,
        'text/html; charset=utf-8',
        '<html><body>502 Bad Gateway</body></html>',
        limits,
      );
    }
    let body: Json;
    try {
      body = HANDLERS[nsid](this.views, q);
    } catch (err) {
      if (err instanceof XrpcFail) return this.sendError(entry, res, err, limits);
      throw err;
    }
    const text = JSON.stringify(mutateBody(fault, body));
    if (fault?.kind === 'truncated') {
      return this.sendRaw(entry, res, 200, JSON_TYPE, halfOf(text), limits);
    }
    if (fault?.kind === 'reset') {
      entry.status = 200;
      entry.body = halfOf(text);
      res.writeHead(200, { 'content-type': JSON_TYPE, ...limits });
      res.write(entry.body, () => res.socket?.destroy());
      return;
    }
    this.sendRaw(entry, res, 200, JSON_TYPE, text, limits);
  }

  private sendError(
    entry: FakeBskyRequest,
    res: http.ServerResponse,
    fail: XrpcFail,
    headers: Record<string, string> = {},
  ) {
    const text = JSON.stringify({ error: fail.error, message: fail.message });
    this.sendRaw(entry, res, fail.status, JSON_TYPE, text, headers);
  }

  private sendRaw(
    entry: FakeBskyRequest,
    res: http.ServerResponse,
    status: number,
    contentType: string,
    text: string,
    headers: Record<string, string>,
  ): void {
    entry.status = status;
    entry.body = text;
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** Ends hanging requests so that close() does not wait for them. */
  dropOpenResponses(): void {
    for (const res of this.openResponses) res.socket?.destroy();
  }
}

export interface RunningFakeBsky extends FakeBsky {
  close(): Promise<void>;
}

export async function startFakeBsky(options: StartFakeBskyOptions = {}): Promise<RunningFakeBsky> {
  const fake = new FakeBsky(options.now ?? Date.now, options);
  if (options.data) fake.state.load(options.data);
  const server = http.createServer(fake.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  fake.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      fake.dropOpenResponses();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return Object.assign(fake, { close });
}
