// The posts repository on a real PostgreSQL: idempotent storage of pages,
// edits as versions, problems, status changes, the cursor in the same
// transaction as the posts, and events in the outbox.
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf, captureOf, idAt, page, tweet, USER_ID } from './pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');

async function counts(d: Database) {
  const p = d.prisma;
  return {
    captures: await p.capture.count(),
    posts: await p.post.count(),
    versions: await p.postVersion.count(),
    problems: await p.ingestProblem.count(),
    events: await p.event.count(),
  };
}

async function newAccount(d: Database) {
  const { account } = await createAccountsRepository(d.prisma).add(
    { platform: 'x', handle: 'USFOR_A', pollIntervalMs: 300_000 },
    NOW,
  );
  return account;
}

async function store(d: Database, body: unknown, accountId: number | null, mode: { raiseNew: boolean }, readAt = NOW) {
  const posts = createPostsRepository(d.prisma);
  return d.prisma.$transaction((tx) =>
    posts.storeBatch(
      {
        accountId,
        ...batchOf(body),
        capture: captureOf(body, readAt),
        firstSeenBy: mode.raiseNew ? 'poll' : 'backfill',
        raiseNew: mode.raiseNew,
        now: NOW,
      },
      tx,
    ),
  );
}

const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');
const A2 = idAt('2026-03-04T10:05:00Z');

