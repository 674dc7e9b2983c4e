// What a reader sees of Bluesky posts, polled from the local AppView into a
// real PostgreSQL: the post page (addressed by its AT URI, with the original
// link and the citing article), the API, search by platform, the account's
// page and feed, the evidence bundle over HTTP (version files named from
// AT URIs), and the export's raw object of each version.
import { unzipSync } from 'fflate';
import type { FastifyInstance } from 'fastify';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createSearchRepository } from '../../../src/adapters/db/search-repository.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { formatSignerKey, signerFromSeed } from '../../../src/core/signed-note.js';
import { checkEvidenceZip } from '../../../src/jobs/evidence-bundle.js';
import { addArticle } from '../../../src/jobs/link-article.js';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import type { FakeActor, FakeRecord } from '../../fake-bsky/fake-bsky-state.js';
import { harbourReport } from '../../fixtures/bsky/articles.js';
import { logger, poller } from '../ingest/poll-harness.js';

const HANDLE = 'harbours.example.gov';
const SIGNER = signerFromSeed('archive.test/log', Buffer.alloc(32, 9));
const db = useTestDatabase();
let fake: RunningFakeBsky;
let source: BskySource;
let app: FastifyInstance;
let actor: FakeActor;
let closure: FakeRecord;
let notice: FakeRecord;

beforeAll(async () => {
  fake = await startFakeBsky();
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger });
  actor = fake.createAccount({ handle: HANDLE, displayName: 'Ministry of Harbours' });
  notice = fake.publish(actor.did, { text: 'Pontoon repairs start Monday.', at: '2026-03-03T09:00:00Z' });
  closure = fake.publish(actor.did, {
    text: 'The north harbour is closed until further notice.',
    images: [{ alt: 'Map of the south quay', width: 1200, height: 800 }],
    at: '2026-03-04T12:14:00Z',
  });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'bsky', handle: HANDLE, pollIntervalMs: 300_000 },
    new Date(),
  );
  await poller(db(), source).poll(account.id);
  const embedded = {
    uri: closure.uri,
    cid: closure.cid,
    did: actor.did,
    handle: HANDLE,
    displayName: 'Ministry of Harbours',
    text: 'The north harbour is closed until further notice.',
    printedAt: 'March 4, 2026 at 12:14 PM',
    hasMedia: true,
  };
  await addArticle(
    {
      prisma: db().prisma,
      detectors: createCitationDetectors(),
      logger,
      clock: systemClock,
      fetchPage: async () => {
        throw new FetchRefused('no network in this test');
      },
      postSources: [source],
    },
    { source: harbourReport(embedded) },
  );
  app = await buildTestApp(db(), {
    ONRECORD_LOG_KEY: formatSignerKey(SIGNER),
    ONRECORD_LOG_ORIGIN: 'archive.test/log',
  });
});
afterAll(async () => {
  await app?.close();
  source?.close();
  await fake?.close();
});

const permalink = (post: FakeRecord) => `https://bsky.app/profile/${actor.did}/post/${post.rkey}`;
const doc = (body: string) => new JSDOM(body).window.document;

describe('the post page', () => {
  it('is addressed by the AT URI and shows the text, the original link and the citing article', async () => {
    const res = await app.inject(`/posts/bsky/${encodeURIComponent(closure.uri)}`);
    expect(res.statusCode).toBe(200);
    const page = doc(res.body);
    expect(page.querySelector('.post .text')?.textContent).toBe('The north harbour is closed until further notice.');
    const original = [...page.querySelectorAll('a')].find((a) => a.getAttribute('href') === permalink(closure));
    expect(original?.textContent).toBe('on Bluesky');
    expect(res.body).toContain('Harbour closed after storm damage');
    expect(res.body).toContain(`${closure.uri}#${closure.cid}`);
  });

  it('answers 404 for a post not archived', async () => {
    const missing = closure.uri.replace(closure.rkey, '3mfxaaaaaaaaa');
    expect((await app.inject(`/posts/bsky/${encodeURIComponent(missing)}`)).statusCode).toBe(404);
  });
});

