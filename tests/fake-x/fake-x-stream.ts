// X's push channels, played: the filtered stream (GET /2/tweets/search/stream
// with its rules) and the X Activity API stream (GET /2/activity/stream with
// its subscriptions). A connection is a chunked HTTP response of JSON lines
// ended by "\r\n", with a keep-alive "\r\n" every `keepAliveMs` (X: 20 s);
// what is published while no connection is open is never delivered (as on X:
// no backfill on self-serve plans). One connection per stream (pay-per-use);
// a second one is refused with 429 TooManyConnections. Faults: drop the
// connections, send X's operational-disconnect message, or stall (no bytes at
// all, as a dead network path looks to the client).
import { EventEmitter, once } from 'node:events';
import type http from 'node:http';
import type { Billing } from './fake-x-billing.js';
import { PROBLEMS } from './fake-x-api.js';
import { SubscriptionStore } from './fake-x-activity.js';
import { WebhookStore } from './fake-x-webhooks.js';
import {
  buildIncludes,
  parseSelection,
  renderPost,
  renderUser,
  TWEET_FIELDS,
  USER_FIELDS,
  type ParamProblem,
  type Selection,
} from './fake-x-render.js';
import { matchesRule } from './fake-x-rules.js';
import { RuleStore } from './fake-x-rule-store.js';
import type { FakePost, FakeUser, FakeXState } from './fake-x-state.js';

export type StreamKind = 'filtered' | 'activity';

interface Connection {
  kind: StreamKind;
  res: http.ServerResponse;
  sel?: Selection;
  timer: NodeJS.Timeout;
  isStalled: boolean;
}

/** One line written to a connection, for tests: what was delivered and when. */
export interface Delivery {
  kind: StreamKind;
  /** The post ID (or the deleted post's ID) the line is about, when it is about one. */
  postId?: string;
  line: string;
  at: number;
}

const LINE_END = '\r\n';

/** Every field the fake knows: the Activity API takes no field parameters and sends full objects. */
const FULL: Selection = {
  tweetFields: new Set(TWEET_FIELDS),
  userFields: new Set(USER_FIELDS),
  mediaFields: new Set(),
  pollFields: new Set(),
  placeFields: new Set(),
  expansions: new Set(),
};

export class StreamHub {
  readonly rules = new RuleStore();
  readonly subscriptions: SubscriptionStore;
  /** Registered webhooks, and the Activity events delivered to them. */
  readonly webhooks = new WebhookStore();
  readonly connections = new Set<Connection>();
  readonly deliveries: Delivery[] = [];
  /** When each post was published on the fake (ms since the epoch), by post ID: the bench's start mark. */
  readonly publishedAt = new Map<string, number>();
  keepAliveMs = 20_000;
  maxConnections: Record<StreamKind, number> = { filtered: 1, activity: 1 };
  /** Whether the app may use each stream (false: 403 client-not-enrolled). */
  access: Record<StreamKind, boolean> = { filtered: true, activity: true };
  private readonly events = new EventEmitter();

  constructor(
    private readonly state: FakeXState,
    private readonly billing: Billing,
  ) {
    this.subscriptions = new SubscriptionStore(
      (id) => state.users.has(id),
      (id) => this.webhooks.webhooks.has(id),
    );
    this.events.setMaxListeners(100);
  }

  openCount(kind?: StreamKind): number {
    return [...this.connections].filter((c) => !kind || c.kind === kind).length;
  }

  /** Starts a stream response, or says why not (the caller answers with that status and body). */
  open(
    kind: StreamKind,
    query: URLSearchParams,
    res: http.ServerResponse,
  ): { status: number; body: unknown } | undefined {
    const problems: ParamProblem[] = [];
    const sel = kind === 'filtered' ? parseSelection(query, problems) : undefined;
    if (problems.length) {
      return { status: 400, body: { errors: problems, title: 'Invalid Request', type: `${PROBLEMS}invalid-request` } };
    }
    if (this.openCount(kind) >= this.maxConnections[kind]) return { status: 429, body: tooManyConnections() };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const connection: Connection = {
      kind,
      res,
      sel,
      isStalled: false,
      timer: setInterval(() => this.keepAlive(connection), this.keepAliveMs),
    };
    this.connections.add(connection);
    res.on('close', () => {
      clearInterval(connection.timer);
      this.connections.delete(connection);
    });
    this.events.emit('open', kind);
    return undefined;
  }

