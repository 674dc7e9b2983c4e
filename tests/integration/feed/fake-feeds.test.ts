// The fake feed server itself, spoken to over raw HTTP: its documents are
// real feeds (feedsmith reads every format, the JSON Feed passes the 1.1
// schema), and its conditional GET follows RFC 9110 §13.2.2.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseFeed } from 'feedsmith';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFeeds, type FakeFeedSpec, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../fixtures/feeds/jsonfeed-1.1.schema.json', import.meta.url), 'utf8'),
) as object;
let fake: RunningFakeFeeds;
let n = 0;

beforeAll(async () => {
  fake = await startFakeFeeds();
});
afterAll(async () => {
  await fake.close();
});

function serve(spec: Partial<FakeFeedSpec> = {}) {
  const path = `/fake/${++n}.${spec.format ?? 'rss'}`;
  fake.addFeed({ format: 'rss', items: pressReleases(3), ...spec, path });
  return path;
}

async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') {
  const res = await request(`${fake.url}${path}`, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers as Record<string, string | undefined>, body };
}

describe('documents', () => {
  it.each(['rss', 'rdf', 'atom', 'json'] as const)('%s is read by a real feed parser', async (format) => {
    const path = serve({ format, items: pressReleases(5) });
    const res = await get(path);
    const parsed = parseFeed(res.body.toString('utf8'));
    expect(parsed.format).toBe(format);
    const items = parsed.format === 'atom' ? parsed.feed.entries : parsed.feed.items;
    expect(items).toHaveLength(5);
    if (format === 'json') {
      const ajv = new Ajv({ strict: false });
      addFormats.default(ajv);
      expect(ajv.validate(SCHEMA, JSON.parse(res.body.toString('utf8'))), ajv.errorsText()).toBe(true);
    }
  });
});

describe('conditional GET', () => {
  it('If-None-Match decides alone: weak comparison, lists and *', async () => {
    const path = serve({ weakEtag: true });
    const first = await get(path);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{20}"$/);
    const strongForm = etag.slice(2);
    const future = new Date(Date.now() + 86_400_000).toUTCString();
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(path, { 'if-none-match': strongForm })).status).toBe(304);
    expect((await get(path, { 'if-none-match': `"nope", ${etag}` })).status).toBe(304);
    expect((await get(path, { 'if-none-match': '*' })).status).toBe(304);
    // A mismatching If-None-Match wins over an If-Modified-Since that would say unchanged.
    expect((await get(path, { 'if-none-match': '"nope"', 'if-modified-since': future })).status).toBe(200);
  });

  it('If-Modified-Since: unchanged since then is 304; an earlier or invalid date is 200', async () => {
    const path = serve({ validators: 'last-modified' });
    const first = await get(path);
    const lastModified = first.headers['last-modified']!;
    expect(first.headers.etag).toBeUndefined();
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const notModified = await get(path, { 'if-modified-since': lastModified });
    expect([notModified.status, notModified.body.length, notModified.headers['last-modified']]).toEqual([
      304,
      0,
      lastModified,
    ]);
    expect((await get(path, { 'if-modified-since': earlier })).status).toBe(200);
    expect((await get(path, { 'if-modified-since': 'yesterday' })).status).toBe(200);
  });

  it('a change gives a new ETag and a later Last-Modified; a 304 carries the ETag only', async () => {
    const path = serve();
    const first = await get(path);
    fake.changeItem(path, 'urn:nordvale:press:1', { title: 'Corrected' });
    const stale = await get(path, {
      'if-none-match': first.headers.etag!,
      'if-modified-since': first.headers['last-modified']!,
    });
    expect(stale.status).toBe(200);
    expect(stale.headers.etag).not.toBe(first.headers.etag);
    expect(Date.parse(stale.headers['last-modified']!)).toBeGreaterThan(Date.parse(first.headers['last-modified']!));
    const unchanged = await get(path, { 'if-none-match': stale.headers.etag! });
    expect([unchanged.status, unchanged.headers.etag, unchanged.headers['last-modified']]).toEqual([
      304,
      stale.headers.etag,
      undefined,
    ]);
  });

  it('without validators every request is a full 200', async () => {
    const path = serve({ validators: 'none' });
    const res = await get(path, { 'if-none-match': '*', 'if-modified-since': new Date().toUTCString() });
    expect([res.status, res.headers.etag, res.headers['last-modified']]).toEqual([200, undefined, undefined]);
  });
});

describe('serving', () => {
  it('content type, BOM and gzip as configured; HEAD, 405, 404 and redirects; every request counted', async () => {
    const path = serve({ contentType: 'application/octet-stream', bom: true, gzip: true });
    const zipped = await get(path, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-type']).toBe('application/octet-stream');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect([...gunzipSync(zipped.body).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const plain = await get(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const head = await get(path, {}, 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).toEqual([
      200,
      0,
      String(plain.body.length),
    ]);
    expect((await get(path, {}, 'POST')).status).toBe(405);
    expect((await get('/fake/none.xml')).status).toBe(404);
    fake.redirect('/fake/old.xml', path, 308);
    const moved = await get('/fake/old.xml');
    expect([moved.status, moved.headers.location]).toEqual([308, path]);
    expect(fake.requestsTo(path).map((r) => [r.method, r.status])).toEqual([
      ['GET', 200],
      ['GET', 200],
      ['HEAD', 200],
      ['POST', 405],
    ]);
  });
});
