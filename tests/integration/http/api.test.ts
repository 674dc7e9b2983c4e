import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addArticle } from '../../../src/jobs/link-article.js';
import { createLinkDeps } from '../../../src/service/link-deps.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';
import { auth, buildTestApp } from '../../helpers/http-app.js';

const getDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  const db = getDb();
  const a = await insertAccount(db, {
    handle: 'USFOR_A',
    displayName: 'USFOR-A',
    lastSuccessAt: new Date('2026-03-01T11:55:00Z'),
  });
  await insertPost(db, {
    accountId: a.id,
    id: '1760000000000000001',
    text: 'Coalition forces conducted a strike near the border',
    createdAt: '2026-02-27T10:00:00Z',
  });
  const edited = await insertPost(db, {
    accountId: a.id,
    id: '1760000000000000002',
    text: 'Update: the convoy arrived safely at 10:00',
    earlierTexts: ['Update: the convoy arrived at 9:00'],
    createdAt: '2026-02-28T10:00:00Z',
  });
  await insertArticle(db, {
    url: 'https://news.example/convoy',
    title: 'Convoy arrives',
    text: 'Officials wrote: "the convoy arrived at 9:00" before changing it.',
    citing: [{ postId: edited.id, witnessedText: 'the convoy arrived at 9:00', differs: true }],
  });
  const config = loadConfig({ DATABASE_URL: db.url, ONRECORD_ALLOW_PRIVATE_FETCH: 'false' }, { instanceId: 'test' });
  const linkDeps = createLinkDeps({
    config,
    logger: createLogger({ level: 'silent' }),
    db,
    clock: { now: () => new Date() },
  });
  app = await buildTestApp(db, {}, { articles: { add: (input) => addArticle(linkDeps, input) } });
});
afterAll(async () => app?.close());

describe('GET /api/posts', () => {
  it('searches and pages with a cursor', async () => {
    const res = await app.inject('/api/posts?q=convoy%20OR%20strike&limit=1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.posts).toHaveLength(1);
    expect(Object.keys(body.posts[0]).sort()).toEqual(
      [
        'id',
        'platform',
        'account',
        'text',
        'createdAt',
        'url',
        'lang',
        'status',
        'edited',
        'editIds',
        'urls',
        'mentions',
        'hashtags',
        'cashtags',
        'media',
        'mediaKeys',
        'referencedPosts',
        'repostOf',
        'withheld',
        'poll',
        'geo',
        'conversationId',
        'inReplyToUserId',
        'firstSeenAt',
        'firstSeenBy',
        'statusChangedAt',
        'score',
        'cited',
        'citations',
      ].sort(),
    );
    const second = (await app.inject(`/api/posts?q=convoy%20OR%20strike&limit=1&cursor=${body.next}`)).json();
    expect([body.posts[0].id, second.posts[0].id].sort()).toEqual(['1760000000000000001', '1760000000000000002']);
    expect(second.next).toBeNull();
  });

  it('filters by account and days, newest first without words', async () => {
    const res = await app.inject('/api/posts?account=x:USFOR_A&since=2026-02-28&until=2026-02-28');
    expect(res.json().posts.map((p: { id: string }) => p.id)).toEqual(['1760000000000000002']);
    const all = await app.inject('/api/posts?account=x:USFOR_A&account=x:CENTCOM');
    expect(all.json().posts.map((p: { id: string }) => p.id)).toEqual(['1760000000000000002', '1760000000000000001']);
  });

  it('answers 400 with the reason for bad input', async () => {
    const res = await app.inject('/api/posts?since=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'invalid_input',
      message: 'query parameter "since" must be a day as YYYY-MM-DD (UTC), got "yesterday"',
    });
    expect((await app.inject('/api/posts?limit=500')).statusCode).toBe(400);
  });
});

