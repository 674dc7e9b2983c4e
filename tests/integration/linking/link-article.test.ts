// addArticle against a real PostgreSQL: the model case, re-adding, the
// witness copy, events, and references that resolve when the post arrives.
import { beforeEach, describe, expect, it } from 'vitest';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { resolveReferencesForPosts } from '../../../src/adapters/db/reference-resolution.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { snowflakeAt } from '../../../src/core/x-snowflake.js';
import { createLogger } from '../../../src/logger.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { MODEL_ARTICLE } from '../../fixtures/linking/model-case.js';
import { seedModelCase } from '../../fixtures/linking/seed.js';

const getDb = useTestDatabase();

function deps(): LinkArticleDeps {
  return {
    prisma: getDb().prisma,
    detectors: createCitationDetectors(),
    logger: createLogger({ level: 'silent', pretty: false }),
    clock: systemClock,
    fetchPage: async (url) => {
      throw new FetchRefused(`no network in this test (${url})`);
    },
  };
}

const summary = (refs: { post: { id: string | null }; kind: string; status: string; differsFromArchive: boolean }[]) =>
  refs.map((r) => ({ id: r.post.id, kind: r.kind, status: r.status, differs: r.differsFromArchive }));

beforeEach(async () => {
  await truncateAll(getDb());
});

describe('the model case', () => {
  it('links exactly the two embedded posts, none of the look-alikes', async () => {
    const seeded = await seedModelCase(getDb());
    const { article, references, created } = await addArticle(deps(), {
      source: MODEL_ARTICLE,
      publishedAt: '2020-03-04T18:00:00Z',
    });
    expect(created).toBe(true);
    expect(article.title).toBe('U.S. strikes Taliban fighters in Helmand days after Doha agreement');
    expect(article.key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary(references)).toEqual([
      { id: seeded.strike.platformId, kind: 'embed', status: 'resolved', differs: false },
      { id: seeded.commitment.platformId, kind: 'embed', status: 'resolved', differs: false },
    ]);
    for (const r of references) {
      expect(r.confidence).toBeGreaterThanOrEqual(0.9);
      expect(r.post.account).toBe('x:USFOR_A');
      expect(r.cited).toEqual({ platformId: null, handle: 'USFOR_A', date: '2020-03-04' });
      expect(r.evidence).toMatchObject({
        form: 'embed-text',
        name: 'USFOR-A Spokesman Col Sonny Leggett',
        match: { method: 'text' },
      });
    }
    const events = await getDb().prisma.event.findMany({ where: { kind: 'cited' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.dedupeKey, e.postId, e.articleId])).toEqual([
      [`cited:${article.id}:x:${seeded.strike.platformId}`, seeded.strike.id, article.id],
      [`cited:${article.id}:x:${seeded.commitment.platformId}`, seeded.commitment.id, article.id],
    ]);
    expect(await createArticlesRepository(getDb().prisma).listCitingArticles(seeded.lookAlikes[0]!.id)).toEqual([]);
    expect(await createArticlesRepository(getDb().prisma).listCitingArticles(seeded.otherCopy.id)).toEqual([]);
    expect(await createArticlesRepository(getDb().prisma).listCitingArticles(seeded.strike.id)).toEqual([
      expect.objectContaining({ id: article.id, kind: 'embed', differsFromArchive: false }),
    ]);
  });

  it('re-adding the same article changes nothing; a changed text keeps both snapshots', async () => {
    await seedModelCase(getDb());
    const url = 'https://news.example/2020/03/04/helmand-strike';
    const first = await addArticle(deps(), { source: MODEL_ARTICLE, url });
    const again = await addArticle(deps(), { source: MODEL_ARTICLE, url });
    expect(again.created).toBe(false);
    expect(again.contentChanged).toBe(false);
    expect(again.article.id).toBe(first.article.id);
    expect(summary(again.references)).toEqual(summary(first.references));
    const updated = await addArticle(deps(), {
      source: `${MODEL_ARTICLE}\nCorrection: an earlier version misspelled a district.\n`,
      url,
    });
    expect(updated.article.id).toBe(first.article.id);
    expect(updated.contentChanged).toBe(true);
    expect(updated.article.snapshots).toHaveLength(2);
    expect(updated.article.key).toBe(url);
    const p = getDb().prisma;
    expect([
      await p.article.count(),
      await p.articleReference.count(),
      await p.event.count({ where: { kind: 'cited' } }),
    ]).toEqual([1, 2, 2]);
  });
});

describe('the article as a witness', () => {
  it('keeps the article copy and flags an archived text that differs (an edit)', async () => {
    const account = await insertAccount(getDb(), { handle: 'USFOR_A', displayName: 'USFOR-A' });
    const post = await insertPost(getDb(), {
      accountId: account.id,
      createdAt: '2020-03-04T14:12:31Z',
      text: 'Four fighters were killed in the defensive strike near the checkpoint in Nahr-e Saraj this morning.',
    });
    const witnessed =
      'Five fighters were killed in the defensive strike near the checkpoint in Nahr-e Saraj this morning.';
    const html = `<html><body><article><p>Report.</p><blockquote class="twitter-tweet"><p lang="en">${witnessed}</p>&mdash; USFOR-A (@USFOR_A) <a href="https://twitter.com/USFOR_A/status/${post.platformId}?ref_src=twsrc%5Etfw">March 4, 2020</a></blockquote></article></body></html>`;
    const { references } = await addArticle(deps(), { source: html });
    expect(references).toHaveLength(1);
    expect(references[0]).toMatchObject({
      kind: 'embed',
      confidence: 1,
      status: 'resolved',
      witnessedText: witnessed,
      differsFromArchive: true,
      post: { id: post.platformId, text: post.text },
      cited: { platformId: post.platformId, handle: 'USFOR_A', date: '2020-03-04' },
    });
  });
});

