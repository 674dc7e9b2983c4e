// A faithful local fake of one Mastodon server's REST API over HTTP on
// 127.0.0.1: the endpoints a poller reads (fake-mastodon-api.ts), access
// tokens (required on servers that refuse anonymous clients), the rate-limit
// headers and 429, faults on demand, a request log, and an admin API
// (/__admin/..., fake-mastodon-admin.ts). See README.md.
import { answerAsFaultSays, halfOf } from '../helpers/fake-faults.js';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './fake-mastodon-admin.js';
import { route, type ApiResult, type EndpointKey } from './fake-mastodon-api.js';
import { breakFirstStatus, FaultQueue, RateLimiter, type Fault, type RateLimitConfig } from './fake-mastodon-faults.js';
import { FakeMastodonState, type FakeStatus } from './fake-mastodon-state.js';
import {
  addAccount,
  addStatus,
  makeRevision,
  seedAccount,
  type AccountSpec,
  type RevisionSpec,
  type SeedSpec,
  type StatusSpec,
} from './fixtures.js';

export interface StartFakeMastodonOptions {
  /** The server's name (what handles and URLs carry), default gov.example. */
  domain?: string;
  /** Tokens the server accepts (default one: `fake-mastodon-token`). */
  tokens?: string[];
  /** Refuse clients without a valid token (authorized-fetch / limited-federation servers). */
  requireToken?: boolean;
  /** How a deleted status answers (Mastodon: 404; some servers: 410 Gone). */
  deletedStatus?: 404 | 410;
  suspendedAccounts?: 'empty' | 'gone';
  rateLimit?: Partial<RateLimitConfig>;
  /** X-RateLimit-Reset as ISO 8601 (Mastodon) or Unix seconds (some other servers). */
  resetFormat?: 'iso' | 'unix';
  host?: string;
  port?: number;
  /** The fake's clock (publication times, poll expiry, rate-limit windows); default Date.now. */
  now?: () => number;
}

