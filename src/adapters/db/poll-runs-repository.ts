// Poll runs: one row per poll of an account.
import type { Prisma, Tx } from './database.js';

export const POLL_OUTCOMES = ['running', 'complete', 'partial', 'failed'] as const;
export type PollOutcomeName = (typeof POLL_OUTCOMES)[number];

export interface PollRunResult {
  outcome: Exclude<PollOutcomeName, 'running'>;
  requests: number;
  postsNew: number;
  versionsNew: number;
  /** Posts the poll read (what X bills per post read). */
  postsRead?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
}

export type PollRunsRepository = ReturnType<typeof createPollRunsRepository>;

export function createPollRunsRepository(db: Prisma) {
  return {
    async start(accountId: number, trigger: string, now: Date, tx: Tx = db): Promise<number> {
      const run = await tx.pollRun.create({ data: { accountId, trigger, startedAt: now } });
      return run.id;
    },

    async finish(id: number, result: PollRunResult, now: Date, tx: Tx = db): Promise<void> {
      await tx.pollRun.update({
        where: { id },
        data: {
          finishedAt: now,
          outcome: result.outcome,
          requests: result.requests,
          postsNew: result.postsNew,
          versionsNew: result.versionsNew,
          postsRead: result.postsRead ?? 0,
          errorCode: result.errorCode ?? null,
          errorMessage: result.errorMessage ?? null,
        },
      });
    },

    recent(accountId: number, take = 10, tx: Tx = db) {
      return tx.pollRun.findMany({ where: { accountId }, orderBy: { id: 'desc' }, take });
    },
  };
}
