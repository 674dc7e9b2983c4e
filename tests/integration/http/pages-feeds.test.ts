import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { escapeHtml } from '../../../src/http/pages/html.js';

const HOSTILE = `<img src=x onerror="alert('pwned')"><script>alert(1)</script>`;
const getDb = useTestDatabase();
let app: FastifyInstance;
let articleId: number;

function dom(body: string) {
  return new JSDOM(body).window.document;
}

beforeAll(async () => {
  const db = getDb();
  const a = await insertAccount(db, { handle: 'USFOR_A', displayName: `USFOR-A ${HOSTILE}` });
  await insertPost(db, {
    accountId: a.id,
    id: '1760000000000000001',
    text: `Airstrike reported ${HOSTILE} near the river`,
    createdAt: '2026-02-27T10:00:00Z',
  });
  const edited = await insertPost(db, {
    accountId: a.id,
    id: '1760000000000000002',
    text: 'The convoy arrived safely at 10:00',
    earlierTexts: ['The convoy arrived at 9:00'],
    createdAt: '2026-02-28T10:00:00Z',
    status: 'deleted',
  });
  await insertPost(db, {
    accountId: null,
    text: 'La sécurité de la région',
    createdAt: '2026-01-01T00:00:00Z',
    lang: 'fr',
  });
  const article = await insertArticle(db, {
    url: 'javascript:alert(1)',
    title: `Convoy ${HOSTILE}`,
    text: 'Officials wrote "The convoy arrived at 9:00" and later changed it.',
    citing: [{ postId: edited.id, witnessedText: 'The convoy arrived at 9:00', differs: true }],
  });
  articleId = article.id;
  await db.prisma.alertRule.create({
    data: {
      channel: 'slack',
      target: 'https://hooks.slack.example/services/T0/B0/SECRETTOKEN',
      accounts: [],
      keywords: [HOSTILE],
    },
  });
  app = await buildTestApp(db);
});
afterAll(async () => app?.close());

/** No element or attribute an attacker's string could have created. */
function expectNoInjection(body: string) {
  const doc = dom(body);
  expect(doc.querySelectorAll('img, script:not([src]):not([type="application/json"])')).toHaveLength(0);
  expect([...doc.querySelectorAll('*')].filter((el) => el.hasAttribute('onerror'))).toEqual([]);
  expect(
    [...doc.querySelectorAll('a')].map((a) => a.getAttribute('href')).filter((h) => /^javascript:/i.test(h ?? '')),
  ).toEqual([]);
}

