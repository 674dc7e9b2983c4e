// The admin endpoint (/__admin/...): the in-process controls over HTTP, for
// tests that run the service (or the fake) as a separate process.
import type http from 'node:http';
import type { Nsid } from './fake-bsky-api.js';
import type { Fault } from './fake-bsky-faults.js';
import type { FakeBsky } from './fake-bsky-server.js';
import type { ActorStatus, FakeBskyData } from './fake-bsky-state.js';
import type { PostSpec, SeedAccountSpec } from './fixtures.js';

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Route table: `METHOD /__admin/<head>[/:id][/<action>]` → action; ids are DIDs, handles or AT URIs (URL-encoded). */
function dispatch(
  fake: FakeBsky,
  method: string,
  parts: string[],
  body: Record<string, unknown>,
  query: URLSearchParams,
) {
  const [head, id, action] = parts;
  const key = `${method} ${head}${id !== undefined ? '/:id' : ''}${action ? `/${action}` : ''}`;
  switch (key) {
    case 'GET state':
      return fake.state.snapshot();
    case 'POST seed':
      return void fake.state.load(body as FakeBskyData);
    case 'GET requests':
      return fake.requests;
    case 'DELETE requests':
      return void fake.requests.splice(0);
    case 'GET requests/:id':
      if (id !== 'wait') break;
      return fake.waitForRequests(
        Number(query.get('count') ?? 1),
        (query.get('nsid') as Nsid | null) ?? undefined,
        Number(query.get('timeoutMs') ?? 10_000),
      );
    case 'POST accounts':
      return fake.seedAccount(body as unknown as SeedAccountSpec);
    case 'POST accounts/:id/posts':
      return fake.publish(id!, body as PostSpec);
    case 'POST accounts/:id/reposts':
      return fake.repost(id!, String(body.subject), body.at as string | undefined);
    case 'POST accounts/:id/handle':
      return fake.changeHandle(id!, String(body.handle));
    case 'POST accounts/:id/status':
      return void fake.setStatus(id!, body.status as ActorStatus);
    case 'POST accounts/:id/pin':
      return void fake.pin(id!, (body.uri as string | null) ?? null);
    case 'POST records/:id/delete':
      return void fake.deleteRecord(id!);
    case 'POST faults':
      return void fake.injectFault(body as unknown as Fault);
    case 'DELETE faults':
      return void fake.clearFaults();
    case 'POST rate-limit':
      if (body.limit !== undefined || body.windowMs !== undefined) fake.rateLimit.configure(body);
      if (body.exhaust) fake.rateLimit.exhaust();
      return fake.rateLimit.headers();
    case 'DELETE rate-limit':
      return void fake.rateLimit.reset();
  }
  throw new RangeError(`unknown admin route ${method} /__admin/${parts.join('/')}`);
}

export async function handleAdmin(
  fake: FakeBsky,
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
    reply(200, await dispatch(fake, req.method ?? 'GET', parts, body, url.searchParams));
  } catch (err) {
    reply(err instanceof RangeError ? 404 : 400, { error: (err as Error).message });
  }
}