export interface FakeMastodonRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  endpoint?: EndpointKey;
  /** The status sent, or 0 when none was sent (hang, close). */
  status: number;
  authorized: boolean;
  fault?: string;
  at: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export class FakeMastodon {
  readonly state: FakeMastodonState;
  readonly faults = new FaultQueue();
  readonly rateLimits: RateLimiter;
  readonly requests: FakeMastodonRequest[] = [];
  url = '';
  connectionsAccepted = 0;
  private readonly arrivals = new EventEmitter();
  private readonly open = new Set<http.ServerResponse>();

  constructor(
    readonly options: Required<Omit<StartFakeMastodonOptions, 'host' | 'port' | 'rateLimit'>> & {
      rateLimit: RateLimitConfig;
    },
  ) {
    this.state = new FakeMastodonState(options.domain);
    this.rateLimits = new RateLimiter(options.now, options.rateLimit, options.resetFormat);
  }

  get domain(): string {
    return this.options.domain;
  }

  /** The first accepted token. */
  get token(): string {
    return this.options.tokens[0]!;
  }

  addAccount = (spec: AccountSpec) => addAccount(this.state, spec);
  seedAccount = (spec: SeedSpec) => seedAccount(this.state, spec, this.options.now);
  publish = (spec: StatusSpec) => addStatus(this.state, spec, this.options.now);

  /** A new revision of a status: what `spec` does not give stays as it was. */
  edit(id: string, spec: RevisionSpec): FakeStatus {
    const before = this.state.status(id).current;
    const at = new Date(spec.at ?? this.options.now()).toISOString();
    const kept = {
      spoilerText: before.spoilerText,
      sensitive: before.sensitive,
      language: before.language,
      pollOptions: before.pollOptions ?? undefined,
      media: before.mediaIds.map((m) => this.state.media.get(m)!),
    };
    const revision = makeRevision(this.state, { ...kept, ...spec }, at);
    const keepsWords = spec.text === undefined && spec.html === undefined;
    const words = keepsWords ? { html: before.html, mentionIds: before.mentionIds, tags: before.tags } : {};
    return this.state.edit(id, { ...revision, ...words });
  }

  delete = (id: string) => this.state.delete(id);
  rename = (accountId: string, username: string) => this.state.rename(accountId, username);
  suspend = (accountId: string, suspended = true) => this.state.setSuspended(accountId, suspended);
  injectFault = (fault: Fault) => this.faults.add(fault);
  clearFaults = () => this.faults.clear();

  requestsTo(endpoint?: EndpointKey): FakeMastodonRequest[] {
    return endpoint ? this.requests.filter((r) => r.endpoint === endpoint) : this.requests;
  }

  /** Resolves once `count` requests (to `endpoint`) have arrived, answered or not. */
  async waitForRequests(count: number, endpoint?: EndpointKey, timeoutMs = 10_000): Promise<FakeMastodonRequest[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.requestsTo(endpoint).length < count) {
      await once(this.arrivals, 'request', { signal }).catch(() => {
        throw new Error(
          `fake Mastodon: ${this.requestsTo(endpoint).length} of ${count} requests after ${timeoutMs} ms`,
        );
      });
    }
    return this.requestsTo(endpoint);
  }

  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake-mastodon');
    if (url.pathname.startsWith('/__admin/')) return void handleAdmin(this, req, res, url);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const entry: FakeMastodonRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      authorized: auth !== undefined && this.options.tokens.includes(auth),
      at: new Date(this.options.now()).toISOString(),
    };
    this.requests.push(entry);
    this.arrivals.emit('request', entry);
    req.resume();
    this.respond(entry, url, auth, res);
  };

  private respond(entry: FakeMastodonRequest, url: URL, auth: string | undefined, res: http.ServerResponse) {
    const found = route(url.pathname);
    if (!found || entry.method !== 'GET')
      return this.send(entry, res, { status: 404, body: { error: 'Record not found' } });
    entry.endpoint = found.endpoint;
    if (auth !== undefined && !entry.authorized) {
      return this.send(entry, res, { status: 401, body: { error: 'The access token is invalid' } });
    }
    if (this.options.requireToken && !entry.authorized) {
      return this.send(entry, res, { status: 401, body: { error: 'This API requires an authenticated user' } });
    }
    const fault = this.faults.take(found.endpoint);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'rate-limited' || !this.rateLimits.take()) {
      const headers = {
        ...this.rateLimits.headers(fault?.kind === 'rate-limited' ? fault.resetAt : undefined),
        'x-ratelimit-remaining': '0',
      };
      return this.send(entry, res, { status: 429, body: { error: 'Too many requests' }, headers });
    }
    answerAsFaultSays(fault, res, () => this.answer(entry, res, fault, found.run(this.context(), url.searchParams)));
  }

  private context() {
    const { state, options } = this;
    const publicUrl = `https://${options.domain}`;
    return {
      state,
      now: options.now(),
      publicUrl,
      deletedStatus: options.deletedStatus,
      suspendedAccounts: options.suspendedAccounts,
    };
  }

  private answer(entry: FakeMastodonRequest, res: http.ServerResponse, fault: Fault | undefined, result: ApiResult) {
    const limits = this.rateLimits.headers();
    if (fault?.kind === 'status') {
      const body = fault.body ?? { error: http.STATUS_CODES[fault.status] ?? 'Error' };
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return this.sendRaw(entry, res, fault.status, fault.contentType ?? JSON_TYPE, text, {
        ...limits,
        ...fault.headers,
      });
    }
    if (fault?.kind === 'unauthorized')
      return this.send(entry, res, { status: 401, body: { error: 'The access token was revoked' } });
    if (fault?.kind === 'empty') return this.sendRaw(entry, res, 200, JSON_TYPE, '', limits);
    if (fault?.kind === 'non-json') {
      return this.sendRaw(
        entry,
        res,
        200,
        'text/html; charset=utf-8',
        '<html><body><h1>502 Bad Gateway</h1></body></html>',
        limits,
      );
    }
    let body = result.body;
    if (fault?.kind === 'missing-id' || fault?.kind === 'wrong-type') body = breakFirstStatus(body, fault.kind);
    if (fault?.kind === 'mutate') body = fault.mutate(body);
    const text = JSON.stringify(body);
    const headers = { ...limits, ...result.headers };
    if (fault?.kind === 'truncated') return this.sendRaw(entry, res, result.status, JSON_TYPE, halfOf(text), headers);
    if (fault?.kind === 'reset') {
      entry.status = result.status;
      res.writeHead(result.status, {
        'content-type': JSON_TYPE,
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      return void res.write(halfOf(text), () => res.socket?.destroy());
    }
    this.sendRaw(entry, res, result.status, JSON_TYPE, text, headers);
  }

  private send(entry: FakeMastodonRequest, res: http.ServerResponse, result: ApiResult) {
    this.sendRaw(entry, res, result.status, JSON_TYPE, JSON.stringify(result.body), {
      ...this.rateLimits.headers(),
      ...result.headers,
    });
  }

  private sendRaw(
    entry: FakeMastodonRequest,
    res: http.ServerResponse,
    status: number,
    type: string,
    text: string,
    headers: Record<string, string>,
  ) {
    entry.status = status;
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** Ends hanging requests so that close() does not wait for them. */
  dropOpenResponses(): void {
    for (const res of this.open) res.socket?.destroy();
  }
}

export interface RunningFakeMastodon extends FakeMastodon {
  readonly url: string;
  close(): Promise<void>;
}

export async function startFakeMastodon(options: StartFakeMastodonOptions = {}): Promise<RunningFakeMastodon> {
  const fake = new FakeMastodon({
    domain: (options.domain ?? 'gov.example').toLowerCase(),
    tokens: options.tokens ?? ['fake-mastodon-token'],
    requireToken: options.requireToken ?? false,
    deletedStatus: options.deletedStatus ?? 404,
    suspendedAccounts: options.suspendedAccounts ?? 'empty',
    resetFormat: options.resetFormat ?? 'iso',
    now: options.now ?? Date.now,
    rateLimit: { limit: 300, windowMs: 5 * 60_000, ...options.rateLimit },
  });
  const server = http.createServer(fake.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('connection', () => (fake.connectionsAccepted += 1));
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
