// Deletions of older posts. The hourly re-check looks up the last days'
// posts; a deleted statement from last year would go unnoticed. The sweep
// adds a few older posts to each re-check, walking the account's archive in
// order and starting over at its end, so that every post is looked at again
// in turn. Each post read costs money on X's pay-per-use plans, hence a
// budget (ONRECORD_SWEEP_PER_DAY); the look-ups share the re-check's
// requests (100 IDs each).
import type { Prisma } from '../adapters/db/database.js';
import { createPostsRepository } from '../adapters/db/posts-repository.js';

/** The cursor row that holds the internal id of the last post swept (`x:sweep` for X). */
export function sweepSource(platform: string): string {
  return `${platform}:sweep`;
}

export interface SweepBatch {
  /** The IDs to look up: each post's latest version. */
  ids: string[];
  /** The cursor after this batch ('0' when the walk reached the end and starts over). */
  next: string;
}

export async function nextSweepBatch(
  db: Prisma,
  accountId: number,
  options: { before: Date; after: string | null; size: number },
): Promise<SweepBatch> {
  if (options.size <= 0) return { ids: [], next: options.after ?? '0' };
  const rows = await createPostsRepository(db).sweepCandidates(accountId, {
    before: options.before,
    afterId: Number(options.after ?? '0') || 0,
    size: options.size,
  });
  const complete = rows.length === options.size;
  return {
    ids: rows.map((r) => r.editIds.at(-1) ?? r.platformId),
    next: complete ? String(rows.at(-1)!.id) : '0',
  };
}

/** How many older posts one re-check adds, for a daily budget and the re-check interval. */
export function sweepPerRecheck(perDay: number, recheckIntervalMs: number): number {
  return Math.ceil((perDay * recheckIntervalMs) / 86_400_000);
}
