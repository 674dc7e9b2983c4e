// Observations of what the platform shows about a post, each a leaf of the
// evidence log:
// - `last_seen`: a post seen again (a re-check, a lookup, a page that shows
//   it again) on a later UTC day than it was last seen; its last_seen_at
//   moves. At most one per post and UTC day, so that re-checking a post every
//   hour costs one leaf a day, not one an hour.
// - `withheld`: the platform withholds a post (in some countries, or for a
//   copyright claim) where it did not, or in other countries; `restored`
//   with "no longer withheld" when that ends. A withheld post stays
//   available elsewhere, so this is not a status change of the post.
import type { NormalizedPost } from '../../core/post-model.js';
import type { Tx } from './database.js';
import type { PageInserted } from './page-insert.js';
import { Prisma as P } from '../../generated/prisma/client.js';
import { observeFound, recordObservations } from './log-append.js';

export async function observeLastSeen(tx: Tx, platform: string, platformIds: string[], now: Date): Promise<void> {
  if (platformIds.length === 0) return;
  await observeFound(
    tx,
    P.sql`log_found AS (
      UPDATE posts SET last_seen_at = ${now}::timestamptz
      WHERE platform = ${platform} AND platform_id = ANY(${platformIds}::text[])
        AND (last_seen_at AT TIME ZONE 'UTC')::date < (${now}::timestamptz AT TIME ZONE 'UTC')::date
      RETURNING id AS post_id, platform_id),`,
    { platform, platformIds: [...new Set(platformIds)], status: 'last_seen', now },
  );
}

export interface WithheldSeen {
  postId: number;
  platformId: string;
  withheld: { copyright?: boolean; countryCodes?: string[] } | null;
}

async function observeWithheld(tx: Tx, platform: string, seen: WithheldSeen[], now: Date): Promise<void> {
  await recordObservations(
    tx,
    seen.map((w) => ({
      postId: w.postId,
      platform,
      platformId: w.platformId,
      status: w.withheld ? ('withheld' as const) : ('restored' as const),
      detail: describeWithheld(w.withheld),
      observedAt: now,
    })),
  );
}

function describeWithheld(w: WithheldSeen['withheld']): string {
  if (!w) return 'no longer withheld';
  const where = w.countryCodes?.length ? `in ${w.countryCodes.join(', ')}` : 'in some countries';
  return `${w.copyright ? 'for a copyright claim, ' : ''}${where}`;
}

/** Withheld observations: new posts that come withheld, and archived posts whose withheld countries changed. */
export async function observeWithheldOf(
  tx: Tx,
  versions: NormalizedPost[],
  latest: Set<string>,
  page: PageInserted,
  now: Date,
) {
  const arrived = versions.flatMap((v) => {
    const postId = page.inserted.get(v.platformId);
    return postId !== undefined && v.withheld && latest.has(v.versionId)
      ? [{ postId, platformId: v.platformId, withheld: v.withheld }]
      : [];
  });
  const changed = page.withheldChanged.map((c) => ({ postId: c.id, platformId: c.platformId, withheld: c.withheld }));
  if (arrived.length + changed.length > 0)
    await observeWithheld(tx, versions[0]!.platform, [...arrived, ...changed], now);
}
