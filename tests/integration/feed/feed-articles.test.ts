// Articles that link a press release, against a real PostgreSQL: the feed is
// polled from the fake feed server, then an article (written here, invented
// paper and text) is added through addArticle. A link to a release's own page
// (its item's link, in any of the forms a page writes it) cites the archived
// post; a link to a page the release itself links, to a release not archived,
// or to the paper's own site cites nothing and leaves no open reference.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { createFeedSource, type FeedSource } from '../../../src/adapters/feed/feed-source.js';
import type { Evidence } from '../../../src/core/article-detect.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { logger, poller } from '../ingest/poll-harness.js';
import { startFakeFeeds, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

const db = useTestDatabase();
let fake: RunningFakeFeeds;
let source: FeedSource;
let n = 0;
const SITE = 'https://coast.nordvale.example';

beforeAll(async () => {
  fake = await startFakeFeeds();
  source = createFeedSource({ fetch: { allowAddresses: ['127.0.0.1'] }, timeoutMs: 3_000, logger });
});
afterAll(async () => {
  source.close();
  await fake.close();
});
beforeEach(async () => {
  await truncateAll(db());
});

function deps(): LinkArticleDeps {
  return {
    prisma: db().prisma,
    detectors: createCitationDetectors(),
    logger,
    clock: systemClock,
    fetchPage: async (url) => {
      throw new FetchRefused(`no network in this test (${url})`);
    },
    postSources: [source],
  };
}

/** A feed of three releases on the fake, polled once. */
async function archivedFeed() {
  const url = fake.addFeed({ path: `/articles/${++n}/press.rss`, format: 'rss', items: pressReleases(3) });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'feed', handle: url, pollIntervalMs: 300_000 },
    new Date(),
  );
  expect(await poller(db(), source).poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 3 });
  const post = (guid: string) =>
    db().prisma.post.findUniqueOrThrow({
      where: { platform_platformId: { platform: 'feed', platformId: feedPostId(url, guid) } },
    });
  return { url, post };
}

function article(body: string): string {
  return `<!doctype html><html><head><title>Harbour works to restart</title>
<link rel="canonical" href="https://harbourgazette.example/2026/03/harbour-works"></head><body>
<nav><a href="https://harbourgazette.example/">Home</a> <a href="https://harbourgazette.example/news/">News</a></nav>
<article><h1>Harbour works to restart in spring</h1>${body}</article></body></html>`;
}

describe('an article linking a press release', () => {
  it('cites the archived release by its page, whatever form the link takes', async () => {
    const { post } = await archivedFeed();
    const dredging = await post('urn:nordvale:press:1');
    const ferry = await post('urn:nordvale:press:2');
    const html = article(`
<p>The Ministry of Coastal Affairs said in a
<a href="http://coast.nordvale.example/news/1-harbour-dredging/?utm_source=feed&utm_medium=rss#top">statement</a>
on Friday that dredging of the northern channel will resume.</p>
<p>Details of the works are in the <a href="${SITE}/notices/1.html">public notice</a>, and the ministry's
<a href="${SITE}/news/99-not-archived">earlier release</a> is still online.</p>
<p>The winter timetable is at ${SITE}/news/2-ferry-timetable. Readers can also
<a href="https://harbourgazette.example/news/1-harbour-dredging">read our earlier coverage</a>.</p>`);
    const { article: added, references } = await addArticle(deps(), {
      source: html,
      publishedAt: '2026-03-20T15:00:00Z',
    });
    expect(
      references.map((r) => ({
        id: r.post.id,
        kind: r.kind,
        status: r.status,
        form: (r.evidence as Evidence).form,
        url: (r.evidence as Evidence).url,
      })),
    ).toEqual([
      {
        id: dredging.platformId,
        kind: 'link',
        status: 'resolved',
        form: 'link',
        url: 'http://coast.nordvale.example/news/1-harbour-dredging/?utm_source=feed&utm_medium=rss#top',
      },
      {
        id: ferry.platformId,
        kind: 'link',
        status: 'resolved',
        form: 'url-in-text',
        url: `${SITE}/news/2-ferry-timetable`,
      },
    ]);
    expect(references.map((r) => [r.confidence, r.post.account])).toEqual([
      [0.95, expect.stringMatching(/^feed:http:\/\/127\.0\.0\.1:\d+\/articles\/\d+\/press\.rss$/)],
      [0.95, expect.stringMatching(/^feed:/)],
    ]);
    // Nothing else of the article was kept as a reference, open or not.
    expect(await db().prisma.articleReference.count()).toBe(2);
    const events = await db().prisma.event.findMany({ where: { kind: 'cited' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.postId, e.articleId])).toEqual([
      [dredging.id, added.id],
      [ferry.id, added.id],
    ]);
    const citing = await createArticlesRepository(db().prisma).listCitingArticles(dredging.id);
    expect(citing).toEqual([expect.objectContaining({ id: added.id, kind: 'link' })]);
  });

  it('links a release once however often the article links it, and re-adding changes nothing', async () => {
    const { post } = await archivedFeed();
    const barrier = await post('urn:nordvale:press:3');
    const html = article(`
<p>The <a href="${SITE}/news/3-flood-barrier">ministry</a> announced the test result.
The full text is at <a href="${SITE}/news/3-flood-barrier?utm_campaign=x">this page</a>: ${SITE}/news/3-flood-barrier.</p>`);
    const first = await addArticle(deps(), { source: html, url: 'https://harbourgazette.example/2026/03/barrier' });
    expect(first.references.map((r) => [r.post.id, r.status])).toEqual([[barrier.platformId, 'resolved']]);
    const again = await addArticle(deps(), { source: html, url: 'https://harbourgazette.example/2026/03/barrier' });
    expect([again.created, again.references.length]).toEqual([false, 1]);
    expect(await db().prisma.event.count({ where: { kind: 'cited' } })).toBe(1);
  });

  it('an article added before any release is archived cites nothing and keeps nothing open', async () => {
    const html = article(`<p>See the <a href="${SITE}/news/1-harbour-dredging">statement</a>.</p>`);
    const { references } = await addArticle(deps(), { source: html });
    expect(references).toEqual([]);
    expect(await db().prisma.articleReference.count()).toBe(0);
  });
});
