// A faithful local fake of press offices' feed servers (HTTP on 127.0.0.1):
// RSS 2.0, RSS 1.0, Atom and JSON Feed documents rendered from its state, with
// HTTP's conditional GET (RFC 9110 §13): a strong (or weak) ETag over the
// bytes, Last-Modified at the last change; If-None-Match compared weakly and,
// when present, deciding alone; If-Modified-Since otherwise; 304 with the ETag
// and no body. Per feed: validators on or off, a wrong content type, a BOM,
// gzip; redirects; faults (statuses with Retry-After, malformed bodies, HTML
// pages, hangs). Every request is counted. See README.md.
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { answerFault, header, isNotModified, type FakeFeedFault } from './fake-feed-http.js';
import { CONTENT_TYPES, renderFeed, type FakeFeedFormat, type FakeFeedItem } from './fake-feed-render.js';

export type { FakeFeedFault } from './fake-feed-http.js';

export type ValidatorMode = 'both' | 'etag' | 'last-modified' | 'none';

export interface FakeFeedSpec {
  /** Where the feed is served, e.g. `/press/rss.xml`. */
  path: string;
  format: FakeFeedFormat;
  title?: string;
  lang?: string;
  homeUrl?: string;
  /** Newest first. */
  items: FakeFeedItem[];
  /** Which validators the server sends and honours (default both); 'none' answers 200 to everything. */
  validators?: ValidatorMode;
  weakEtag?: boolean;
  /** The Content-Type sent instead of the format's own (servers send text/html, application/octet-stream). */
  contentType?: string;
  /** A UTF-8 byte order mark before the document. */
  bom?: boolean;
  /** Gzip the body when the client accepts it. */
  gzip?: boolean;
}

interface FeedState extends Required<Omit<FakeFeedSpec, 'contentType'>> {
  contentType?: string;
  /** When the feed last changed (second precision), sent as Last-Modified. */
  changedAt: number;
}

export interface FakeFeedRequest {
  method: string;
  path: string;
  /** The status sent (0 when none was: a hang). */
  status: number;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  accept: string | null;
  fault?: string;
  at: string;
}

export interface StartFakeFeedsOptions {
  /** The fake's clock for Last-Modified (default Date.now). */
  now?: () => number;
}

export class FakeFeeds extends EventEmitter {
  url = '';
  readonly requests: FakeFeedRequest[] = [];
  private readonly feeds = new Map<string, FeedState>();
  private readonly redirects = new Map<string, { location: string; status: number }>();
  private faults: FakeFeedFault[] = [];
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(private readonly now: () => number) {
    super();
  }

  /** Serves a feed; returns its URL. */
  addFeed(spec: FakeFeedSpec): string {
    this.feeds.set(spec.path, {
      title: 'Ministry of Coastal Affairs',
      lang: 'en',
      homeUrl: 'https://coast.nordvale.example/',
      validators: 'both',
      weakEtag: false,
      bom: false,
      gzip: false,
      ...spec,
      items: structuredClone(spec.items),
      changedAt: this.stamp(0),
    });
    return this.feedUrl(spec.path);
  }

  feedUrl(path: string): string {
    return `${this.url}${path}`;
  }

  /** The feed's current items (a copy). */
  items(path: string): FakeFeedItem[] {
    return structuredClone(this.feed(path).items);
  }

  /** Changes an item in place (same id): what a press office's correction does. */
  changeItem(path: string, id: string, patch: Partial<FakeFeedItem>): void {
    const feed = this.feed(path);
    const item = feed.items.find((i) => i.id === id);
    if (!item) throw new Error(`no item ${id} in ${path}`);
    Object.assign(item, patch);
    this.touch(feed);
  }

  /** Removes an item from the feed (it falls off the end, or the office prunes it). */
  dropItem(path: string, id: string): void {
    const feed = this.feed(path);
    feed.items = feed.items.filter((i) => i.id !== id);
    this.touch(feed);
  }

  /** Publishes a new item at the top of the feed. */
  addItem(path: string, item: FakeFeedItem): void {
    const feed = this.feed(path);
    feed.items.unshift(structuredClone(item));
    this.touch(feed);
  }

  /** Changes how the feed is served (validators, content type, BOM, gzip); the content is unchanged. */
  configure(
    path: string,
    settings: Partial<Pick<FakeFeedSpec, 'validators' | 'weakEtag' | 'contentType' | 'bom' | 'gzip'>>,
  ) {
    Object.assign(this.feed(path), settings);
  }

  /** Answers `fromPath` with a redirect to `location` (absolute, or a path on this server). */
  redirect(fromPath: string, location: string, status = 301): void {
    this.redirects.set(fromPath, { location, status });
  }

