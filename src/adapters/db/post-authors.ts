// The accounts of posts that are not the page's own: the original of a
// repost belongs to its author. An author onrecord does not know yet becomes
// an `archived` account: its posts are archived, it is not polled until
// `accounts add` makes it active. Used by the posts repository in its transaction.
import type { NormalizedPost } from '../../core/post-model.js';
import type { Tx } from './database.js';

export const UNPOLLED_DETAIL = 'author of a reposted post; not polled until `accounts add`';

interface Author {
  platform: string;
  id: string;
  handle: string | null;
  name: string | null;
}

/** versionId → account id (null when the author is unknown and unnamed) of each repost original. */
export async function accountsOfReposted(tx: Tx, versions: NormalizedPost[], now: Date) {
  const originals = versions.filter((v) => v.via === 'retweeted');
  const owners = new Map<string, number | null>();
  if (originals.length === 0) return owners;
  const authors = new Map<string, Author>();
  for (const v of originals) {
    if (v.authorId) authors.set(authorKey(v.platform, v.authorId), authorOf(v, v.authorId));
  }
  const ids = await ensureAccounts(tx, [...authors.values()], now);
  for (const v of originals) {
    owners.set(v.versionId, v.authorId ? (ids.get(authorKey(v.platform, v.authorId)) ?? null) : null);
  }
  return owners;
}

function authorOf(v: NormalizedPost, id: string): Author {
  return { platform: v.platform, id, handle: v.authorHandle, name: v.authorName };
}

function authorKey(platform: string, id: string): string {
  return `${platform}:${id}`;
}

/** `platform:user id` → account id of each author, created archived when it does not exist. */
async function ensureAccounts(tx: Tx, authors: Author[], now: Date): Promise<Map<string, number>> {
  if (authors.length === 0) return new Map();
  const named = JSON.stringify(authors.filter((a) => a.handle !== null));
  await tx.$executeRaw`
    WITH created AS (
      INSERT INTO accounts (platform, platform_user_id, handle, display_name, status, status_detail, created_at, updated_at)
      SELECT a.platform, a.id, a.handle, a.name, 'archived', ${UNPOLLED_DETAIL}, ${now}::timestamptz, ${now}::timestamptz
      FROM jsonb_to_recordset(${named}::jsonb) AS a(platform text, id text, handle text, name text)
      ON CONFLICT (platform, platform_user_id) DO NOTHING
      RETURNING id, handle)
    INSERT INTO account_handles (account_id, handle, first_seen_at, last_seen_at)
    SELECT id, handle, ${now}::timestamptz, ${now}::timestamptz FROM created
    ON CONFLICT (account_id, handle) DO NOTHING`;
  const platforms = [...new Set(authors.map((a) => a.platform))];
  const rows = await tx.account.findMany({
    where: {
      OR: platforms.map((platform) => ({
        platform,
        platformUserId: { in: authors.filter((a) => a.platform === platform).map((a) => a.id) },
      })),
    },
    select: { id: true, platform: true, platformUserId: true },
  });
  return new Map(rows.map((r) => [authorKey(r.platform, r.platformUserId!), r.id]));
}