describe('posts repository', () => {
  beforeEach(() => truncateAll(db()));

  it('stores a page as captures, posts and versions; the same page again writes nothing', async () => {
    const account = await newAccount(db());
    const body = page([tweet(B, 'Second statement #Update'), tweet(A, 'First statement')]);
    const first = await store(db(), body, account.id, { raiseNew: false });
    expect(first).toMatchObject({ captureExisted: false, postsNew: 2, versionsNew: 2, edited: 0, events: 0 });
    const rows = await db().prisma.post.findMany({ orderBy: { platformId: 'asc' } });
    expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
      expect.objectContaining({
        platform: 'x',
        platformId: A,
        accountId: account.id,
        authorPlatformId: USER_ID,
        editIds: [A],
        text: 'First statement',
        lang: 'en',
        createdAt: new Date('2026-03-04T10:00:00Z'),
        conversationId: A,
        inReplyToUserId: null,
        referencedPosts: [],
        urls: [],
        mentions: [],
        hashtags: [],
        media: [],
        status: 'available',
        firstSeenBy: 'backfill',
        firstSeenAt: NOW,
        versionCount: 1,
      }),
      expect.objectContaining({ platformId: B, text: 'Second statement #Update', editIds: [B] }),
    ]);
    const before = await counts(db());
    expect(before).toEqual({ captures: 1, posts: 2, versions: 2, problems: 0, events: 0 });

    const again = await store(db(), body, account.id, { raiseNew: true });
    expect(again).toMatchObject({ captureExisted: true, postsNew: 0, versionsNew: 0, events: 0, touched: [] });
    expect(await counts(db())).toEqual(before);
  });

  it('raises `new` only when asked, once per post', async () => {
    const account = await newAccount(db());
    await store(db(), page([tweet(A, 'First statement')]), account.id, { raiseNew: false });
    const result = await store(db(), page([tweet(B, 'Second'), tweet(A, 'First statement')]), account.id, {
      raiseNew: true,
    });
    expect(result).toMatchObject({ postsNew: 1, events: 1 });
    const events = await db().prisma.event.findMany();
    expect(events.map((e) => [e.kind, e.dedupeKey])).toEqual([['new', `new:x:${B}`]]);
    expect(events[0]!.payload).toMatchObject({
      post: { id: B, platform: 'x', account: 'x:USFOR_A', text: 'Second', url: `https://x.com/USFOR_A/status/${B}` },
    });
  });

  it('an edit is a new version of the same post: text updated, chain grown, `edited` raised', async () => {
    const account = await newAccount(db());
    await store(db(), page([tweet(A, 'Original text')]), account.id, { raiseNew: false });
    const result = await store(db(), page([tweet(A2, 'Corrected text', [A, A2])]), account.id, { raiseNew: true });
    expect(result).toMatchObject({ postsNew: 0, versionsNew: 1, edited: 1, events: 1 });
    const post = await createPostsRepository(db().prisma).findByAnyId('x', A2);
    expect(post).toMatchObject({ platformId: A, editIds: [A, A2], text: 'Corrected text', versionCount: 2 });
    expect(post!.versions.map((v) => [v.versionId, v.text])).toEqual([
      [A, 'Original text'],
      [A2, 'Corrected text'],
    ]);
    const event = await db().prisma.event.findFirstOrThrow();
    expect([event.kind, event.dedupeKey]).toEqual(['edited', `edited:x:${A2}`]);
    expect(event.payload).toMatchObject({ previousText: 'Original text', post: { id: A, text: 'Corrected text' } });
    expect(result.touched).toEqual([
      {
        id: post!.id,
        platform: 'x',
        platformId: A,
        editIds: [A, A2],
        text: 'Corrected text',
        accountId: account.id,
        createdAt: new Date('2026-03-04T10:00:00Z'),
      },
    ]);
  });

  it('an older version found later is kept as a version but does not replace the text', async () => {
    await store(db(), page([tweet(A2, 'Corrected text', [A, A2])]), null, { raiseNew: false });
    const result = await store(db(), page([tweet(A, 'Original text', [A, A2])]), null, { raiseNew: true });
    expect(result).toMatchObject({ versionsNew: 1, edited: 0, events: 0 });
    const post = await createPostsRepository(db().prisma).findByAnyId('x', A);
    expect(post).toMatchObject({
      text: 'Corrected text',
      versionCount: 2,
      createdAt: new Date('2026-03-04T10:00:00Z'),
    });
  });

  it('keeps a malformed post as a problem tied to its capture, once, and stores the others', async () => {
    const body = page([tweet(A, 'Good'), { id: B, text: null }]);
    const result = await store(db(), body, null, { raiseNew: false });
    await store(db(), body, null, { raiseNew: false });
    expect(result).toMatchObject({ postsNew: 1, problems: 1 });
    const problems = await db().prisma.ingestProblem.findMany({ include: { capture: true } });
    expect(problems.map((p) => [p.platformId, p.code, p.capture?.body])).toEqual([
      [B, 'bad_payload', JSON.stringify(body)],
    ]);
  });

  it('moves the cursor in the same transaction as the posts: a failure rolls back both', async () => {
    const account = await newAccount(db());
    const posts = createPostsRepository(db().prisma);
    await expect(
      db().prisma.$transaction(async (tx) => {
        await posts.storeBatch(
          {
            accountId: account.id,
            ...batchOf(page([tweet(A, 'x')])),
            firstSeenBy: 'poll',
            raiseNew: true,
            now: NOW,
          },
          tx,
        );
        await posts.setCursor(account.id, 'x:timeline', A, tx);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await counts(db())).toEqual({ captures: 0, posts: 0, versions: 0, problems: 0, events: 0 });
    expect(await createPostsRepository(db().prisma).getCursor(account.id, 'x:timeline')).toBeNull();
  });

  it('marks deleted posts, raises `deleted` once, and a post seen again is available again', async () => {
    await store(db(), page([tweet(A2, 'Corrected', [A, A2])]), null, { raiseNew: false });
    const posts = createPostsRepository(db().prisma);
    const mark = () =>
      db().prisma.$transaction((tx) =>
        posts.markUnavailable('x', [{ id: A2, status: 'deleted', detail: 'Could not find tweet' }], NOW, tx),
      );
    expect(await mark()).toEqual([A]);
    expect(await mark()).toEqual([]);
    expect((await db().prisma.event.findMany()).map((e) => e.dedupeKey)).toEqual([`deleted:x:${A}`]);
    expect(await posts.findByAnyId('x', A)).toMatchObject({ status: 'deleted', statusDetail: 'Could not find tweet' });
    const later = new Date(NOW.getTime() + 60_000);
    await store(db(), page([tweet(A2, 'Corrected', [A, A2]), tweet(B, 'new')]), null, { raiseNew: false }, later);
    expect(await posts.findByAnyId('x', A)).toMatchObject({ status: 'available', statusDetail: null });
  });

  it('a read older than the deletion (stored after it) does not make the post available again', async () => {
    await store(db(), page([tweet(A, 'A statement')]), null, { raiseNew: false });
    const posts = createPostsRepository(db().prisma);
    const deletedAt = new Date(NOW.getTime() + 60_000);
    await db().prisma.$transaction((tx) =>
      posts.markUnavailable('x', [{ id: A, status: 'deleted', detail: 'Could not find tweet' }], deletedAt, tx),
    );
    // A re-check read the post a second before the deletion was observed, and stores after it.
    const readBefore = new Date(deletedAt.getTime() - 1_000);
    await store(db(), page([tweet(A, 'A statement')]), null, { raiseNew: false }, readBefore);
    expect(await posts.findByAnyId('x', A)).toMatchObject({ status: 'deleted', statusDetail: 'Could not find tweet' });
    const statuses = () => db().prisma.statusObservation.findMany({ orderBy: { id: 'asc' }, select: { status: true } });
    expect((await statuses()).map((o) => o.status)).toEqual(['first_seen', 'deleted']);
    // A read after the deletion shows the post again: it is restored.
    await store(
      db(),
      page([tweet(A, 'A statement')]),
      null,
      { raiseNew: false },
      new Date(deletedAt.getTime() + 1_000),
    );
    expect(await posts.findByAnyId('x', A)).toMatchObject({ status: 'available', statusDetail: null });
    expect((await statuses()).map((o) => o.status)).toEqual(['first_seen', 'deleted', 'restored']);
  });

  it('keeps an edit stored while another transaction was storing the same post (a stream beside a poll)', async () => {
    const account = await newAccount(db());
    const posts = createPostsRepository(db().prisma);
    let release!: () => void;
    let stored!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const storedFirst = new Promise<void>((resolve) => (stored = resolve));
    // The first writer stores the original and holds its transaction open...
    const original = page([tweet(A, 'Original text')]);
    const first = db().prisma.$transaction(async (tx) => {
      const input = { accountId: account.id, ...batchOf(original), capture: captureOf(original), now: NOW };
      await posts.storeBatch({ ...input, firstSeenBy: 'stream', raiseNew: true }, tx);
      stored();
      await released;
    });
    await storedFirst;
    // ...while the second stores the edit: it waits on the first's post, then sees it committed.
    const second = store(db(), page([tweet(A2, 'Corrected text', [A, A2])]), account.id, { raiseNew: true });
    await waitFor(async () => (await lockWaits()) > 0);
    release();
    await first;
    expect(await second).toMatchObject({ postsNew: 0, versionsNew: 1, edited: 1 });
    const post = await posts.findByAnyId('x', A2);
    expect(post).toMatchObject({ platformId: A, editIds: [A, A2], text: 'Corrected text', versionCount: 2 });
    expect(post!.versions.map((v) => [v.versionId, v.text])).toEqual([
      [A, 'Original text'],
      [A2, 'Corrected text'],
    ]);
  });
});

/** Sessions of this database waiting on a lock. */
async function lockWaits(): Promise<number> {
  const [row] = await db().prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`;
  return row!.n;
}

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition was never met');
}
