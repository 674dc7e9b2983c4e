// Posts stored the way a poll stores them (storeBatch in one transaction,
// `new` events in the outbox), for tests of what follows the outbox live.
import { createAccountsRepository } from '../../src/adapters/db/accounts-repository.js';
import type { Database } from '../../src/adapters/db/database.js';
import { createPostsRepository } from '../../src/adapters/db/posts-repository.js';
import { batchOf, idAt, page, tweet } from '../integration/ingest/pages.js';

export async function watchAccount(db: Database, handle = 'USFOR_A'): Promise<number> {
  const { account } = await createAccountsRepository(db.prisma).add(
    { platform: 'x', handle, pollIntervalMs: 300_000 },
    new Date('2026-03-01T00:00:00Z'),
  );
  return account.id;
}

let seq = 0;

/** Stores one new post of the account as a poll would; returns its platform id. */
export async function publishPost(db: Database, accountId: number, text: string): Promise<string> {
  seq += 1;
  const id = idAt('2026-03-04T10:00:00Z', seq);
  const posts = createPostsRepository(db.prisma);
  await db.prisma.$transaction((tx) =>
    posts.storeBatch(
      {
        accountId,
        ...batchOf(page([tweet(id, text)])),
        firstSeenBy: 'poll',
        raiseNew: true,
        now: new Date('2026-03-04T10:01:00Z'),
      },
      tx,
    ),
  );
  return id;
}
