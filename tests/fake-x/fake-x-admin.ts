// The admin endpoint (/__admin/...): the same controls as the in-process API,
// for tests that run the fake as a separate process. No bearer token needed.
import type http from 'node:http';
import type { Fault } from './fake-x-faults.js';
import { ENDPOINTS, type EndpointKey } from './fake-x-rate-limits.js';
import type { FakeX } from './fake-x-server.js';
import type { FakeMedia, FakeXData, UserStatus } from './fake-x-state.js';
import type { StreamKind } from './fake-x-stream.js';

interface AdminRequest {
  method: string;
  parts: string[];
  body: Record<string, unknown>;
  query: URLSearchParams;
}

type AdminResult = unknown;

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function userId(fake: FakeX, ref: unknown): string {
  const text = String(ref);
  const user = fake.state.users.get(text) ?? fake.state.userByUsername(text);
  if (!user) throw new Error(`no user ${text}`);
  return user.id;
}

function post(fake: FakeX, id: unknown) {
  const found = typeof id === 'string' ? fake.state.posts.get(id) : undefined;
  if (!found) throw new Error(`no post ${String(id)}`);
  return found;
}

function addPost(fake: FakeX, body: Record<string, unknown>) {
  const author = fake.state.users.get(userId(fake, body.author));
  const repost = body.repostOf ? post(fake, body.repostOf) : undefined;
  return fake.addPost({
    text: String(body.text ?? ''),
    author: author!,
    at: body.at as string | undefined,
    id: body.id as string | undefined,
    lang: body.lang as string | undefined,
    replyTo: body.replyTo ? post(fake, body.replyTo) : undefined,
    quote: body.quote ? post(fake, body.quote) : undefined,
    repostOf: repost ? { post: repost, author: fake.state.users.get(repost.author_id)! } : undefined,
    media: body.media as FakeMedia[] | undefined,
  });
}

function rateLimits(fake: FakeX, body: Record<string, unknown>) {
  const endpoint = body.endpoint as EndpointKey;
  if (!ENDPOINTS.includes(endpoint)) throw new Error(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
  const config = { limit: body.limit as number | undefined, windowMs: body.windowMs as number | undefined };
  if (config.limit !== undefined || config.windowMs !== undefined) {
    fake.rateLimits.configure(endpoint, Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)));
  }
  if (body.exhaust) fake.rateLimits.exhaust(endpoint);
  return fake.rateLimits.headers(endpoint);
}

function streamsView(fake: FakeX) {
  const { streams } = fake;
  return {
    open: { filtered: streams.openCount('filtered'), activity: streams.openCount('activity') },
    rules: [...streams.rules.rules.values()].map(({ id, value, tag }) => ({ id, value, tag })),
    subscriptions: [...streams.subscriptions.subscriptions.values()],
    publishedAt: Object.fromEntries(streams.publishedAt),
    deliveries: streams.deliveries.length,
  };
}

/** drop | disconnect | stall the open streams (`kind` filtered or activity, default both), or change settings. */
function streamAction(fake: FakeX, action: string, body: Record<string, unknown>) {
  const kind = body.kind as StreamKind | undefined;
  const { streams } = fake;
  if (action === 'drop') return void streams.drop(kind);
  if (action === 'disconnect') return void streams.operationalDisconnect(kind);
  if (action === 'stall') return void streams.stall(kind);
  if (action !== 'settings') throw new RangeError(`unknown stream action ${action}`);
  if (typeof body.keepAliveMs === 'number') streams.keepAliveMs = body.keepAliveMs;
  if (body.access) Object.assign(streams.access, body.access);
  if (body.maxConnections) Object.assign(streams.maxConnections, body.maxConnections);
  if (body.ruleLimits) Object.assign(streams.rules.limits, body.ruleLimits);
  if (typeof body.maxSubscriptions === 'number') streams.subscriptions.maxSubscriptions = body.maxSubscriptions;
  return streamsView(fake);
}

/** Route table: `METHOD /__admin/<parts>` → action. */
function dispatch(fake: FakeX, { method, parts, body, query }: AdminRequest): AdminResult {
  const [head, id, action] = parts;
  const key = `${method} ${head}${id !== undefined ? '/:id' : ''}${action ? `/${action}` : ''}`;
  switch (key) {
    case 'GET state':
      return fake.state.snapshot();
    case 'GET requests':
      return fake.requests;
    case 'GET requests/:id':
      if (id !== 'wait') break;
      return fake.waitForRequests(
        Number(query.get('count') ?? 1),
        (query.get('endpoint') as EndpointKey | null) ?? undefined,
        Number(query.get('timeoutMs') ?? 10_000),
      );
    case 'DELETE requests':
      return void fake.requests.splice(0);
    case 'POST seed':
      return void fake.state.load(body as FakeXData);
    case 'POST accounts':
      return fake.seedAccount(body as { username: string });
    case 'POST posts':
      return addPost(fake, body);
    case 'POST posts/:id/edit':
      return fake.editPost(id!, body);
    case 'POST posts/:id/delete':
      return void fake.deletePost(id!);
    case 'POST users/:id/rename':
      return void fake.renameUser(userId(fake, id), String(body.username));
    case 'POST users/:id/status':
      return void fake.setUserStatus(userId(fake, id), body.status as UserStatus);
    case 'POST faults':
      return void fake.injectFault(body as unknown as Fault);
    case 'DELETE faults':
      return void fake.clearFaults();
    case 'POST rate-limits':
      return rateLimits(fake, body);
    case 'DELETE rate-limits':
      return void fake.rateLimits.reset();
    case 'POST usage-cap':
      return void fake.setUsageCapped(Boolean(body.capped));
    case 'POST users/:id/name':
      return void fake.setDisplayName(userId(fake, id), String(body.name));
    case 'GET streams':
      return streamsView(fake);
    case 'POST streams/:id':
      return streamAction(fake, id!, body);
    case 'GET billing':
      return fake.billing.report();
  }
  throw new RangeError(`unknown admin route ${method} /__admin/${parts.join('/')}`);
}

export async function handleAdmin(
  fake: FakeX,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const reply = (status: number, value: unknown) => {
    const text = JSON.stringify(value ?? { ok: true });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(text);
  };
  try {
    const body = await readJson(req);
    const parts = url.pathname.slice('/__admin/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const result = await dispatch(fake, { method, parts, body, query: url.searchParams });
    if (method !== 'GET') fake.onAdminChange?.();
    reply(200, result);
  } catch (err) {
    reply(err instanceof RangeError ? 404 : 400, { error: (err as Error).message });
  }
}