describe('one post, accounts, articles', () => {
  it('shows a post by any ID of its edit chain, with versions and citing articles', async () => {
    const res = await app.inject('/api/posts/x/1760000000000001002');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.post).toMatchObject({ id: '1760000000000000002', account: 'x:USFOR_A', edited: true });
    expect(body.versions.map((v: { text: string }) => v.text)).toEqual([
      'Update: the convoy arrived at 9:00',
      'Update: the convoy arrived safely at 10:00',
    ]);
    expect(body.citations).toEqual([
      {
        article: {
          id: expect.any(Number),
          url: 'https://news.example/convoy',
          title: 'Convoy arrives',
          siteName: 'Example News',
          publishedAt: null,
        },
        kind: 'quote',
        confidence: 0.9,
        witnessedText: 'the convoy arrived at 9:00',
        differsFromArchive: true,
      },
    ]);
    expect((await app.inject('/api/posts/x/42')).statusCode).toBe(404);
    expect((await app.inject('/api/posts/myspace/42')).statusCode).toBe(400);
  });

  it('lists accounts with their freshness', async () => {
    const body = (await app.inject('/api/accounts')).json();
    expect(body.accounts).toEqual([
      {
        account: 'x:USFOR_A',
        platform: 'x',
        handle: 'USFOR_A',
        displayName: 'USFOR-A',
        status: 'active',
        posts: 2,
        lastPostAt: '2026-02-28T10:00:00.000Z',
        lastSuccessAt: '2026-03-01T11:55:00.000Z',
        lastError: null,
        freshness: { state: 'ok', reason: null, silentForMs: 93_600_000, usualGapMs: 86_400_000 },
      },
    ]);
  });

  it('finds accounts by handles like the query', async () => {
    const found = (await app.inject('/api/accounts?q=usfor')).json();
    expect(found.accounts.map((a: { account: string }) => a.account)).toEqual(['x:USFOR_A']);
    expect((await app.inject('/api/accounts?q=zzzzzz')).json()).toEqual({ accounts: [] });
  });

  it('shows an article with its references', async () => {
    const [article] = await getDb().prisma.article.findMany();
    const body = (await app.inject(`/api/articles/${article!.id}`)).json();
    expect(body).toMatchObject({ title: 'Convoy arrives', url: 'https://news.example/convoy' });
    expect(body.references).toEqual([
      expect.objectContaining({
        kind: 'quote',
        differsFromArchive: true,
        post: expect.objectContaining({ id: '1760000000000000002' }),
      }),
    ]);
    expect((await app.inject('/api/articles/99999')).statusCode).toBe(404);
  });

  it('adds an article with the token and links the post it cites', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: auth,
      payload: {
        source:
          '<html><head><title>Strike</title></head><body><article><p>The command posted https://x.com/USFOR_A/status/1760000000000000001 this morning about the strike near the border, which was widely shared.</p></article></body></html>',
        url: 'https://news.example/strike',
      },
    });
    expect(res.statusCode).toBe(201);
    const detail = (await app.inject('/api/posts/x/1760000000000000001')).json();
    expect(detail.citations.map((c: { article: { url: string } }) => c.article.url)).toEqual([
      'https://news.example/strike',
    ]);
  });
});

describe('alert rules', () => {
  it('adds, lists (masked) and removes a rule with the token', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: auth,
      payload: {
        channel: 'webhook',
        target: 'https://hooks.example/abc/SECRET',
        secret: 's3',
        accounts: ['x:@USFOR_A'],
        keywords: ['strike'],
        events: ['new', 'edited'],
      },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({
      channel: 'webhook',
      target: 'https://hooks.example/…',
      hasSecret: true,
      accounts: ['x:USFOR_A'],
    });
    expect(rule.secret).toBeUndefined();
    const list = (await app.inject('/api/alerts')).json();
    expect(list.rules).toEqual([
      expect.objectContaining({
        id: rule.id,
        target: 'https://hooks.example/…',
        events: ['new', 'edited'],
        deliveries: { pending: 0, retrying: 0, delivered: 0, dead: 0, digested: 0, lastError: null },
      }),
    ]);
    // Delivery counts and the latest failure show in the list and on the rules page, escaped.
    const db = getDb().prisma;
    await db.delivery.createMany({
      data: [
        { ruleId: rule.id, digestKey: 'a', status: 'delivered' },
        { ruleId: rule.id, digestKey: 'b', status: 'dead', lastError: 'HTTP 500 <b>boom</b>' },
      ],
    });
    expect((await app.inject('/api/alerts')).json().rules[0].deliveries).toEqual({
      pending: 0,
      retrying: 0,
      delivered: 1,
      dead: 1,
      digested: 0,
      lastError: 'HTTP 500 <b>boom</b>',
    });
    const page = (await app.inject('/alerts')).body;
    expect(page).toContain('1 delivered');
    expect(page).toContain('1 dead');
    expect(page).toContain('last error: HTTP 500 &lt;b&gt;boom&lt;/b&gt;');
    const removed = await app.inject({ method: 'DELETE', url: `/api/alerts/${rule.id}`, headers: auth });
    expect(removed.statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `/api/alerts/${rule.id}`, headers: auth })).statusCode).toBe(404);
  });

  it('refuses bad rules with the reason', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: auth,
      payload: { channel: 'email', target: 'not-an-address' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('not an email address: not-an-address');
    const regex = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: auth,
      payload: { channel: 'slack', target: 'https://hooks.example/s', regex: '(?<=a)b' },
    });
    expect(regex.statusCode).toBe(400);
    expect(regex.json().message).toMatch(/RE2 syntax/);
  });
});