  injectFault(fault: FakeFeedFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  requestsTo(path: string): FakeFeedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `count` requests (to `path`, or any) have arrived, answered or not. */
  async waitForRequests(count: number, path?: string, timeoutMs = 10_000): Promise<FakeFeedRequest[]> {
    const matching = () => (path ? this.requestsTo(path) : this.requests);
    const deadline = Date.now() + timeoutMs;
    while (matching().length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${matching().length} of ${count} requests arrived within ${timeoutMs} ms`);
      await Promise.race([once(this, 'request'), new Promise((r) => setTimeout(r, Math.min(left, 200)))]);
    }
    return matching();
  }

  /** Answers one request (the server's handler). */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const entry: FakeFeedRequest = {
      method: req.method ?? 'GET',
      path,
      status: 0,
      ifNoneMatch: header(req, 'if-none-match'),
      ifModifiedSince: header(req, 'if-modified-since'),
      accept: header(req, 'accept'),
      at: new Date(this.now()).toISOString(),
    };
    this.requests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    this.emit('request', entry);
    if (entry.method !== 'GET' && entry.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const redirect = this.redirects.get(path);
    if (redirect) return void res.writeHead(redirect.status, { location: redirect.location }).end();
    const feed = this.feeds.get(path);
    if (!feed) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Page not found</h1>');
    const fault = this.takeFault(path);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'hang') return void this.hang(res);
    if (fault && fault.kind !== 'ignore-conditional')
      return void answerFault(fault, renderFeed(this.doc(feed)), CONTENT_TYPES[feed.format], res);
    this.serve(feed, req, res, fault?.kind === 'ignore-conditional');
  }

  /** Ends hanging requests, so that the server can close. */
  endHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  private serve(feed: FeedState, req: http.IncomingMessage, res: http.ServerResponse, ignoreConditional: boolean) {
    const text = renderFeed(this.doc(feed));
    const body = Buffer.from(feed.bom ? `\uFEFF${text}` : text, 'utf8');
    const tag = `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`;
    const etag = feed.validators === 'both' || feed.validators === 'etag' ? (feed.weakEtag ? `W/${tag}` : tag) : null;
    const lastModified =
      feed.validators === 'both' || feed.validators === 'last-modified' ? new Date(feed.changedAt).toUTCString() : null;
    const validators = { ...(etag ? { etag } : {}), ...(lastModified ? { 'last-modified': lastModified } : {}) };
    if (!ignoreConditional && isNotModified(req, etag, lastModified ? feed.changedAt : null)) {
      // RFC 9110 §15.4.5: the ETag a 200 would carry; Last-Modified only when there is no ETag.
      return void res.writeHead(304, etag ? { etag } : validators).end();
    }
    const zipped = feed.gzip && /\bgzip\b/.test(header(req, 'accept-encoding') ?? '');
    const sent = zipped ? gzipSync(body) : body;
    res.writeHead(200, {
      'content-type': feed.contentType ?? CONTENT_TYPES[feed.format],
      'content-length': String(sent.length),
      ...(zipped ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}),
      ...validators,
    });
    res.end(req.method === 'HEAD' ? undefined : sent);
  }

  private doc(feed: FeedState) {
    const { format, title, homeUrl, lang, items, path } = feed;
    return { format, title, homeUrl, lang, items, selfUrl: this.feedUrl(path) };
  }

  private feed(path: string): FeedState {
    const feed = this.feeds.get(path);
    if (!feed) throw new Error(`no feed at ${path}`);
    return feed;
  }

  /**
   * A change's Last-Modified: now at second precision, and always a later
   * second than the previous change (as a CMS stamps each save), so that
   * If-Modified-Since never hides a change made within the same second.
   */
  private stamp(previous: number): number {
    return Math.max(Math.floor(this.now() / 1000) * 1000, previous + 1000);
  }

  private touch(feed: FeedState): void {
    feed.changedAt = this.stamp(feed.changedAt);
  }

  private takeFault(path: string): FakeFeedFault | undefined {
    const index = this.faults.findIndex((f) => !f.path || f.path === path);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (fault.after) {
      fault.after -= 1;
      return undefined;
    }
    if (fault.times !== 'always') {
      fault.times = (fault.times as number) - 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }

  private hang(res: http.ServerResponse): void {
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }
}

export interface RunningFakeFeeds extends FakeFeeds {
  close(): Promise<void>;
}

export async function startFakeFeeds(options: StartFakeFeedsOptions = {}): Promise<RunningFakeFeeds> {
  const fake = new FakeFeeds(options.now ?? Date.now);
  const server = http.createServer((req, res) => fake.handle(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      fake.endHanging();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return Object.assign(fake, { close });
}