describe('a post edited after the article quoted it', () => {
  it('links the quotation of its earlier text, and the evidence says so', async () => {
    const account = await insertAccount(getDb(), { handle: 'USFOR_A', displayName: 'USFOR-A' });
    const before =
      'Two fighters were detained at the Lashkar Gah checkpoint this morning. An investigation is under way.';
    const post = await insertPost(getDb(), {
      accountId: account.id,
      createdAt: '2020-03-04T09:00:00Z',
      earlierTexts: [before],
      text: before.replace('Two', 'Three'),
    });
    const article = `Report of the day.\n\n\u201cTwo fighters were detained at the Lashkar Gah checkpoint this morning,\u201d USFOR-A wrote on X.\n`;
    const { references } = await addArticle(deps(), { source: article, publishedAt: '2020-03-04T12:00:00Z' });
    expect(references).toHaveLength(1);
    expect(references[0]).toMatchObject({
      kind: 'quote',
      status: 'resolved',
      post: { id: post.platformId },
      evidence: { match: { method: 'text', similarity: 1, earlierVersion: true } },
    });
  });
});

describe('an edited post among many posts of its account', () => {
  it('is a candidate by its earlier text, however unlike the quotation its current text is', async () => {
    const account = await insertAccount(getDb(), { handle: 'USFOR_A', displayName: 'USFOR-A' });
    for (let i = 0; i < 25; i++) {
      await insertPost(getDb(), {
        accountId: account.id,
        createdAt: new Date(Date.parse('2020-03-03T00:00:00Z') + i * 3_600_000),
        text: `Fighters were seen near the Lashkar Gah checkpoint this morning (report ${i}).`,
      });
    }
    const before = 'Two fighters were detained at the Lashkar Gah checkpoint this morning.';
    const post = await insertPost(getDb(), {
      accountId: account.id,
      createdAt: '2020-03-04T09:00:00Z',
      earlierTexts: [before],
      text: 'Update: an earlier post of ours was wrong; please disregard it.',
    });
    const article = `\u201cTwo fighters were detained at the Lashkar Gah checkpoint this morning,\u201d USFOR-A wrote on X.`;
    const { references } = await addArticle(deps(), { source: article, publishedAt: '2020-03-04T12:00:00Z' });
    expect(references.map((r) => [r.kind, r.status, r.post.id])).toEqual([['quote', 'resolved', post.platformId]]);
  });
});

describe('posts not archived yet', () => {
  it('keeps open references and resolves them when the posts arrive', async () => {
    const when = new Date('2020-03-04T14:12:31Z');
    const citedId = (BigInt(snowflakeAt(when)) + 7n).toString();
    const text = 'Statement on the defensive strike near Nahr-e Saraj this morning. Details will follow.';
    const article = `Report of the day.\n\nSee https://x.com/USFOR_A/status/${citedId} for the first statement.\n\n${text}\n\u2014 USFOR-A (@USFOR_A) March 4, 2020\n`;
    const added = await addArticle(deps(), { source: article });
    expect(summary(added.references)).toEqual([
      { id: null, kind: 'embed', status: 'unresolved', differs: false },
      { id: citedId, kind: 'link', status: 'unresolved', differs: false },
    ]);
    const account = await insertAccount(getDb(), { handle: 'USFOR_A' });
    const linked = await insertPost(getDb(), {
      accountId: account.id,
      id: citedId,
      createdAt: when,
      text: 'The first statement.',
    });
    const embedded = await insertPost(getDb(), { accountId: account.id, createdAt: '2020-03-04T16:00:00Z', text });
    const lookAlike = await insertPost(getDb(), {
      accountId: account.id,
      createdAt: '2020-03-05T16:00:00Z',
      text: text.replace('this morning', 'this evening'),
    });
    const arrived = [linked, embedded, lookAlike].map((p) => ({ ...p, accountId: p.accountId }));
    await getDb().prisma.$transaction((tx) => resolveReferencesForPosts(tx, arrived));
    await getDb().prisma.$transaction((tx) => resolveReferencesForPosts(tx, arrived)); // idempotent
    const refs = await getDb().prisma.articleReference.findMany({ orderBy: { id: 'asc' } });
    expect(refs.map((r) => [r.kind, r.postId, r.status, r.witnessedText])).toEqual([
      ['embed', embedded.id, 'resolved', text],
      ['link', linked.id, 'resolved', null],
    ]);
    expect(await getDb().prisma.event.count({ where: { kind: 'cited' } })).toBe(2);
  });
});