describe('pages', () => {
  it('renders a search on the server with highlighted matches, escaped', async () => {
    const res = await app.inject(`/?q=${encodeURIComponent(`airstrike ${HOSTILE}`)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expectNoInjection(res.body);
    const doc = dom(res.body);
    expect((doc.querySelector('input[name=q]') as HTMLInputElement).value).toBe(`airstrike ${HOSTILE}`);
    const hit = await app.inject('/?q=airstrike');
    const hitDoc = dom(hit.body);
    expect([...hitDoc.querySelectorAll('ol.results mark')].map((m) => m.textContent)).toEqual(['Airstrike']);
    expect(hitDoc.querySelector('ol.results .text')!.textContent).toBe(`Airstrike reported ${HOSTILE} near the river`);
    expectNoInjection(hit.body);
  });

  it('highlights accented words found without their accents, keeping the published text', async () => {
    const doc = dom((await app.inject('/?q=securite%20REGION')).body);
    expect(doc.querySelector('ol.results .text')!.innerHTML).toBe('La <mark>sécurité</mark> de la <mark>région</mark>');
  });

  it('shows a 400 page for bad filters', async () => {
    const res = await app.inject('/?since=2026-02-31');
    expect(res.statusCode).toBe(400);
    expect(dom(res.body).querySelector('.error')!.textContent).toContain('YYYY-MM-DD');
  });

  it('renders an account page with freshness, a frequency table and the timeline', async () => {
    const res = await app.inject('/accounts/x/usfor_a');
    expect(res.statusCode).toBe(200);
    expectNoInjection(res.body);
    const doc = dom(res.body);
    expect(doc.querySelector('h1')!.textContent).toContain(HOSTILE);
    const cells = [...doc.querySelectorAll('.frequency tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()),
    );
    expect(cells).toEqual([['2026-02', '2']]);
    expect(JSON.parse(doc.getElementById('frequency-data')!.textContent!)).toEqual([
      { day: '2026-02-27', posts: 1 },
      { day: '2026-02-28', posts: 1 },
    ]);
    expect(doc.querySelectorAll('ol.results > li')).toHaveLength(2);
    expect((await app.inject('/accounts/x/nobody')).statusCode).toBe(404);
  });

  it('renders a post page with every version diffed, its status and the citing article', async () => {
    const res = await app.inject('/posts/x/1760000000000000002');
    const doc = dom(res.body);
    expect(doc.querySelector('.status-note')!.textContent).toContain('deleted');
    expect(doc.querySelectorAll('ol.versions > li')).toHaveLength(2);
    expect(
      [...doc.querySelectorAll('ol.versions ins, ol.versions del')].map((e) => `${e.tagName}:${e.textContent}`),
    ).toEqual(['INS:safely ', 'DEL:9', 'INS:10']);
    expect(doc.querySelector('ul.citations blockquote.witness p')!.textContent).toBe('The convoy arrived at 9:00');
    expectNoInjection(res.body);
  });

  it('renders an article with its cited passage highlighted and linked', async () => {
    const res = await app.inject(`/articles/${articleId}`);
    expectNoInjection(res.body);
    const doc = dom(res.body);
    expect(doc.querySelector('h1')!.textContent).toBe(`Convoy ${HOSTILE}`);
    const link = doc.querySelector('.article-text a.reference')!;
    expect([link.getAttribute('href'), link.textContent]).toEqual([
      '/posts/x/1760000000000000002',
      'The convoy arrived at 9:00',
    ]);
  });

  it('lists alert rules with masked targets', async () => {
    const res = await app.inject('/alerts');
    expectNoInjection(res.body);
    expect(res.body).not.toContain('SECRETTOKEN');
    expect(dom(res.body).querySelector('tbody code')!.textContent).toBe('https://hooks.slack.example/…');
  });

  it('answers unknown paths with a page, and with JSON under /api', async () => {
    const pageRes = await app.inject('/no/such/page?x=<script>');
    expect([pageRes.statusCode, dom(pageRes.body).querySelector('h1')!.textContent]).toEqual([404, 'Not found']);
    const api = await app.inject('/api/nothing');
    expect([api.statusCode, api.json()]).toEqual([404, { error: 'not_found', message: 'no route GET /api/nothing' }]);
  });

  it('serves its assets, uPlot from node_modules included', async () => {
    for (const [path, type] of [
      ['/assets/style.css', 'text/css'],
      ['/assets/uPlot.iife.min.js', 'text/javascript'],
      ['/assets/uPlot.min.css', 'text/css'],
      ['/assets/account-chart.js', 'text/javascript'],
    ]) {
      const res = await app.inject(path!);
      expect([path, res.statusCode, String(res.headers['content-type']).split(';')[0]]).toEqual([path, 200, type]);
    }
    expect((await app.inject('/assets/../package.json')).statusCode).toBe(404);
  });
});

describe('feeds', () => {
  it.each(['atom', 'rss'])('account %s feed parses as XML with the newest posts first', async (format) => {
    const res = await app.inject(`/feeds/accounts/x/USFOR_A.${format}`);
    expect(res.statusCode).toBe(200);
    const xml = new JSDOM(res.body, { contentType: 'text/xml' }).window.document;
    expect(xml.querySelector('parsererror')).toBeNull();
    const items = [...xml.querySelectorAll(format === 'atom' ? 'entry' : 'item')];
    expect(
      items.map((i) => i.querySelector('link')!.getAttribute('href') ?? i.querySelector('link')!.textContent),
    ).toEqual(['http://onrecord.test/posts/x/1760000000000000002', 'http://onrecord.test/posts/x/1760000000000000001']);
    // Titles are HTML in Atom (type="html") and in practice in RSS: the text arrives escaped.
    const title = `x:USFOR_A: ${`Airstrike reported ${HOSTILE} near the river`.slice(0, 89)}…`;
    expect(items[1]!.querySelector('title')!.textContent).toBe(escapeHtml(title));
    const body = items[1]!.querySelector(format === 'atom' ? 'content' : 'description')!.textContent!;
    expect(body).toContain(`Airstrike reported ${escapeHtml(HOSTILE)}`);
    expect(body).not.toContain('<img');
  });

  it('search feeds come as Atom, RSS and JSON Feed', async () => {
    const atom = await app.inject('/feeds/search.atom?q=convoy');
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const json = await app.inject('/feeds/search.json?q=airstrike');
    expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const feed = json.json();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('onrecord: “airstrike”');
    expect(feed.items.map((i: { id: string; content_text?: string; summary?: string }) => i.id)).toEqual([
      'http://onrecord.test/posts/x/1760000000000000001',
    ]);
    const rss = await app.inject('/feeds/search.rss?q=nothing-matches-this');
    const xml = new JSDOM(rss.body, { contentType: 'text/xml' }).window.document;
    expect(xml.querySelectorAll('item')).toHaveLength(0);
    expect(xml.querySelector('channel > title')!.textContent).toBe('onrecord: “nothing-matches-this”');
  });

  it('answers 404 for unknown accounts and formats', async () => {
    expect((await app.inject('/feeds/accounts/x/nobody.atom')).statusCode).toBe(404);
    expect((await app.inject('/feeds/accounts/x/USFOR_A.html')).statusCode).toBe(404);
  });
});
