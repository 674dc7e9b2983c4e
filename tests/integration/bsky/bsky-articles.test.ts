// Articles that cite Bluesky posts, linked against the local AppView and a
// real PostgreSQL: the article of a Bluesky embed links to its archived post;
// a permalink by handle is resolved to the DID through the archived account
// (no request) or, for an account the archive does not know, through the
// AppView, and the cited post not archived yet is looked up and stored; a
// citation of a post the AppView no longer serves stays open.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import { harbourReport } from '../../fixtures/bsky/articles.js';
import { logger, poller } from '../ingest/poll-harness.js';

const db = useTestDatabase();
let fake: RunningFakeBsky;
let source: BskySource;
let n = 0;

beforeAll(async () => {
  fake = await startFakeBsky();
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger });
});
afterAll(async () => {
  source.close();
  await fake.close();
});
beforeEach(async () => {
  await truncateAll(db());
  fake.requests.splice(0);
});

function deps(): LinkArticleDeps {
  return {
    prisma: db().prisma,
    detectors: createCitationDetectors(),
    logger,
    clock: systemClock,
    fetchPage: async () => {
      throw new FetchRefused('no network in this test');
    },
    postSources: [source],
  };
}

/** A ministry on the AppView with its closure post (with a photo), watched and polled. */
async function archivedMinistry() {
  const handle = `ministry-${++n}.example.gov`;
  const actor = fake.createAccount({ handle, displayName: 'Ministry of Harbours' });
  const closure = fake.publish(actor.did, {
    text: 'The north harbour is closed until further notice. Ferries leave from the south quay.',
    images: [{ alt: 'Map of the south quay', width: 1200, height: 800 }],
    at: '2026-03-04T12:14:00Z',
  });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'bsky', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  await poller(db(), source).poll(account.id);
  return { actor, closure, handle };
}

const embedOf = (actor: { did: string; handle: string }, post: { uri: string; cid: string }) => ({
  uri: post.uri,
  cid: post.cid,
  did: actor.did,
  handle: actor.handle,
  displayName: 'Ministry of Harbours',
  text: 'The north harbour is closed until further notice. Ferries leave from the south quay.',
  printedAt: 'March 4, 2026 at 12:14 PM',
  hasMedia: true,
});

describe('the article of a Bluesky embed', () => {
  it('links to its post', async () => {
    const { actor, closure, handle } = await archivedMinistry();
    fake.requests.splice(0);

    const { references, article } = await addArticle(deps(), { source: harbourReport(embedOf(actor, closure)) });

    expect(article).toMatchObject({ title: 'Harbour closed after storm damage' });
    expect(
      references.map((r) => ({
        post: r.post.id,
        platform: r.post.platform,
        account: r.post.account,
        kind: r.kind,
        status: r.status,
        form: (r.evidence as { form: string }).form,
        differs: r.differsFromArchive,
      })),
    ).toEqual([
      {
        post: closure.uri,
        platform: 'bsky',
        account: `bsky:${handle}`,
        kind: 'embed',
        status: 'resolved',
        form: 'embed-markup',
        differs: false,
      },
    ]);
    expect(references[0]!.confidence).toBeGreaterThan(0.9);
    // The post was archived: nothing to ask the AppView.
    expect(fake.requestsTo()).toEqual([]);
    const cited = await db().prisma.event.findMany({ where: { kind: 'cited' }, include: { post: true } });
    expect(cited.map((e) => e.post?.platformId)).toEqual([closure.uri]);
  });
});

describe('a permalink by handle', () => {
  it('of an archived account is resolved through the archive, and its post not archived yet is looked up', async () => {
    const { actor, closure, handle } = await archivedMinistry();
    const timetable = fake.publish(actor.did, {
      text: 'Ferry timetable for the south quay.',
      at: '2026-03-04T15:00:00Z',
    });
    fake.requests.splice(0);

    const page = harbourReport(embedOf(actor, closure), { handle: handle.toUpperCase(), uri: timetable.uri });
    const { references } = await addArticle(deps(), { source: page });

    expect(references.map((r) => [r.post.id, r.kind, r.status, r.post.firstSeenBy ?? null])).toEqual([
      [closure.uri, 'embed', 'resolved', 'backfill'],
      [timetable.uri, 'link', 'resolved', 'lookup'],
    ]);
    // One getPosts for the one missing post; the handle needed no request.
    expect(fake.requestsTo().map((r) => [r.nsid, r.query.uris])).toEqual([['app.bsky.feed.getPosts', [timetable.uri]]]);
  });

  it('of an account the archive does not know is resolved by the AppView', async () => {
    const press = fake.createAccount({ handle: `press-${++n}.example.org`, displayName: 'Port Press Office' });
    const notice = fake.publish(press.did, { text: 'Pontoon repairs start Monday.', at: '2026-03-05T09:00:00Z' });
    const page = `<article><p>The press office <a href="https://bsky.app/profile/${press.handle}/post/${notice.rkey}">said</a>
      repairs would start on Monday.</p></article>`;

    const { references } = await addArticle(deps(), { source: page });

    expect(references.map((r) => [r.post.id, r.kind, r.status])).toEqual([[notice.uri, 'link', 'resolved']]);
    expect(fake.requestsTo().map((r) => r.nsid)).toEqual(['app.bsky.actor.getProfile', 'app.bsky.feed.getPosts']);
    const stored = await db().prisma.post.findFirstOrThrow({ where: { platformId: notice.uri } });
    expect(stored).toMatchObject({ platform: 'bsky', authorPlatformId: press.did, firstSeenBy: 'lookup' });
  });

  it('of a post the AppView no longer serves stays open', async () => {
    const { actor, closure } = await archivedMinistry();
    const gone = fake.publish(actor.did, { text: 'Withdrawn notice.', at: '2026-03-04T16:00:00Z' });
    fake.deleteRecord(gone.uri);
    const page = `<article><p>A notice <a href="https://bsky.app/profile/${actor.handle}/post/${gone.rkey}">was withdrawn</a>.
      The harbour remains closed.</p></article>`;

    const { references } = await addArticle(deps(), { source: page });

    expect(references.map((r) => [r.post.id, r.status])).toEqual([[gone.uri, 'unresolved']]);
    expect(closure.uri).not.toBe(gone.uri);
  });
});
