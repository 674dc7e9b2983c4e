// Fault: three kinds of input froze the whole service. Alert regexes that
// backtrack catastrophically (`(a|aa)+$`, `.*.*.*.*.*=.*`) passed the safety
// check and a 110-character post froze /healthz for 23 s inside the dispatch
// transaction; article clean-up was quadratic (200,000 spaces took 19 s) and
// ran on the main thread; 3,000 quoted phrases kept PostgreSQL busy for 22 s.
// Held: regexes run on RE2 (linear) outside any transaction, every text pass
// is linear and extraction runs in a worker thread stopped at a time limit,
// and searches are bounded (400 naming the limit) and run under a statement
// timeout. Responsiveness is measured by counting timer ticks while the work
// runs, never by timing the work.
import { afterAll, describe, expect, it } from 'vitest';
import { ruleFires, validateRuleRegex } from '../../src/core/alert-match.js';
import { InvalidInput, QueryTimeout } from '../../src/core/errors.js';
import { isTruncated, normalizeText } from '../../src/core/text-normalize.js';
import { MAX_QUERY_LENGTH, MAX_QUERY_PHRASES, MAX_QUERY_TERMS, parseFilters } from '../../src/core/search-query.js';
import { extractArticle } from '../../src/adapters/articles/extract.js';
import { createArticleExtractor, type ArticleExtractor } from '../../src/adapters/articles/extract-pool.js';
import { htmlToText } from '../../src/adapters/articles/html-fallback.js';
import { withStatementTimeout } from '../../src/adapters/db/statement-timeout.js';
import { createAlertsRepository } from '../../src/adapters/db/alerts-repository.js';
import { dispatchEvents } from '../../src/jobs/dispatch-events.js';
import { useTestDatabase, usePgliteDatabase } from '../helpers/database.js';
import { buildTestApp, auth } from '../helpers/http-app.js';
import { seedSyntheticPosts } from '../../bench/lib/synthetic.js';

const db = useTestDatabase();
const pglite = usePgliteDatabase();
const extractors: ArticleExtractor[] = [];
afterAll(async () => {
  await Promise.all(extractors.map((e) => e.close()));
});

