// The admin endpoint (/__admin/...): the in-process controls over HTTP, for
// tests that drive the fake from another process. No token needed.
import type http from 'node:http';
import type { EndpointKey } from './fake-mastodon-api.js';
import type { Fault } from './fake-mastodon-faults.js';
import type { FakeMastodon } from './fake-mastodon-server.js';
import type { FakeMedia } from './fake-mastodon-state.js';
import type { RevisionSpec, SeedSpec, StatusSpec } from './fixtures.js';

interface AdminRequest {
  method: string;
  parts: string[];
  body: Record<string, unknown>;
  query: URLSearchParams;
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** An account by ID or acct. */
function accountId(fake: FakeMastodon, ref: string): string {
  const account = fake.state.accounts.get(ref) ?? fake.state.accountByAcct(ref);
  if (!account) throw new Error(`no account ${ref}`);
  return account.id;
}

function revision(body: Record<string, unknown>): RevisionSpec {
  return { ...(body as RevisionSpec), media: body.media as FakeMedia[] | undefined };
}

/** Route table: `METHOD /__admin/<parts>` → action. */
function dispatch(fake: FakeMastodon, { method, parts, body, query }: AdminRequest): unknown {
  const [head, id, action] = parts;
  const key = `${method} ${head}${id !== undefined ? '/:id' : ''}${action ? `/${action}` : ''}`;
  switch (key) {
    case 'GET state':
      return fake.state.snapshot();
    case 'GET requests':
      return fake.requestsTo((query.get('endpoint') as EndpointKey | null) ?? undefined);
    case 'DELETE requests':
      return void fake.requests.splice(0);
    case 'POST accounts':
      return fake.seedAccount(body as unknown as SeedSpec);
    case 'POST accounts/:id/rename':
      return void fake.rename(accountId(fake, id!), String(body.username));
    case 'POST accounts/:id/suspend':
      return void fake.suspend(accountId(fake, id!), body.suspended !== false);
    case 'POST statuses':
      return fake.publish({ ...(body as unknown as StatusSpec), account: accountId(fake, String(body.account)) });
    case 'POST statuses/:id/edit':
      return fake.edit(id!, revision(body));
    case 'POST statuses/:id/delete':
      return void fake.delete(id!);
    case 'POST faults':
      return void fake.injectFault(body as unknown as Fault);
    case 'DELETE faults':
      return void fake.clearFaults();
    case 'POST rate-limits':
      if (typeof body.limit === 'number') fake.rateLimits.config.limit = body.limit;
      if (typeof body.windowMs === 'number') fake.rateLimits.config.windowMs = body.windowMs;
      if (body.exhaust) fake.rateLimits.exhaust();
      return fake.rateLimits.headers();
    case 'DELETE rate-limits':
      return void fake.rateLimits.reset();
  }
  throw new RangeError(`unknown admin route ${method} /__admin/${parts.join('/')}`);
}

export async function handleAdmin(fake: FakeMastodon, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  const reply = (status: number, value: unknown) =>
    res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      .end(JSON.stringify(value ?? { ok: true }));
  try {
    const body = await readJson(req);
    const parts = url.pathname.slice('/__admin/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    reply(200, dispatch(fake, { method: req.method ?? 'GET', parts, body, query: url.searchParams }));
  } catch (err) {
    reply(err instanceof RangeError ? 404 : 400, { error: (err as Error).message });
  }
}
