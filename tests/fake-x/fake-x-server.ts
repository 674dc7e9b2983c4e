// A faithful local fake of the X API v2 over HTTPS (a runtime test CA) or
// HTTP: bearer auth, rate-limit headers, the endpoints the poller uses, and
// faults on demand. See README.md for the API.
import { answerAsFaultSays, halfOf } from '../helpers/fake-faults.js';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getPosts, getTimeline, getUser, type ApiResult } from './fake-x-api.js';
import { FAULT_RESPONSES, mutateBody, problem, rateLimitHeaders, usageCapped } from './fake-x-responses.js';
import { handleAdmin } from './fake-x-admin.js';
import { FaultQueue, type Fault } from './fake-x-faults.js';
import { RateLimiter, type EndpointKey, type RateLimitConfig, type RateLimitHeaders } from './fake-x-rate-limits.js';
import { FakeXState, type FakePost, type FakeXData, type UserStatus } from './fake-x-state.js';
import { makePost, seedAccount, type PostSpec, type SeedAccountSpec } from './fixtures.js';
import { testTls, testTlsIn } from './tls.js';
import { Billing } from './fake-x-billing.js';
import { StreamHub } from './fake-x-stream.js';
import { handleStreamRoute, streamRouteOf } from './fake-x-stream-routes.js';

export interface StartFakeXOptions {
  /** HTTPS with a test CA (default) or plain HTTP. */
  tls?: boolean;
  bearerToken?: string;
  host?: string;
  port?: number;
  data?: FakeXData;
  rateLimits?: Partial<Record<EndpointKey, Partial<RateLimitConfig>>>;
  /** The fake's clock for rate-limit windows (default Date.now). */
  now?: () => number;
  /** Keep the CA, certificate and key in this directory (reused by a restart on the same directory). */
  tlsDir?: string;
}

export interface FakeXRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  endpoint?: EndpointKey;
  /** The status sent, or 0 when no response was sent (hang, close). */
  status: number;
  authorized: boolean;
  fault?: string;
  at: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json';

interface Route {
  endpoint: EndpointKey;
  run(state: FakeXState, query: URLSearchParams): ApiResult;
}

function route(pathname: string): Route | undefined {
  let m = /^\/2\/users\/by\/username\/([^/]+)$/.exec(pathname);
  if (m) return { endpoint: 'users/by/username/:username', run: (s, q) => getUser(s, 'username', m![1]!, q) };
  m = /^\/2\/users\/([^/]+)\/tweets$/.exec(pathname);
  if (m) return { endpoint: 'users/:id/tweets', run: (s, q) => getTimeline(s, m![1]!, q) };
  m = /^\/2\/users\/([^/]+)$/.exec(pathname);
  if (m) return { endpoint: 'users/:id', run: (s, q) => getUser(s, 'id', m![1]!, q) };
  if (pathname === '/2/tweets') {
    return {
      endpoint: 'tweets',
      run: (s, q) => getPosts(s, (q.get('ids') ?? '').split(',').filter(Boolean), 'ids', q),
    };
  }
  m = /^\/2\/tweets\/([^/]+)$/.exec(pathname);
  if (m) return { endpoint: 'tweets/:id', run: (s, q) => getPosts(s, [m![1]!], 'id', q) };
  return undefined;
}

export class FakeX {
  readonly state = new FakeXState();
  readonly faults = new FaultQueue();
  readonly rateLimits: RateLimiter;
  readonly requests: FakeXRequest[] = [];
  /** What X would bill for the answers given (per UTC day). */
  readonly billing = new Billing();
  /** The filtered stream and the Activity API: connections, rules, subscriptions, publications. */
  readonly streams = new StreamHub(this.state, this.billing);
  isUsageCapped = false;
  url = '';
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connectionsAccepted = 0;
  /** Called after each change made through /__admin (process mode saves its state file here). */
  onAdminChange?: () => void;
  private readonly openResponses = new Set<http.ServerResponse>();
  private readonly arrivals = new EventEmitter();

