// The same storage path on the embedded PostgreSQL (PGlite): migrations,
// batch inserts over JSON, idempotency, edits and account locks behave as on the server.
import { describe, expect, it } from 'vitest';
import { usePgliteDatabase } from '../../helpers/database.js';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { batchOf, idAt, page, tweet } from './pages.js';

const NOW = new Date('2026-03-05T00:00:00Z');
const getDb = usePgliteDatabase();

describe('storage on PGlite', () => {
  it('stores pages idempotently, folds edits into versions and moves the cursor with them', async () => {
    const { account } = await createAccountsRepository(getDb().prisma).add(
      { platform: 'x', handle: 'USFOR_A', pollIntervalMs: 60_000 },
      NOW,
    );
    const posts = createPostsRepository(getDb().prisma);
    const [a, b, a2] = [idAt('2026-03-04T10:00:00Z'), idAt('2026-03-04T11:00:00Z'), idAt('2026-03-04T10:05:00Z')];
    const storeAndMove = (body: unknown, cursor: string) =>
      getDb().prisma.$transaction(async (tx) => {
        const r = await posts.storeBatch(
          {
            accountId: account.id,
            ...batchOf(body),
            firstSeenBy: 'poll',
            raiseNew: true,
            now: NOW,
          },
          tx,
        );
        await posts.setCursor(account.id, 'x:timeline', cursor, tx);
        return r;
      });
    const body = page([tweet(b, 'Second'), tweet(a, 'First')]);
    expect(await storeAndMove(body, b)).toMatchObject({ postsNew: 2, versionsNew: 2, events: 2 });
    expect(await storeAndMove(body, b)).toMatchObject({ postsNew: 0, versionsNew: 0, events: 0 });
    expect(await storeAndMove(page([tweet(a2, 'First, corrected', [a, a2])]), a2)).toMatchObject({
      versionsNew: 1,
      edited: 1,
    });
    const post = await posts.findByAnyId('x', a2);
    expect(post?.versions.map((v) => v.text)).toEqual(['First', 'First, corrected']);
    expect(await createPostsRepository(getDb().prisma).getCursor(account.id, 'x:timeline')).toBe(a2);
    expect(await getDb().prisma.capture.count()).toBe(2);
    expect((await getDb().prisma.event.findMany({ orderBy: { id: 'asc' } })).map((e) => e.kind)).toEqual([
      'new',
      'new',
      'edited',
    ]);
  });

  it('an account held by one poller is refused to another, named, until released', async () => {
    const [one, two] = [getDb().accountLocks('one'), getDb().accountLocks('two')];
    try {
      const held = await one.tryHold(7);
      expect(held.held).toBe(true);
      expect(await two.tryHold(7)).toEqual({ held: false, holder: `one (pid ${process.pid})` });
      if (held.held) await held.release();
      expect((await two.tryHold(7)).held).toBe(true);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
