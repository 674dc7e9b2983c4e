// Every feed kind read back by a real feed parser (feedsmith) and JSON Feed
// checked against a JSON Feed 1.1 schema (ajv): titles escaped once, RSS
// authors as dc:creator with an atom:link rel="self", JSON Feed 1.1 fields.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseFeed } from 'feedsmith';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { buildTestApp } from '../../helpers/http-app.js';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../fixtures/feeds/jsonfeed-1.1.schema.json', import.meta.url), 'utf8'),
) as object;
const QUERY = '"air strike" helmand';
const FEED_TITLE = `onrecord: “${QUERY}”`;
const TEXT = 'Reports of an "air strike" near Helmand & <b>Lashkar Gah</b> are false.';
const BASE = 'http://onrecord.test';
const POST_LINK = `${BASE}/posts/x/1235243970720694456`;
const CREATED = '2020-03-04T16:10:00.000Z';

/** Item titles are HTML in Atom (type="html") and in RSS readers: what a reader shows. */
function shown(html: string): string {
  const div = new JSDOM('').window.document.createElement('div');
  div.innerHTML = html;
  return div.textContent ?? '';
}

const getDb = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  const db = getDb();
  const a = await insertAccount(db, { handle: 'USFOR_A' });
  await insertPost(db, { accountId: a.id, id: '1235243970720694456', text: TEXT, createdAt: CREATED });
  app = await buildTestApp(db);
});
afterAll(async () => app?.close());

async function fetchFeed(format: string) {
  const path = `/feeds/search.${format}?${new URLSearchParams({ q: QUERY })}`;
  const res = await app.inject(path);
  expect(res.statusCode).toBe(200);
  return { body: res.body, self: `${BASE}${path}` };
}

describe('feeds read by a feed parser', () => {
  it('Atom: one escaping, self link, author, dates', async () => {
    const { body, self } = await fetchFeed('atom');
    const parsed = parseFeed(body);
    if (parsed.format !== 'atom') throw new Error(`parsed as ${parsed.format}`);
    const { feed } = parsed;
    expect(feed.title).toEqual(expect.objectContaining({ value: FEED_TITLE }));
    expect(feed.links).toContainEqual(expect.objectContaining({ rel: 'self', href: self }));
    const [entry] = feed.entries!;
    expect(entry!.title).toEqual(expect.objectContaining({ type: 'html' }));
    expect(shown(entry!.title!.value!)).toBe(`x:USFOR_A: ${TEXT}`);
    expect(entry!.authors).toEqual([{ name: 'x:USFOR_A' }]);
    expect(entry!.links).toEqual([expect.objectContaining({ href: POST_LINK })]);
    expect(new Date(entry!.published!).toISOString()).toBe(CREATED);
    expect(new Date(entry!.updated!).toISOString()).toBe(CREATED);
  });

  it('RSS: one escaping, atom:link rel="self", dc:creator instead of a non-e-mail <author>', async () => {
    const { body, self } = await fetchFeed('rss');
    const parsed = parseFeed(body);
    if (parsed.format !== 'rss') throw new Error(`parsed as ${parsed.format}`);
    const { feed } = parsed;
    expect(feed.title).toBe(FEED_TITLE);
    expect(feed.atom?.links).toEqual([{ href: self, rel: 'self', type: 'application/rss+xml' }]);
    const [item] = feed.items!;
    expect(shown(item!.title!)).toBe(`x:USFOR_A: ${TEXT}`);
    expect(item!.authors).toBeUndefined();
    expect(item!.dc?.creators).toEqual(['x:USFOR_A']);
    expect(item!.link).toBe(POST_LINK);
    expect(new Date(item!.pubDate!).toISOString()).toBe(CREATED);
  });

  it('JSON Feed 1.1: valid against the schema, authors, date_published, feed_url', async () => {
    const { body, self } = await fetchFeed('json');
    const document = JSON.parse(body) as unknown;
    const ajv = new Ajv({ allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(SCHEMA);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const parsed = parseFeed(body);
    if (parsed.format !== 'json') throw new Error(`parsed as ${parsed.format}`);
    const { feed } = parsed;
    expect(feed.title).toBe(FEED_TITLE);
    expect(feed.feed_url).toBe(self);
    expect(feed.items).toEqual([
      expect.objectContaining({
        id: POST_LINK,
        url: POST_LINK,
        title: `x:USFOR_A: ${TEXT}`,
        content_text: TEXT,
        date_published: CREATED,
        authors: [{ name: 'x:USFOR_A' }],
      }),
    ]);
  });

  it('the schema refuses what JSON Feed 1.0 wrote', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats.default(ajv);
    const old = {
      version: 'https://jsonfeed.org/version/1',
      title: 't',
      items: [{ id: '1', content_text: 'x', author: { name: 'a' }, date_modified: CREATED }],
    };
    expect(ajv.validate(SCHEMA, old)).toBe(false);
  });
});