  constructor(
    readonly bearerToken: string,
    now: () => number,
    rateLimits: StartFakeXOptions['rateLimits'],
  ) {
    this.rateLimits = new RateLimiter(now, rateLimits);
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  seedAccount(spec: SeedAccountSpec) {
    return seedAccount(this.state, spec);
  }

  /** Publishes a post (and its media) now or at `spec.at`, and pushes it to the open streams it matches. */
  addPost(spec: PostSpec): FakePost {
    for (const media of spec.media ?? []) this.state.addMedia(media);
    if (spec.poll) this.state.addPoll(spec.poll);
    if (spec.place) this.state.addPlace(spec.place);
    const post = this.state.addPost(makePost(spec));
    this.streams.publishPost(post);
    return post;
  }

  /** An edit is a new post ID: the filtered stream delivers it like any post. */
  editPost(id: string, changes: Partial<FakePost> & { at?: Date | string }): FakePost {
    const edited = this.state.editPost(id, changes);
    this.streams.publishPost(edited);
    return edited;
  }

  deletePost(id: string): void {
    this.state.deletePost(id);
    this.streams.publishDelete(this.state.posts.get(id)!);
  }

  renameUser(id: string, username: string): void {
    const before = this.state.users.get(id)?.username;
    const user = this.state.renameUser(id, username);
    this.streams.publishProfile(user, 'profile.update.handle', before ?? '', username);
  }

  /** A new display name (Activity API: profile.update.screenname). */
  setDisplayName(id: string, name: string): void {
    const user = this.state.users.get(id);
    if (!user) throw new Error(`fake X: no user ${id}`);
    const before = user.name;
    user.name = name;
    this.streams.publishProfile(user, 'profile.update.screenname', before, name);
  }

  setUserStatus(id: string, status: UserStatus): void {
    this.state.setUserStatus(id, status);
  }

  setUsageCapped(capped: boolean): void {
    this.isUsageCapped = capped;
  }

  /** Requests to the API (not to /__admin), optionally only one endpoint's. */
  requestsTo(endpoint?: EndpointKey): FakeXRequest[] {
    return endpoint ? this.requests.filter((r) => r.endpoint === endpoint) : this.requests;
  }

  /**
   * Resolves once `count` requests (to `endpoint`, if given) have arrived, answered or not:
   * e.g. wait for the hanging second page before killing the poller.
   */
  async waitForRequests(count: number, endpoint?: EndpointKey, timeoutMs = 10_000): Promise<FakeXRequest[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.requestsTo(endpoint).length < count) {
      await once(this.arrivals, 'request', { signal }).catch(() => {
        throw new Error(`fake X: ${this.requestsTo(endpoint).length} of ${count} requests after ${timeoutMs} ms`);
      });
    }
    return this.requestsTo(endpoint);
  }

  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake-x');
    if (url.pathname.startsWith('/__admin/')) {
      void handleAdmin(this, req, res, url);
      return;
    }
    this.openResponses.add(res);
    res.on('close', () => this.openResponses.delete(res));
    const entry: FakeXRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      authorized: req.headers.authorization === `Bearer ${this.bearerToken}`,
      at: new Date().toISOString(),
    };
    this.requests.push(entry);
    this.arrivals.emit('request', entry);
    const streamRoute = streamRouteOf(url.pathname);
    if (streamRoute) {
      void handleStreamRoute(this, entry, url, req, res, streamRoute);
      return;
    }
    req.resume();
    this.respond(entry, url, res);
  };

  /** Answers with a JSON (or problem+json) body: what the stream routes use. */
  reply(entry: FakeXRequest, res: http.ServerResponse, result: ApiResult, limits?: RateLimitHeaders): void {
    this.send(entry, res, result, limits);
  }

  private respond(entry: FakeXRequest, url: URL, res: http.ServerResponse): void {
    const found = route(url.pathname);
    if (!found || entry.method !== 'GET') {
      return this.send(entry, res, { status: 404, body: problem(404, 'Not Found') }, undefined);
    }
    entry.endpoint = found.endpoint;
    if (!entry.authorized) return this.send(entry, res, { status: 401, body: problem(401, 'Unauthorized') }, undefined);
    if (this.isUsageCapped) {
      return this.send(entry, res, { status: 429, body: usageCapped() }, this.rateLimits.headers(found.endpoint));
    }
    const fault = this.faults.take(found.endpoint);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'rate-limited') {
      const limits = { ...this.rateLimits.headers(found.endpoint), remaining: 0 };
      return this.send(entry, res, FAULT_RESPONSES['rate-limited']!(), limits);
    }
    const limits = this.rateLimits.take(found.endpoint);
    if (!limits.allowed) return this.send(entry, res, FAULT_RESPONSES['rate-limited']!(), limits);
    answerAsFaultSays(fault, res, () =>
      this.answer(entry, res, fault, found.run(this.state, url.searchParams), limits),
    );
  }

  private answer(
    entry: FakeXRequest,
    res: http.ServerResponse,
    fault: Fault | undefined,
    result: ApiResult,
    limits: RateLimitHeaders,
  ): void {
    if (fault?.kind === 'status') {
      const body =
        (fault.body as Record<string, unknown>) ?? problem(fault.status, http.STATUS_CODES[fault.status] ?? 'Error');
      const type = fault.contentType ?? (body.type === 'about:blank' ? PROBLEM_TYPE : JSON_TYPE);
      return this.sendRaw(entry, res, fault.status, type, JSON.stringify(body), limits, fault.headers);
    }
    const canned = fault && FAULT_RESPONSES[fault.kind];
    if (canned) {
      return this.send(entry, res, canned(), { ...limits, remaining: Math.max(limits.remaining, 1) });
    }
    if (fault?.kind === 'empty') return this.sendRaw(entry, res, 200, JSON_TYPE, '', limits);
    if (fault?.kind === 'non-json') {
      return this.sendRaw(entry, res, 200, 'text/html; charset=utf-8', '<html><body>Bad gateway</body></html>', limits);
    }
    const body = fault ? mutateBody(fault, result.body) : result.body;
    if (result.status === 200)
      this.billing.recordResponse(body, entry.endpoint!.startsWith('users/') && !entry.endpoint!.endsWith('/tweets'));
    const text = JSON.stringify(body);
    if (fault?.kind === 'truncated') {
      return this.sendRaw(entry, res, result.status, JSON_TYPE, halfOf(text), limits);
    }
    if (fault?.kind === 'reset') {
      entry.status = result.status;
      res.writeHead(result.status, { 'content-type': JSON_TYPE, ...rateLimitHeaders(limits) });
      res.write(halfOf(text), () => res.socket?.destroy());
      return;
    }
    this.send(entry, res, { status: result.status, body }, limits);
  }

  private send(
    entry: FakeXRequest,
    res: http.ServerResponse,
    result: ApiResult,
    limits: RateLimitHeaders | undefined,
    contentType?: string,
  ): void {
    const type = contentType ?? (result.body.type === 'about:blank' ? PROBLEM_TYPE : JSON_TYPE);
    this.sendRaw(entry, res, result.status, type, JSON.stringify(result.body), limits);
  }

  private sendRaw(
    entry: FakeXRequest,
    res: http.ServerResponse,
    status: number,
    contentType: string,
    text: string,
    limits: RateLimitHeaders | undefined,
    headers: Record<string, string> = {},
  ): void {
    entry.status = status;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      ...(limits ? rateLimitHeaders(limits) : {}),
      ...headers,
    });
    res.end(text);
  }

  /** Ends hanging requests so that close() does not wait for them. */
  dropOpenResponses(): void {
    for (const res of this.openResponses) res.socket?.destroy();
  }
}

