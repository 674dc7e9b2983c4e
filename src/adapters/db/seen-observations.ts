// "Last seen" observations: a post seen again by the platform (a re-check, a
// lookup, a page that shows it again) on a later UTC day than it was last
// seen gets one `last_seen` observation, a leaf of the evidence log, and its
// last_seen_at moves. At most one per post and UTC day, so that re-checking
// a post every hour costs one leaf a day, not one an hour.
import type { Tx } from './database.js';
import { recordObservations } from './log-repository.js';

export async function observeLastSeen(tx: Tx, platform: string, platformIds: string[], now: Date): Promise<void> {
  if (platformIds.length === 0) return;
  const rows = await tx.$queryRaw<{ id: number; platform_id: string }[]>`
    WITH seen AS (
      UPDATE posts SET last_seen_at = ${now}::timestamptz
      WHERE platform = ${platform} AND platform_id = ANY(${platformIds}::text[])
        AND (last_seen_at AT TIME ZONE 'UTC')::date < (${now}::timestamptz AT TIME ZONE 'UTC')::date
      RETURNING id, platform_id)
    SELECT id, platform_id FROM seen ORDER BY id`;
  await recordObservations(
    tx,
    rows.map((r) => ({
      postId: r.id,
      platform,
      platformId: r.platform_id,
      status: 'last_seen' as const,
      detail: null,
      observedAt: now,
    })),
  );
}
