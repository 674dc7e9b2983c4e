// Poll runs (one row per poll of an account) and the leases that keep two
// service instances from polling one account at the same time.
import type { Tx } from './database.js';

export const POLL_OUTCOMES = ['running', 'complete', 'partial', 'failed'] as const;
export type PollOutcomeName = (typeof POLL_OUTCOMES)[number];

export interface PollRunResult {
  outcome: Exclude<PollOutcomeName, 'running'>;
  requests: number;
  postsNew: number;
  versionsNew: number;
  errorCode?: string | null;
  errorMessage?: string | null;
}

export type PollRunsRepository = ReturnType<typeof createPollRunsRepository>;

export function createPollRunsRepository(db: Tx) {
  return {
    async start(accountId: number, trigger: string, now: Date): Promise<number> {
      const run = await db.pollRun.create({ data: { accountId, trigger, startedAt: now } });
      return run.id;
    },

    async finish(id: number, result: PollRunResult, now: Date): Promise<void> {
      await db.pollRun.update({
        where: { id },
        data: {
          finishedAt: now,
          outcome: result.outcome,
          requests: result.requests,
          postsNew: result.postsNew,
          versionsNew: result.versionsNew,
          errorCode: result.errorCode ?? null,
          errorMessage: result.errorMessage ?? null,
        },
      });
    },

    recent(accountId: number, take = 10) {
      return db.pollRun.findMany({ where: { accountId }, orderBy: { id: 'desc' }, take });
    },
  };
}

export type LeasesRepository = ReturnType<typeof createLeasesRepository>;

export function createLeasesRepository(db: Tx) {
  return {
    /**
     * Takes (or renews) the lease of an account for `owner` until now + ttl.
     * Succeeds when the lease is free, expired, or already ours.
     */
    async acquire(accountId: number, owner: string, now: Date, ttlMs: number): Promise<boolean> {
      const until = new Date(now.getTime() + ttlMs);
      const rows = await db.$queryRaw<{ owner: string }[]>`
        INSERT INTO leases (account_id, owner, expires_at)
        VALUES (${accountId}, ${owner}, ${until}::timestamptz)
        ON CONFLICT (account_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
          WHERE leases.expires_at < ${now}::timestamptz OR leases.owner = EXCLUDED.owner
        RETURNING owner`;
      return rows.length === 1;
    },

    async release(accountId: number, owner: string): Promise<void> {
      await db.$executeRaw`DELETE FROM leases WHERE account_id = ${accountId} AND owner = ${owner}`;
    },
  };
}
