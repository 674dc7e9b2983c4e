// A post ID as a user or an article wrote it may name its account by handle
// (a bsky.app permalink), while the archive keys posts by the account's
// immutable user ID. The archived account known by that handle (now or
// before a rename) gives the user ID.
import { postIdHandle } from '../../core/platforms.js';
import { findAccountByHandle } from './accounts-repository.js';
import type { Tx } from './database.js';

/** The ID written with the user ID of the archived account its handle names; the ID as given when there is none. */
export async function withArchivedUserId(db: Tx, platform: string, id: string): Promise<string> {
  const named = postIdHandle(platform, id);
  if (!named) return id;
  const account = await findAccountByHandle(db, platform, named.handle);
  return account?.platformUserId ? named.withUserId(account.platformUserId) : id;
}
