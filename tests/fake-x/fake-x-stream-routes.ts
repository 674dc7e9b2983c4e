// The HTTP side of the fake's push channels: stream connects, filtered-stream
// rules, Activity API subscriptions. Same gatekeeping as every endpoint (bearer
// token, usage cap, faults, rate-limit windows), plus enrollment: an app not
// enrolled for a stream gets 403 client-forbidden on all of its endpoints.
import type http from 'node:http';
import type { ApiResult } from './fake-x-api.js';
import { FAULT_RESPONSES, problem, usageCapped } from './fake-x-responses.js';
import type { EndpointKey } from './fake-x-rate-limits.js';
import type { FakeX, FakeXRequest } from './fake-x-server.js';
import type { StreamKind } from './fake-x-stream.js';

export interface StreamRoute {
  endpoint: EndpointKey;
  group: StreamKind;
  run(
    fake: FakeX,
    req: { method: string; query: URLSearchParams; body: unknown },
    res: http.ServerResponse,
  ): ApiResult | undefined | Promise<ApiResult | undefined>;
}

const notAllowed = (): ApiResult => ({ status: 405, body: problem(405, 'Method Not Allowed') });

export function streamRouteOf(pathname: string): StreamRoute | undefined {
  if (pathname === '/2/tweets/search/stream') {
    return {
      endpoint: 'tweets/search/stream',
      group: 'filtered',
      run: (f, r, res) => openStream(f, 'filtered', r, res),
    };
  }
  if (pathname === '/2/tweets/search/stream/rules') {
    return {
      endpoint: 'tweets/search/stream/rules',
      group: 'filtered',
      run: (f, r) =>
        r.method === 'GET'
          ? f.streams.rules.list(r.query)
          : r.method === 'POST'
            ? f.streams.rules.update(r.body, r.query)
            : notAllowed(),
    };
  }
  if (pathname === '/2/activity/stream') {
    return { endpoint: 'activity/stream', group: 'activity', run: (f, r, res) => openStream(f, 'activity', r, res) };
  }
  const hook = /^\/2\/webhooks(?:\/([^/]+))?$/.exec(pathname);
  if (hook) {
    const id = hook[1];
    return {
      endpoint: 'webhooks',
      group: 'activity',
      run: (f, r) => {
        const store = f.streams.webhooks;
        if (id)
          return r.method === 'DELETE' ? store.remove(id) : r.method === 'PUT' ? store.validate(id) : notAllowed();
        return r.method === 'GET' ? store.list() : r.method === 'POST' ? store.create(r.body) : notAllowed();
      },
    };
  }
  const m = /^\/2\/activity\/subscriptions(?:\/([^/]+))?$/.exec(pathname);
  if (!m) return undefined;
  const id = m[1];
  return {
    endpoint: 'activity/subscriptions',
    group: 'activity',
    run: (f, r) => {
      const store = f.streams.subscriptions;
      if (id)
        return r.method === 'DELETE' ? store.remove(id) : r.method === 'PUT' ? store.update(id, r.body) : notAllowed();
      return r.method === 'GET' ? store.list(r.query) : r.method === 'POST' ? store.create(r.body) : notAllowed();
    },
  };
}

function openStream(
  fake: FakeX,
  kind: StreamKind,
  r: { method: string; query: URLSearchParams },
  res: http.ServerResponse,
) {
  if (r.method !== 'GET') return notAllowed();
  const refused = fake.streams.open(kind, r.query, res);
  return refused ? { status: refused.status, body: refused.body as Record<string, unknown> } : undefined;
}

async function readBody(req: http.IncomingMessage): Promise<{ body?: unknown; bad?: true }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { bad: true };
  }
}

const notEnrolled = (): ApiResult => ({
  status: 403,
  body: {
    client_id: '123',
    detail:
      'When authenticating requests to this endpoint, you must use keys and tokens from an App with access to it.',
    title: 'Client Forbidden',
    reason: 'client-not-enrolled',
    registration_url: 'https://developer.x.com/',
    type: 'https://api.twitter.com/2/problems/client-forbidden',
  },
});

/** Answers a request to a stream endpoint (the stream itself stays open until closed or dropped). */
export async function handleStreamRoute(
  fake: FakeX,
  entry: FakeXRequest,
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  route: StreamRoute,
): Promise<void> {
  entry.endpoint = route.endpoint;
  const { body, bad } = await readBody(req);
  if (!entry.authorized) return fake.reply(entry, res, { status: 401, body: problem(401, 'Unauthorized') });
  if (fake.isUsageCapped) return fake.reply(entry, res, { status: 429, body: usageCapped() });
  if (!fake.streams.access[route.group]) return fake.reply(entry, res, notEnrolled());
  const fault = fake.faults.take(route.endpoint);
  if (fault) entry.fault = fault.kind;
  if (fault?.kind === 'hang') return;
  if (fault?.kind === 'close') return void res.socket?.destroy();
  if (fault?.kind === 'status') {
    return fake.reply(entry, res, {
      status: fault.status,
      body: (fault.body as Record<string, unknown>) ?? problem(fault.status, 'Error'),
    });
  }
  const canned = fault && FAULT_RESPONSES[fault.kind];
  if (canned) return fake.reply(entry, res, canned());
  const limits = fake.rateLimits.take(route.endpoint);
  if (!limits.allowed) return fake.reply(entry, res, FAULT_RESPONSES['rate-limited']!(), limits);
  if (bad)
    return fake.reply(entry, res, {
      status: 400,
      body: problem(400, 'Invalid Request', { detail: 'The body is not JSON.' }),
    });
  const result = await route.run(fake, { method: entry.method, query: url.searchParams, body }, res);
  if (result) return fake.reply(entry, res, result, limits);
  entry.status = 200;
}
