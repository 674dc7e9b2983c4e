// The poll job with the Bluesky source, against the local AppView and a real
// PostgreSQL: a backfill stores every post with its AT URI and CID, the
// cursor moves with the posts, an unchanged account is one request and no
// writes, a new post raises its event, a re-check notices a deletion, and
// handle changes and deactivations reach the account.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import { timelineSource } from '../../../src/jobs/poll-timeline.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import { logger, poller, tableCounts } from '../ingest/poll-harness.js';

const db = useTestDatabase();
let fake: RunningFakeBsky;
let source: BskySource;
let n = 0;
const FEED = 'app.bsky.feed.getAuthorFeed';

beforeAll(async () => {
  fake = await startFakeBsky();
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger, pageSize: 40 });
});

afterAll(async () => {
  source.close();
  await fake.close();
});

beforeEach(async () => {
  await truncateAll(db());
  fake.requests.splice(0);
});

/** An account of its own per test (the AppView keeps its accounts between tests). */
async function watched(posts: number, start = '2026-03-01T00:00:00Z') {
  const handle = `office-${++n}.example.gov`;
  const seeded = fake.seedAccount({ handle, displayName: `Office ${n}`, posts, start });
  const { account } = await createAccountsRepository(db().prisma).add(
    { platform: 'bsky', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  return { ...seeded, account };
}

describe('polling a Bluesky account', () => {
  it('backfills every post with its AT URI and CID, the repost and its original, and moves the cursor', async () => {
    const { actor, posts, account } = await watched(90);
    const partner = fake.createAccount({ handle: `partner-${n}.example.org` });
    const theirs = fake.publish(partner.did, { text: 'Road reopened.', at: '2026-03-02T00:00:00Z' });
    const repost = fake.repost(actor.did, theirs.uri, '2026-03-02T01:00:00Z');
    const p = poller(db(), source);

    const summary = await p.poll(account.id);

    expect(summary).toMatchObject({ outcome: 'complete', postsNew: 92, versionsNew: 92, problems: 0, error: null });
    expect(fake.requestsTo(FEED)).toHaveLength(4);
    const stored = await db().prisma.post.findMany({ orderBy: { createdAt: 'asc' } });
    expect(stored.map((s) => s.platformId)).toEqual([...posts.map((x) => x.uri), theirs.uri, repost.uri]);
    expect(stored.at(-1)).toMatchObject({ platform: 'bsky', repostOf: theirs.uri, accountId: account.id });
    // The original belongs to its author, not to the account that reposted it.
    expect(stored.at(-2)!.authorPlatformId).toBe(partner.did);
    expect(stored.at(-2)!.accountId).not.toBe(account.id);
    const version = await db().prisma.postVersion.findFirstOrThrow({
      where: { versionId: `${posts[0]!.uri}#${posts[0]!.cid}` },
    });
    expect(version.data).toMatchObject({ bsky: { uri: posts[0]!.uri, cid: posts[0]!.cid } });
    // The three pages with posts, kept as received (the empty last page holds nothing to keep).
    const captures = await db().prisma.capture.findMany({ select: { platform: true, source: true, body: true } });
    expect(captures.map((c) => [c.platform, c.source])).toEqual(Array(3).fill(['bsky', 'bsky:feed']));
    expect(captures.map((c) => c.body)).toEqual(
      expect.arrayContaining(
        fake
          .requestsTo(FEED)
          .slice(0, 3)
          .map((r) => r.body),
      ),
    );
    const refreshed = await createAccountsRepository(db().prisma).findById(account.id);
    expect(refreshed).toMatchObject({ platformUserId: actor.did, backfilledAt: expect.any(Date) });
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('bsky'))).toBe(
      `2026-03-02T01:00:00.040Z ${repost.uri}`,
    );
  });

  it('an unchanged account costs one request and writes nothing; a new post is stored with its event', async () => {
    const { actor, account } = await watched(5);
    const p = poller(db(), source);
    await p.poll(account.id);
    const before = await tableCounts(db());
    fake.requests.splice(0);

    const unchanged = await p.poll(account.id);
    expect(unchanged).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 0 });
    expect(fake.requestsTo()).toHaveLength(1);
    expect(await tableCounts(db())).toEqual(before);

    const fresh = fake.publish(actor.did, { text: 'Curfew lifted.', at: '2026-03-03T00:00:00Z' });
    const next = await p.poll(account.id);
    expect(next).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 1 });
    const events = await db().prisma.event.findMany({ where: { kind: 'new' }, include: { post: true } });
    expect(events.map((e) => e.post?.platformId)).toEqual([fresh.uri]);
  });

  it('a re-check notices a deleted post', async () => {
    // Recent posts: a re-check looks back three days.
    const { posts, account } = await watched(3, new Date(Date.now() - 3_600_000).toISOString());
    const p = poller(db(), source);
    await p.poll(account.id);
    fake.deleteRecord(posts[1]!.uri);
    const summary = await p.poll(account.id, { recheck: true });
    expect(summary).toMatchObject({ outcome: 'complete', deleted: 1 });
    const gone = await db().prisma.post.findFirstOrThrow({ where: { platformId: posts[1]!.uri } });
    expect(gone.status).toBe('deleted');
    expect(await db().prisma.post.count({ where: { status: 'available' } })).toBe(2);
  });

  it('follows a handle change by DID, and marks a deactivated account', async () => {
    const { actor, account } = await watched(1);
    const p = poller(db(), source);
    await p.poll(account.id);
    fake.changeHandle(actor.did, `renamed-${n}.example.gov`);
    await p.poll(account.id, { refreshUser: true });
    const accounts = createAccountsRepository(db().prisma);
    expect(await accounts.findById(account.id)).toMatchObject({ handle: `renamed-${n}.example.gov` });

    fake.setStatus(actor.did, 'deactivated');
    const summary = await p.poll(account.id);
    expect(summary).toMatchObject({ outcome: 'failed', error: { code: 'not_found' } });
    expect(await accounts.findById(account.id)).toMatchObject({ status: 'not_found' });
  });
});
