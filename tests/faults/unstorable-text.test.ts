// Fault: text PostgreSQL cannot store (a NUL character, a lone UTF-16
// surrogate) in one post made PostgreSQL refuse the whole page (22P05 /
// 22P02): the page rolled back, the cursor never moved, every later poll
// failed the same way and nothing was reported. Held: the stored columns get
// U+FFFD in place of each, the post is reported as an ingest problem, the
// page is stored and the cursor moves; raw captures and article snapshots
// keep the exact content (base64 when it cannot be text); search queries and
// other inputs with such characters are answered, not failed.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../src/adapters/db/posts-repository.js';
import { timelineSource } from '../../src/jobs/poll-timeline.js';
import { decodeRawBody, REPLACEMENT, storableText } from '../../src/core/storable-text.js';
import { parseSearchInput } from '../../src/core/search-query.js';
import { addArticle, type LinkArticleDeps } from '../../src/jobs/link-article.js';
import { createCitationDetectors } from '../../src/core/citation-detectors.js';
import { truncateAll, useTestDatabase } from '../helpers/database.js';
import { auth, buildTestApp } from '../helpers/http-app.js';
import { addAccount, logger, poller, sourceFor, useFakeX } from '../integration/ingest/poll-harness.js';
import { captureOf, idAt, page, tweet } from '../integration/ingest/pages.js';

const db = useTestDatabase();
const fake = useFakeX();
let n = 0;
const handle = () => `unst_${process.pid % 1000}_${++n}`;

beforeEach(async () => {
  await truncateAll(db());
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('storableText', () => {
  it.each([
    ['plain text', 'plain text', 0, 0],
    ['abc\u0000def', `abc${REPLACEMENT}def`, 1, 0],
    ['lone high \ud800 end', `lone high ${REPLACEMENT} end`, 0, 1],
    ['lone low \udc00', `lone low ${REPLACEMENT}`, 0, 1],
    ['pair \ud83d\ude00 kept', 'pair \ud83d\ude00 kept', 0, 0],
    ['\udc00\ud800\u0000', REPLACEMENT.repeat(3), 1, 2],
  ])('%j → %j', (input, text, nul, loneSurrogates) => {
    expect(storableText(input)).toEqual({ text, changes: { nul, loneSurrogates } });
  });
});

describe('a post PostgreSQL cannot store as it is', () => {
  it('is stored with U+FFFD, reported as a problem, and the page and cursor go on', async () => {
    const h = handle();
    const { user } = fake().seedAccount({ username: h });
    const before = fake().addPost({ author: user, text: 'Before the bad ones', at: '2026-03-02T10:00:00Z' });
    const nul = fake().addPost({ author: user, text: 'Statement\u0000with a NUL', at: '2026-03-02T10:01:00Z' });
    const lone = fake().addPost({ author: user, text: 'Broken \ud800 surrogate', at: '2026-03-02T10:02:00Z' });
    const after = fake().addPost({ author: user, text: 'After the bad ones', at: '2026-03-02T10:03:00Z' });
    const account = await addAccount(db(), h);
    const p = poller(db(), sourceFor(fake()));

    const first = await p.poll(account.id);
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ outcome: 'complete', postsNew: 4, problems: 2 });
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(after.id);
    const texts = await db().prisma.post.findMany({ orderBy: { createdAt: 'asc' }, select: { text: true } });
    expect(texts.map((t) => t.text)).toEqual([
      'Before the bad ones',
      `Statement${REPLACEMENT}with a NUL`,
      `Broken ${REPLACEMENT} surrogate`,
      'After the bad ones',
    ]);
    const problems = await db().prisma.ingestProblem.findMany({ orderBy: { platformId: 'asc' } });
    expect(problems.map((x) => [x.platformId, x.code])).toEqual([
      [nul.id, 'unstorable_text'],
      [lone.id, 'unstorable_text'],
    ]);
    expect(problems[0]!.message).toMatch(/1 NUL character/);
    expect(problems[1]!.message).toMatch(/1 lone surrogate/);
    expect(before.id).not.toBe(after.id);

    // The capture keeps what X sent: the escapes are still in its body.
    const capture = await db().prisma.capture.findFirstOrThrow({ where: { id: problems[0]!.captureId! } });
    expect(capture.bodyEncoding).toBe('text');
    const raw = JSON.parse(capture.body) as { data: { id: string; text: string }[] };
    expect(raw.data.find((d) => d.id === nul.id)!.text).toBe('Statement\u0000with a NUL');
    expect(raw.data.find((d) => d.id === lone.id)!.text).toBe('Broken \ud800 surrogate');
    expect(capture.sha256).toBe(sha256(Buffer.from(capture.body, 'utf8')));

    // Later polls go on from the cursor, and a new bad post raises its `new` event.
    const later = fake().addPost({ author: user, text: 'Later\u0000one', at: '2026-03-02T11:00:00Z' });
    const second = await p.poll(account.id);
    expect(second).toMatchObject({ outcome: 'complete', postsNew: 1, problems: 1 });
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(later.id);
    const event = await db().prisma.event.findFirstOrThrow({ where: { kind: 'new' } });
    expect((event.payload as { post: { text: string } }).post.text).toBe(`Later${REPLACEMENT}one`);
  });

  it('keeps a raw body that cannot be text as base64 that round-trips, with sha256 over its bytes', async () => {
    const account = await addAccount(db(), handle());
    const cases = [
      { body: '<html>proxy error\u0000\u0000</html>', encoding: 'base64', bytes: 'utf8' },
      { body: 'half a pair \ud83d', encoding: 'base64-utf16le', bytes: 'utf16le' },
    ] as const;
    for (const c of cases) {
      const now = new Date();
      const stored = await db().prisma.$transaction((tx) =>
        createPostsRepository(db().prisma).storeBatch(
          {
            accountId: account.id,
            capture: { ...captureOf({}), contentType: 'text/html', body: c.body, capturedAt: now },
            posts: [],
            problems: [{ code: 'bad_payload', message: `X answered text/html: ${c.body}` }],
            firstSeenBy: 'poll',
            raiseNew: false,
            now,
          },
          tx,
        ),
      );
      const row = await db().prisma.capture.findUniqueOrThrow({ where: { id: stored.captureId! } });
      expect(row.bodyEncoding).toBe(c.encoding);
      expect(decodeRawBody(row.bodyEncoding, row.body)).toBe(c.body);
      expect(row.sha256).toBe(sha256(Buffer.from(c.body, c.bytes)));
      const problem = await db().prisma.ingestProblem.findFirstOrThrow({ where: { captureId: row.id } });
      expect(problem.message).toContain(REPLACEMENT);
    }
  });

  it('stores a page whose edit history holds a bad earlier version', async () => {
    const account = await addAccount(db(), handle());
    const first = idAt('2026-03-04T10:00:00Z');
    const second = idAt('2026-03-04T10:05:00Z');
    const body = page([tweet(second, 'Corrected text', [first, second])], {
      includes: { tweets: [tweet(first, 'Typo\u0000text', [first, second])], users: [] },
    });
    const { normalizeXBody } = await import('../../src/core/x-normalize.js');
    const normalized = normalizeXBody(body);
    const now = new Date();
    await db().prisma.$transaction((tx) =>
      createPostsRepository(db().prisma).storeBatch(
        {
          accountId: account.id,
          capture: { ...captureOf(body), capturedAt: now },
          posts: normalized.posts,
          problems: normalized.problems,
          firstSeenBy: 'poll',
          raiseNew: false,
          now,
        },
        tx,
      ),
    );
    const versions = await db().prisma.postVersion.findMany({ orderBy: { createdAt: 'asc' } });
    expect(versions.map((v) => v.text)).toEqual([`Typo${REPLACEMENT}text`, 'Corrected text']);
    expect((versions[0]!.data as { text: string }).text).toBe(`Typo${REPLACEMENT}text`);
    const problem = await db().prisma.ingestProblem.findFirstOrThrow();
    expect(problem).toMatchObject({ platformId: first, code: 'unstorable_text' });
    expect(problem.message).toMatch(/1 NUL character/);
  });
});