/** Counts how many times the main event loop got to run timers while `work` was pending. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), ticks };
  } finally {
    running = false;
  }
}

const T0 = new Date('2026-03-01T00:00:00Z');
const rule = (regex: string) => ({ accounts: [], keywords: [], regex, events: ['new'], createdAt: T0 });
const event = (text: string) => ({ kind: 'new', createdAt: T0, account: 'x:usfor_a', text });

describe('alert regexes', () => {
  const hostile = 'a'.repeat(109) + '!';
  it.each([
    ['(a|a)*$', hostile, true],
    ['(a|aa)+$', hostile, false],
    ['.*.*.*.*.*=.*', hostile, false],
    ['.*.*.*.*.*=.*', `${'a'.repeat(100)}=b`, true],
    ['[a-z]+[a-z]+[a-z]+[a-z]+x', hostile, false],
    ['(a+)+$', hostile, false],
  ])('%s is accepted and matches in linear time', (regex, text, fires) => {
    expect(validateRuleRegex(regex)).toBe(regex);
    expect(ruleFires(rule(regex), event(text))).toBe(fires);
  });

  it('matches case-insensitively across scripts, and refuses what RE2 cannot run with a clear 400', async () => {
    expect(ruleFires(rule('ukraïne'), event('UKRAÏNE said'))).toBe(true);
    const app = await buildTestApp(db());
    try {
      for (const regex of ['(?<=a)b', '(?=a)b', String.raw`(a)\1`]) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/alerts',
          headers: auth,
          payload: { channel: 'webhook', target: 'https://hooks.example/x', regex },
        });
        expect(res.statusCode, regex).toBe(400);
        expect(res.json().message).toMatch(/RE2 syntax.*no lookahead, lookbehind or backreferences/);
      }
      const ok = await app.inject({
        method: 'POST',
        url: '/api/alerts',
        headers: auth,
        payload: { channel: 'webhook', target: 'https://hooks.example/x', regex: '.*.*.*.*.*=.*' },
      });
      expect(ok.statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('dispatches hostile posts against hostile rules: each event matched, every delivery written', async () => {
    await db().prisma.alertRule.deleteMany(); // rules of the tests above
    const alerts = createAlertsRepository(db().prisma);
    const base = { channel: 'webhook' as const, target: 'https://hooks.example/x', secret: null, accounts: [] };
    const common = { ...base, keywords: [], events: ['new' as const], digest: 'none' as const };
    const equals = await alerts.addRule({ ...common, regex: '.*.*.*.*.*=.*' });
    const lettersX = await alerts.addRule({ ...common, regex: '[a-z]+[a-z]+[a-z]+[a-z]+x' });
    const texts = ['a'.repeat(110), `${'a'.repeat(100)}=1`, `${'b'.repeat(100)}x`];
    for (const [i, text] of texts.entries()) {
      await db().prisma.event.create({
        data: { kind: 'new', dedupeKey: `new:x:${i}`, payload: { post: { text, account: 'x:usfor_a' } } },
      });
    }
    const result = await dispatchEvents(db().prisma, { now: () => new Date() });
    expect(result).toEqual({ events: 3, deliveries: 2, digested: 0 });
    const deliveries = await db().prisma.delivery.findMany({ include: { event: true }, orderBy: { ruleId: 'asc' } });
    expect(deliveries.map((d) => [d.ruleId, d.event!.dedupeKey])).toEqual([
      [equals.id, 'new:x:1'],
      [lettersX.id, 'new:x:2'],
    ]);
    expect(await db().prisma.event.count({ where: { dispatchedAt: null } })).toBe(0);
  });
});

describe('article extraction', () => {
  const spaces = ' '.repeat(200_000);

  it('cleans up whitespace in linear passes (200,000 spaces, tabs, dots)', () => {
    expect(extractArticle(`a${spaces}b`, { kind: 'text' }).text).toBe('a b');
    expect(extractArticle(`a${' \t'.repeat(100_000)}x\n`, { kind: 'text' }).text).toBe('a x');
    expect(extractArticle(`a\n${spaces}\n${spaces}\n\n\nb`, { kind: 'text' }).text).toBe('a\n\nb');
    expect(isTruncated(`${'.'.repeat(100_000)}${spaces}x`)).toBe(false);
    expect(isTruncated(`${'x '.repeat(100_000)}...`)).toBe(true);
    expect(normalizeText(`Col.${spaces}Smith`)).toBe('colonel smith');
  });

  it('strips unclosed script tags of a deep page in one pass', () => {
    const page = `${'<div>'.repeat(700)}<p>Kept text</p>${'<script>'.repeat(20_000)}${'x'.repeat(200_000)}`;
    expect(htmlToText(page).trim()).toBe('Kept text');
    const closed = '<p>Before</p><script>var a = "<p>no</p>";</script><STYLE>p{}</style ><p>After</p>';
    expect(htmlToText(closed).replace(/\s+/g, ' ').trim()).toBe('Before After');
  });

  it('runs in a worker thread: the main loop keeps turning while a large page is read', async () => {
    const extractor = createArticleExtractor({ timeoutMs: 120_000 });
    extractors.push(extractor);
    const page = `<html><body><article><p>a${spaces}b</p><p>${'word '.repeat(50_000)}</p></article></body></html>`;
    const { result, ticks } = await ticksDuring(() => extractor.extract(page, { kind: 'html' }));
    expect(result.text.startsWith('a b\n\nword word')).toBe(true);
    expect(ticks).toBeGreaterThan(10);
    // The same work on the main thread lets no timer run until it is done: what the worker prevents.
    const inline = await ticksDuring(() => Promise.resolve(extractArticle(page, { kind: 'html' })));
    expect(inline.result.text).toBe(result.text);
    expect(inline.ticks).toBe(0);
  });

  it('stops a page that takes longer than the limit, with a clear error, and stays responsive', async () => {
    const extractor = createArticleExtractor({ timeoutMs: 1000 });
    extractors.push(extractor);
    // About 3.6 MB of small elements: well over a minute of DOM work.
    const page = `<html><body><article>${'<p><span>word</span> <a href="/x">link</a></p>'.repeat(80_000)}</article></body></html>`;
    const { result, ticks } = await ticksDuring(() =>
      extractor.extract(page, { kind: 'html' }).then(
        () => null,
        (err: unknown) => err,
      ),
    );
    expect(result).toBeInstanceOf(InvalidInput);
    expect((result as Error).message).toMatch(/could not be read within 1000 ms \(ONRECORD_EXTRACT_TIMEOUT\)/);
    expect(ticks).toBeGreaterThan(10);
  });
});

describe('search complexity', () => {
  it.each([
    ['3,000 quoted phrases', Array.from({ length: 3000 }, (_, i) => `"w${i} x"`).join(' '), /limit is/],
    ['2,000 ORs', Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' OR '), /limit is/],
    [
      'too many phrases',
      Array.from({ length: MAX_QUERY_PHRASES + 1 }, (_, i) => `"p${i}"`).join(' '),
      /quoted phrases; the limit is 8/,
    ],
    [
      'too many terms',
      Array.from({ length: MAX_QUERY_TERMS + 1 }, (_, i) => `t${i}`).join(' '),
      /terms and phrases; the limit is 32/,
    ],
    ['too long', 'w'.repeat(MAX_QUERY_LENGTH + 1), /characters long; the limit is 500/],
  ])('refuses %s with a clear error', (_name, q, message) => {
    expect(() => parseFilters({ q })).toThrow(InvalidInput);
    expect(() => parseFilters({ q })).toThrow(message);
  });

  it('answers 400 naming the limit over HTTP, and accepts queries within the limits', async () => {
    const app = await buildTestApp(db());
    try {
      const phrases = Array.from({ length: 3000 }, (_, i) => `"w${i} x"`).join(' ');
      const res = await app.inject({
        method: 'GET',
        url: `/api/posts?q=${encodeURIComponent(phrases.slice(0, 4000))}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/limit is/) });
      const within = Array.from({ length: MAX_QUERY_PHRASES }, (_, i) => `"w${i} x"`).join(' OR ');
      const ok = await app.inject({ method: 'GET', url: `/api/posts?q=${encodeURIComponent(within)}` });
      expect(ok.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('stops a statement past the search timeout with QueryTimeout, answered as a clear 503', async () => {
    const slow = withStatementTimeout(db().prisma, 50, 'the search', (tx) => tx.$queryRaw`SELECT pg_sleep(5)::text`);
    await expect(slow).rejects.toBeInstanceOf(QueryTimeout);
    await expect(slow).rejects.toThrow('the search took longer than 50 ms and was stopped; narrow it down');
    // The limit ends with its transaction: the pooled connection is left as it was.
    const [after] = await db().prisma.$queryRaw<{ t: string }[]>`SELECT current_setting('statement_timeout') AS t`;
    expect(after!.t).toBe('0');
    // Over HTTP: a search scoring every post by similarity, under a 1 ms limit, answers 503 query_timeout.
    await seedSyntheticPosts({ url: db().url, count: 3000, accounts: 3 });
    const app = await buildTestApp(db(), { ONRECORD_SEARCH_TIMEOUT: '1ms' });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/posts?q=zqxjkvw' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: 'query_timeout',
        message: 'the search took longer than 1 ms and was stopped; narrow it down',
      });
    } finally {
      await app.close();
    }
  });

  it('runs searches in a transaction on the embedded database too (where the timeout is not enforced)', async () => {
    const rows = await withStatementTimeout(pglite().prisma, 50, 'the search', async (tx) => {
      const [row] = await tx.$queryRaw<{ t: string }[]>`SELECT current_setting('statement_timeout') AS t`;
      return row!.t;
    });
    expect(rows).toBe('50ms');
  });
});