describe('the API', () => {
  it('serves the post by its AT URI, and by a permalink naming its account by handle', async () => {
    const byUri = await app.inject(`/api/posts/bsky/${encodeURIComponent(closure.uri)}`);
    expect(byUri.statusCode).toBe(200);
    const body = byUri.json();
    expect(body.post).toMatchObject({
      platform: 'bsky',
      id: closure.uri,
      account: `bsky:${HANDLE}`,
      url: permalink(closure),
    });
    expect(body.versions.map((v: { versionId: string }) => v.versionId)).toEqual([`${closure.uri}#${closure.cid}`]);
    expect(body.citations).toMatchObject([{ kind: 'embed', differsFromArchive: false }]);
    const byHandle = await app.inject(
      `/api/posts/bsky/${encodeURIComponent(`https://bsky.app/profile/${HANDLE}/post/${closure.rkey}`)}`,
    );
    expect(byHandle.json().post.id).toBe(closure.uri);
  });

  it('searches by platform', async () => {
    const res = await app.inject('/api/posts?q=harbour&platform=bsky');
    expect(res.json().posts.map((p: { id: string }) => p.id)).toEqual([closure.uri]);
    expect((await app.inject('/api/posts?platform=x')).json().posts).toEqual([]);
  });
});

describe('the account', () => {
  it('has a page listing its posts', async () => {
    const res = await app.inject(`/accounts/bsky/${HANDLE}`);
    expect(res.statusCode).toBe(200);
    const texts = [...doc(res.body).querySelectorAll('.post .text')].map((p) => p.textContent);
    expect(texts).toEqual(['The north harbour is closed until further notice.', 'Pontoon repairs start Monday.']);
  });

  it('has a feed listing its posts', async () => {
    const res = await app.inject(`/feeds/accounts/bsky/${HANDLE}.atom`);
    expect(res.statusCode).toBe(200);
    const feed = new JSDOM(res.body, { contentType: 'application/xml' }).window.document;
    const entries = [...feed.querySelectorAll('entry')];
    expect(entries.map((e) => e.querySelector('title')?.textContent)).toEqual([
      `bsky:${HANDLE}: The north harbour is closed until further notice.`,
      `bsky:${HANDLE}: Pontoon repairs start Monday.`,
    ]);
    expect(entries[0]!.querySelector('link')?.getAttribute('href')).toBe(
      `http://onrecord.test/posts/bsky/${encodeURIComponent(closure.uri)}`,
    );
  });
});

describe('evidence and export', () => {
  it('the bundle names each version’s file from its encoded ID, and verifies', async () => {
    const res = await app.inject(`/api/posts/bsky/${encodeURIComponent(closure.uri)}/evidence.zip`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="evidence-bsky-at_${actor.did.replace(/:/g, '_')}_app.bsky.feed.post_${closure.rkey}.zip"`,
    );
    expect(checkEvidenceZip(res.rawPayload)).toMatchObject({ ok: true, problems: [] });
    const versions = Object.keys(unzipSync(res.rawPayload)).filter((f) => f.startsWith('versions/'));
    expect(versions).toEqual([`versions/${encodeURIComponent(`${closure.uri}#${closure.cid}`)}.json`]);
  });

  it('the export’s raw object of a version is the post view the AppView sent', async () => {
    const post = await db().prisma.post.findFirstOrThrow({ where: { platformId: closure.uri } });
    const [version] = (await createSearchRepository(db().prisma).versionsOf([post.id])).get(post.id)!;
    expect(version!.raw).toMatchObject({
      uri: closure.uri,
      cid: closure.cid,
      author: { did: actor.did, handle: HANDLE },
      record: { text: 'The north harbour is closed until further notice.' },
    });
    expect(notice.uri).not.toBe(closure.uri);
  });
});