describe('other text inputs', () => {
  it('answers a search with a NUL or lone surrogate in q instead of failing', async () => {
    const app = await buildTestApp(db());
    try {
      for (const q of ['abc%00def', 'abc%ED%A0%80def', '%22abc%00%22']) {
        const res = await app.inject({ method: 'GET', url: `/api/posts?q=${q}` });
        expect(res.statusCode, q).toBe(200);
        expect(res.json()).toMatchObject({ posts: [] });
      }
      const feed = await app.inject({ method: 'GET', url: '/feeds/search.atom?q=abc%00def' });
      expect(feed.statusCode).toBe(200);
      expect(parseSearchInput({ q: 'a\u0000b' }).q).toBe(`a${REPLACEMENT}b`);
    } finally {
      await app.close();
    }
  });

  it('stores an article whose text, title and page hold NUL and lone surrogates, keeping the page exactly', async () => {
    const page =
      '<html><head><title>Title\u0000here</title></head><body><article><p>First paragraph \ud800 of the report that goes on long enough.</p><p>Second\u0000paragraph.</p></article></body></html>';
    const deps: LinkArticleDeps = {
      prisma: db().prisma,
      detectors: createCitationDetectors(),
      logger,
      clock: { now: () => new Date() },
      fetchPage: () => Promise.reject(new Error('no fetching here')),
    };
    const result = await addArticle(deps, { source: page, title: 'Given\u0000title' });
    const article = await db().prisma.article.findUniqueOrThrow({
      where: { id: result.article.id },
      include: { snapshots: true },
    });
    expect(article.title).toBe(`Given${REPLACEMENT}title`);
    expect(article.text).toContain(`First paragraph ${REPLACEMENT} of the report`);
    expect(article.text).toContain(`Second${REPLACEMENT}paragraph.`);
    const snapshot = article.snapshots[0]!;
    expect(snapshot.bodyEncoding).toBe('base64-utf16le');
    expect(decodeRawBody(snapshot.bodyEncoding, snapshot.body)).toBe(page);
    expect(snapshot.sha256).toBe(sha256(Buffer.from(page, 'utf16le')));

    const app = await buildTestApp(db(), {}, { articles: { add: (input) => addArticle(deps, input) } });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/articles',
        headers: auth,
        payload: { source: 'Plain text article\u0000 with a NUL, long enough to be an article.', title: 'T\ud800' },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      expect(res.json().article.title).toBe(`T${REPLACEMENT}`);
    } finally {
      await app.close();
    }
  });
});
