// What a first visitor meets: a hint on the empty archive, a favicon, links in
// post text that can be clicked (and only http(s) ones), an article header
// without stray separators that shows a date given without a time as a date,
// and a quiet log (one line per request, at debug).
import { Writable } from 'node:stream';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { buildApp } from '../../../src/http/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { summaryLine } from '../../helpers/summary-reporter.js';

const getDb = useTestDatabase();
let app: FastifyInstance;
const doc = (body: string) => new JSDOM(body).window.document;

beforeAll(async () => {
  app = await buildTestApp(getDb());
});
afterAll(async () => app?.close());

describe('a first visit', () => {
  it('the empty archive says what to do next', async () => {
    await truncateAll(getDb());
    const page = doc((await app.inject('/')).body);
    const hint = page.querySelector('section.getting-started')!;
    expect(hint.querySelector('h2')!.textContent).toBe('The archive is empty');
    expect(hint.textContent).toContain('bin/onrecord accounts add x:USFOR_A');
    expect(hint.textContent).toContain('X_BEARER_TOKEN=');
    // A search that finds nothing in a non-empty archive is not the getting-started case.
    expect(doc((await app.inject('/?q=anything')).body).querySelector('section.getting-started')).toBeNull();
  });

  it('serves a favicon that pages point to', async () => {
    const res = await app.inject('/favicon.ico');
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'image/x-icon']);
    expect([...res.rawPayload.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header
    expect(
      doc((await app.inject('/')).body)
        .querySelector('link[rel=icon]')!
        .getAttribute('href'),
    ).toBe('/favicon.ico');
  });

  it('makes http(s) links in post text clickable, and nothing else', async () => {
    const db = getDb();
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    await insertPost(db, {
      accountId: a.id,
      id: '1900000000000000001',
      text: 'Full statement: https://t.co/AbC123. Not a link: javascript:alert(1) <b>bold</b>',
      createdAt: '2026-02-01T10:00:00Z',
    });
    const page = doc((await app.inject('/accounts/x/USFOR_A')).body);
    const text = page.querySelector('article.post p.text')!;
    expect([...text.querySelectorAll('a')].map((l) => [l.getAttribute('href'), l.textContent, l.rel])).toEqual([
      ['https://t.co/AbC123', 'https://t.co/AbC123', 'nofollow noopener noreferrer'],
    ]);
    expect(text.querySelector('b')).toBeNull();
    expect(text.textContent).toBe('Full statement: https://t.co/AbC123. Not a link: javascript:alert(1) <b>bold</b>');
  });

  it('an article without a site name, published on a date without a time', async () => {
    const db = getDb();
    const article = await insertArticle(db, { url: 'https://news.example/a', title: 'A report', text: 'Text.' });
    await db.prisma.article.update({
      where: { id: article.id },
      data: { siteName: null, byline: null, publishedAt: new Date('2020-03-04T00:00:00Z') },
    });
    const facts = doc((await app.inject(`/articles/${article.id}`)).body).querySelector('main p.muted')!;
    expect(facts.textContent!.replace(/\s+/g, ' ').trim()).toBe('2020-03-04 · original');
  });
});

describe('request logs', () => {
  async function linesLogged(level: string): Promise<string[]> {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const db = getDb();
    const config = loadConfig(
      { DATABASE_URL: db.url, ONRECORD_PUBLIC_URL: 'http://onrecord.test' },
      { instanceId: 't' },
    );
    const logged = await buildApp({
      db,
      config,
      logger: createLogger({ level, destination }),
      clock: { now: () => new Date('2026-03-01T12:00:00Z') },
    });
    try {
      for (const path of ['/', '/api/posts', '/nothing-here']) await logged.inject(path);
    } finally {
      await logged.close();
    }
    return lines;
  }

  it('writes nothing per request at info, one line per request at debug', async () => {
    expect(await linesLogged('info')).toEqual([]);
    const debug = (await linesLogged('debug')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(debug.map((l) => [l.msg, l.method, l.url, l.statusCode])).toEqual([
      ['request', 'GET', '/', 200],
      ['request', 'GET', '/api/posts', 200],
      ['request', 'GET', '/nothing-here', 404],
    ]);
  });
});

describe('the summary line', () => {
  it('says when browser tests were skipped for want of Chromium', () => {
    expect(summaryLine({ passed: 3, failed: 0, skipped: 7 }, 7)).toBe(
      'vitest: 3 passed, 0 failed, 7 skipped (7 browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium))',
    );
    expect(summaryLine({ passed: 3, failed: 1, skipped: 0 }, 0)).toBe('vitest: 3 passed, 1 failed, 0 skipped');
  });
});