export interface RunningFakeX extends FakeX {
  readonly url: string;
  /** The test CA (PEM); empty in HTTP mode. */
  readonly caPem: string;
  /** A file holding caPem, for NODE_EXTRA_CA_CERTS in child processes; empty in HTTP mode. */
  readonly caFile: string;
  /** Connections open right now. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeX(options: StartFakeXOptions = {}): Promise<RunningFakeX> {
  const fake = new FakeX(options.bearerToken ?? 'fake-x-bearer-token', options.now ?? Date.now, options.rateLimits);
  if (options.data) fake.state.load(options.data);
  const useTls = options.tls ?? true;
  const tls = !useTls ? undefined : options.tlsDir ? await testTlsIn(options.tlsDir) : await testTls();
  const server = tls
    ? https.createServer({ cert: tls.certPem, key: tls.keyPem }, fake.handle)
    : http.createServer(fake.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('connection', () => (fake.connectionsAccepted += 1));
  const { port } = server.address() as AddressInfo;
  // A temporary CA file unless the TLS material lives in a directory the caller keeps.
  const dir = tls && !options.tlsDir ? mkdtempSync(path.join(tmpdir(), 'fake-x-')) : '';
  const caFile = !tls ? '' : path.join(options.tlsDir ?? dir, 'ca.pem');
  if (dir) writeFileSync(caFile, tls!.caPem);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      fake.streams.close();
      fake.dropOpenResponses();
      server.close(() => resolve());
      server.closeAllConnections();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }));
  fake.url = `${useTls ? 'https' : 'http'}://${host}:${port}`;
  const openConnections = () =>
    new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  return Object.assign(fake, { caPem: tls?.caPem ?? '', caFile, openConnections, close });
}