describe('access', () => {
  const rule = { channel: 'webhook', target: 'https://hooks.example/x' };

  it('needs the bearer token for writes', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/alerts', payload: rule });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="onrecord"');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      payload: rule,
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('refuses every write with a clear message when no token is configured', async () => {
    const open = await buildTestApp(getDb(), { ONRECORD_API_TOKEN: '' });
    const res = await open.inject({ method: 'POST', url: '/api/alerts', payload: rule, headers: auth });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'forbidden',
      message: 'writing needs a token, and ONRECORD_API_TOKEN is not set on the server',
    });
    await open.close();
  });

  it('lets only loopback clients read by default, anyone when open, token holders when token', async () => {
    const remote = { remoteAddress: '203.0.113.9' };
    expect((await app.inject({ url: '/api/accounts', ...remote })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/accounts', remoteAddress: '::1' })).statusCode).toBe(200);
    const open = await buildTestApp(getDb(), { ONRECORD_READ_ACCESS: 'open' });
    expect((await open.inject({ url: '/api/accounts', ...remote })).statusCode).toBe(200);
    await open.close();
    const token = await buildTestApp(getDb(), { ONRECORD_READ_ACCESS: 'token' });
    expect((await token.inject({ url: '/', ...remote })).statusCode).toBe(401);
    expect((await token.inject({ url: '/', ...remote, headers: auth })).statusCode).toBe(200);
    // Health probes from this machine need no token; from elsewhere they do.
    expect((await token.inject({ url: '/healthz', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await token.inject({ url: '/healthz', ...remote })).statusCode).toBe(401);
    expect((await token.inject({ url: '/api/accounts', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
    await token.close();
  });
});

describe('OpenAPI, docs, health, metrics', () => {
  it('publishes an OpenAPI document of the API routes', async () => {
    const doc = (await app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/accounts',
      '/api/actors',
      '/api/actors/{name}',
      '/api/alerts',
      '/api/alerts/{id}',
      '/api/articles',
      '/api/articles/{id}',
      '/api/events',
      '/api/log/checkpoint',
      '/api/log/proof/consistency',
      '/api/log/proof/inclusion',
      '/api/posts',
      '/api/posts/{platform}/{id}',
      '/api/posts/{platform}/{id}/evidence.zip',
      '/healthz',
      '/media/{sha256}',
      '/metrics',
    ]);
    expect(doc.paths['/api/posts'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'account', 'actor', 'platform', 'since', 'until', 'cursor', 'limit']),
    );
  });

  it('serves the docs page and its assets from node_modules', async () => {
    const page = await app.inject('/api/docs/');
    expect(page.statusCode).toBe(200);
    for (const asset of ['/api/docs/static/swagger-ui.css', '/api/docs/static/swagger-ui-bundle.js']) {
      const res = await app.inject(asset);
      expect([asset, res.statusCode, res.body.length > 1000]).toEqual([asset, 200, true]);
    }
  });

  it('reports health: ok, then 503 with the failing account', async () => {
    const ok = await app.inject('/healthz');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ok', database: { ok: true }, failing: 0, silent: 0 });
    const db = getDb();
    const broken = await insertAccount(db, {
      handle: 'Broken',
      status: 'active',
      lastErrorCode: 'auth',
      lastError: 'invalid bearer token',
    });
    await db.prisma.account.update({
      where: { id: broken.id },
      data: { lastErrorAt: new Date('2026-03-01T11:00:00Z') },
    });
    const bad = await app.inject('/healthz');
    expect(bad.statusCode).toBe(503);
    expect(bad.json().accounts).toContainEqual(
      expect.objectContaining({ account: 'x:Broken', state: 'failing', reason: 'auth: invalid bearer token' }),
    );
    await db.prisma.account.delete({ where: { id: broken.id } });
  });

  it('exposes Prometheus metrics gathered from the tables', async () => {
    const db = getDb();
    const [account] = await db.prisma.account.findMany({ where: { handle: 'USFOR_A' } });
    await db.prisma.pollRun.createMany({
      data: [
        { accountId: account!.id, outcome: 'complete', requests: 2 },
        { accountId: account!.id, outcome: 'partial', requests: 1, errorCode: 'rate_limited' },
      ],
    });
    const rule = await db.prisma.alertRule.create({ data: { channel: 'webhook', target: 'https://hooks.example/m' } });
    const event = await db.prisma.event.create({ data: { kind: 'new', dedupeKey: 'new:x:metrics', payload: {} } });
    await db.prisma.delivery.create({ data: { ruleId: rule.id, eventId: event.id, status: 'delivered' } });
    await db.prisma.delivery.create({ data: { ruleId: rule.id, digestKey: 'hourly:x', status: 'dead' } });
    const text = (await app.inject('/metrics')).body;
    for (const line of [
      'onrecord_polls_total{outcome="complete"} 1',
      'onrecord_polls_total{outcome="partial"} 1',
      'onrecord_poll_errors_total{code="rate_limited"} 1',
      'onrecord_rate_limit_waits_total 1',
      'onrecord_source_requests_total 3',
      'onrecord_posts{status="available"} 2',
      'onrecord_accounts{status="active"} 1',
      'onrecord_alert_deliveries{status="delivered"} 1',
      'onrecord_alert_deliveries{status="dead"} 1',
      `onrecord_events_undispatched ${await db.prisma.event.count({ where: { dispatchedAt: null } })}`,
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/onrecord_account_poll_lag_seconds\{account="x:USFOR_A"\} \d+/);
  });
});