  /** Resolves once `count` connections of `kind` are open. */
  async waitForConnections(count: number, kind: StreamKind, timeoutMs = 10_000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.openCount(kind) < count) {
      await once(this.events, 'open', { signal }).catch(() => {
        throw new Error(`fake X: ${this.openCount(kind)} of ${count} ${kind} connections after ${timeoutMs} ms`);
      });
    }
  }

  publishPost(post: FakePost): void {
    this.publishedAt.set(post.id, Date.now());
    const author = this.state.users.get(post.author_id);
    const ctx = { post, author, userById: (id: string) => this.state.users.get(id) };
    for (const c of this.live('filtered')) {
      const matching = [...this.rules.rules.values()].filter((r) => matchesRule(r.node, ctx));
      if (!matching.length) continue;
      const includes = buildIncludes(this.state, c.sel!, [post]);
      const body = { data: renderPost(post, c.sel!), ...(includes ? { includes } : {}) };
      this.billing.recordStreamPost(body);
      this.write(
        c,
        {
          ...body,
          matching_rules: matching.map((r) => ({ id: r.id, ...(r.tag !== undefined ? { tag: r.tag } : {}) })),
        },
        post.id,
      );
    }
    const payload = renderPost(post, FULL);
    const includes = { tweets: [payload], ...(author ? { users: [renderUser(author, FULL)] } : {}) };
    this.publishEvent('post.create', post.author_id, payload, includes, post.id);
  }

  publishDelete(post: FakePost): void {
    const author = this.state.users.get(post.author_id);
    const includes = author ? { users: [{ data: renderUser(author, FULL) }] } : undefined;
    this.publishEvent('post.delete', post.author_id, { id: post.id, author_id: post.author_id }, includes, post.id);
  }

  publishProfile(user: FakeUser, eventType: string, before: string, after: string): void {
    this.publishEvent(eventType, user.id, { before, after }, undefined);
  }

  private publishEvent(eventType: string, userId: string, payload: unknown, includes: unknown, postId?: string): void {
    const subscriptions = this.subscriptions.matching(eventType, userId);
    if (!subscriptions.length) return;
    const eventOf = (s: (typeof subscriptions)[number]) => ({
      event_uuid: eventUuid(),
      filter: s.filter,
      event_type: eventType,
      ...(s.tag ? { tag: s.tag } : {}),
      payload,
      ...(includes ? { includes } : {}),
    });
    const bill = () => {
      if (eventType === 'post.create') this.billing.recordStreamPost({ data: payload, includes });
      if (eventType.startsWith('profile.update.')) this.billing.recordProfileEvent();
    };
    for (const c of this.live('activity')) {
      for (const s of subscriptions) {
        bill();
        this.write(c, { data: eventOf(s) }, postId);
      }
    }
    // Delivered to the subscription's webhook as well as to the open stream (X's Activity API quickstart).
    for (const s of subscriptions.filter((x) => x.webhook_id)) {
      bill();
      this.webhooks.deliver(s.webhook_id!, { data: eventOf(s) }, eventType, postId);
    }
  }

  /** Closes every connection (of one kind) abruptly, as a network drop or a server restart does. */
  drop(kind?: StreamKind): void {
    for (const c of [...this.connections]) if (!kind || c.kind === kind) c.res.socket?.destroy();
  }

  /** X's operational-disconnect message, then the end of the response. */
  operationalDisconnect(kind?: StreamKind): void {
    const message = {
      errors: [
        {
          title: 'operational-disconnect',
          disconnect_type: 'UpstreamOperationalDisconnect',
          detail: 'This stream has been disconnected upstream for operational reasons.',
          type: `${PROBLEMS}operational-disconnect`,
        },
      ],
    };
    for (const c of [...this.connections]) {
      if (kind && c.kind !== kind) continue;
      this.write(c, message);
      c.res.end();
    }
  }

  /** Writes any text as a line (a malformed message, say) to the open connections of one kind. */
  sendLine(kind: StreamKind, text: string): void {
    for (const c of this.live(kind)) c.res.write(text + LINE_END);
  }

  /** No more bytes (neither messages nor keep-alives) on the open connections: the client must notice by itself. */
  stall(kind?: StreamKind): void {
    for (const c of this.connections) if (!kind || c.kind === kind) c.isStalled = true;
  }

  close(): void {
    for (const c of this.connections) clearInterval(c.timer);
  }

  private live(kind: StreamKind): Connection[] {
    return [...this.connections].filter((c) => c.kind === kind && !c.isStalled && !c.res.writableEnded);
  }

  private write(c: Connection, message: unknown, postId?: string): void {
    const line = JSON.stringify(message);
    c.res.write(line + LINE_END);
    this.deliveries.push({ kind: c.kind, line, at: Date.now(), ...(postId ? { postId } : {}) });
  }

  private keepAlive(c: Connection): void {
    if (!c.isStalled && !c.res.writableEnded) c.res.write(LINE_END);
  }
}

export function tooManyConnections() {
  return {
    title: 'ConnectionException',
    detail: 'This stream is currently at the maximum allowed connection limit.',
    connection_issue: 'TooManyConnections',
    type: `${PROBLEMS}streaming-connection`,
  };
}

/** A random signed 64-bit decimal, as X's event_uuid (which may be negative). */
function eventUuid(): string {
  const high = BigInt(Math.floor(Math.random() * 2 ** 31)) * (Math.random() < 0.5 ? -1n : 1n);
  return String(high * 2n ** 32n + BigInt(Math.floor(Math.random() * 2 ** 32)));
}
