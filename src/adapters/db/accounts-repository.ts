// Accounts: the official accounts onrecord watches, their handle history,
// their status and the bookkeeping of their polls. A factory over the
// database; every method takes an optional transaction.
import type { Account } from '../../generated/prisma/client.js';
import { InvalidInput, NotFound } from '../../core/errors.js';
import { formatAccountRef } from '../../core/ids.js';
import type { Prisma, Tx } from './database.js';
import { storableText } from '../../core/storable-text.js';

export type { Account };

export const ACCOUNT_STATUSES = ['active', 'paused', 'suspended', 'not_found', 'error', 'archived'] as const;
/** Statuses the scheduler does not poll: paused by hand, or archived (an author known from an import or a repost). */
export const UNPOLLED_STATUSES = ['paused', 'archived'] as const;

export function isUnpolled(status: string): boolean {
  return (UNPOLLED_STATUSES as readonly string[]).includes(status);
}
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface PollBookkeeping {
  polledAt: Date;
  /** Set when the poll completed. */
  succeededAt?: Date;
  /** The newest post time seen by the poll. */
  lastPostAt?: Date;
  /** null clears the last error; undefined leaves it. */
  error?: { code: string; message: string; at: Date } | null;
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;

export function createAccountsRepository(db: Prisma) {
  return {
    /**
     * Adds an account, or returns the one already watched under that handle.
     * An archived account (an author known from an import) starts being polled.
     */
    async add(input: { platform: string; handle: string; pollIntervalMs: number }, now: Date, tx: Tx = db) {
      const existing = await findAccountByHandle(tx, input.platform, input.handle);
      if (existing?.status === 'archived') {
        const account = await tx.account.update({
          where: { id: existing.id },
          data: { status: 'active', statusDetail: null, pollIntervalMs: input.pollIntervalMs },
        });
        return { account, created: false, activated: true };
      }
      if (existing) return { account: existing, created: false, activated: false };
      const account = await tx.account.create({
        data: {
          platform: input.platform,
          handle: input.handle,
          pollIntervalMs: input.pollIntervalMs,
          handles: { create: { handle: input.handle, firstSeenAt: now, lastSeenAt: now } },
        },
      });
      return { account, created: true, activated: false };
    },

    async setInterval(id: number, pollIntervalMs: number, tx: Tx = db) {
      return tx.account.update({ where: { id }, data: { pollIntervalMs } });
    },

    /** Every account with the handles it has been seen under (oldest first). */
    list(tx: Tx = db) {
      return tx.account.findMany({
        orderBy: [{ platform: 'asc' }, { handle: 'asc' }],
        include: { handles: { orderBy: { firstSeenAt: 'asc' }, select: { handle: true } } },
      });
    },

    findById(id: number, tx: Tx = db) {
      return tx.account.findUnique({ where: { id } });
    },

    /** By current handle, or by a handle the account had before a rename (case-insensitive). */
    findByHandle(platform: string, handle: string, tx: Tx = db) {
      return findAccountByHandle(tx, platform, handle);
    },

    async get(platform: string, handle: string, tx: Tx = db): Promise<Account> {
      const account = await findAccountByHandle(tx, platform, handle);
      if (!account) throw new NotFound(`no account ${formatAccountRef(platform, handle)} (add it with: accounts add)`);
      return account;
    },

    async remove(platform: string, handle: string, tx: Tx = db): Promise<Account> {
      const account = await this.get(platform, handle, tx);
      await tx.account.delete({ where: { id: account.id } });
      return account;
    },

    /** Records the platform's immutable user id once the handle is resolved. */
    async setResolved(id: number, user: { platformUserId: string; displayName: string | null }, tx: Tx = db) {
      const other = await tx.account.findFirst({
        where: { platformUserId: user.platformUserId, id: { not: id } },
      });
      if (other) {
        throw new InvalidInput(
          `user ${user.platformUserId} is already watched as ${formatAccountRef(other.platform, other.handle)}`,
        );
      }
      return tx.account.update({
        where: { id },
        data: { platformUserId: user.platformUserId, displayName: storableOrUndefined(user.displayName) },
      });
    },

    /** Follows a rename: the new handle becomes current, the old one stays in the history. */
    async recordHandle(id: number, handle: string, now: Date, tx: Tx = db): Promise<boolean> {
      const account = await tx.account.findUniqueOrThrow({ where: { id } });
      await tx.accountHandle.upsert({
        where: { accountId_handle: { accountId: id, handle } },
        create: { accountId: id, handle, firstSeenAt: now, lastSeenAt: now },
        update: { lastSeenAt: now },
      });
      if (account.handle === handle) return false;
      await tx.account.update({ where: { id }, data: { handle } });
      return true;
    },

    /** A new display name pushed by the platform (X Activity API: profile.update.screenname). */
    async recordDisplayName(id: number, displayName: string, tx: Tx = db) {
      await tx.account.update({ where: { id }, data: { displayName: storableText(displayName).text } });
    },

    /** The newest post time seen (a pushed post moves it as a poll does). */
    async recordLastPost(id: number, at: Date, tx: Tx = db) {
      await tx.$executeRaw`UPDATE accounts SET last_post_at = ${at}::timestamptz
        WHERE id = ${id} AND (last_post_at IS NULL OR last_post_at < ${at}::timestamptz)`;
    },

    async setStatus(id: number, status: AccountStatus, detail: string | null, tx: Tx = db) {
      await tx.account.update({ where: { id }, data: { status, statusDetail: storableOrUndefined(detail) ?? null } });
    },

    async recordPoll(id: number, poll: PollBookkeeping, tx: Tx = db) {
      await tx.account.update({
        where: { id },
        data: {
          lastPolledAt: poll.polledAt,
          ...(poll.succeededAt ? { lastSuccessAt: poll.succeededAt } : {}),
          ...(poll.error === null ? { lastErrorCode: null, lastError: null, lastErrorAt: null } : {}),
          ...(poll.error
            ? {
                lastErrorCode: poll.error.code,
                lastError: storableText(poll.error.message).text,
                lastErrorAt: poll.error.at,
              }
            : {}),
        },
      });
      if (poll.lastPostAt) {
        await tx.$executeRaw`UPDATE accounts SET last_post_at = ${poll.lastPostAt}::timestamptz
          WHERE id = ${id} AND (last_post_at IS NULL OR last_post_at < ${poll.lastPostAt}::timestamptz)`;
      }
    },

    /** Remembers that polling this account waits until `until` (a rate limit), across restarts. */
    async pause(id: number, pause: { until: Date; code: string; reason: string }, tx: Tx = db) {
      await tx.account.update({
        where: { id },
        data: { pausedUntil: pause.until, pauseCode: pause.code, pauseReason: pause.reason },
      });
    },

    /** Ends a remembered wait (a poll went through). */
    async clearPause(id: number, tx: Tx = db) {
      await tx.account.updateMany({
        where: { id, pausedUntil: { not: null } },
        data: { pausedUntil: null, pauseCode: null, pauseReason: null },
      });
    },

    /** Accounts of a platform whose remembered wait has not ended at `now`. */
    pausedAt(platform: string, now: Date, tx: Tx = db) {
      return tx.account.findMany({ where: { platform, pausedUntil: { gt: now } } });
    },

    /** Records the end of the account's backfill (once: a later one keeps the first time). */
    async markBackfilled(id: number, at: Date, tx: Tx = db): Promise<void> {
      await tx.account.updateMany({ where: { id, backfilledAt: null }, data: { backfilledAt: at } });
    },

    /** The watched accounts of these platforms (all but paused and archived ones), by id: what the scheduler polls. */
    pollable(platforms: string[], tx: Tx = db) {
      return tx.account.findMany({
        where: { platform: { in: platforms }, status: { notIn: [...UNPOLLED_STATUSES] } },
        select: { id: true, platform: true, pollIntervalMs: true },
        orderBy: { id: 'asc' },
      });
    },

    /** Accounts of a platform in these statuses with their user ids (resolved or not), by id. */
    withStatuses(platform: string, statuses: readonly string[], tx: Tx = db) {
      return tx.account.findMany({
        where: { platform, status: { in: [...statuses] } },
        select: { id: true, platformUserId: true, handle: true },
        orderBy: { id: 'asc' },
      });
    },

    /** The account's status (it must exist). */
    statusOf(id: number, tx: Tx = db) {
      return tx.account.findUniqueOrThrow({ where: { id }, select: { status: true } });
    },

    /** The ids of the archived accounts of these platform user ids. */
    async idsByUserId(platform: string, platformUserIds: string[], tx: Tx = db): Promise<Map<string, number>> {
      if (platformUserIds.length === 0) return new Map();
      const rows = await tx.account.findMany({
        where: { platform, platformUserId: { in: platformUserIds } },
        select: { id: true, platformUserId: true },
      });
      return new Map(rows.map((r) => [r.platformUserId!, r.id]));
    },

    /** Accounts whose last error is the platform's usage cap (shown in stats and health). */
    usageCapped(platform: string, tx: Tx = db) {
      return tx.account.findMany({ where: { platform, lastErrorCode: 'usage_capped' } });
    },
  };
}

/** By current handle, or by a former one (case-insensitive), in the caller's transaction. */
export async function findAccountByHandle(db: Tx, platform: string, handle: string): Promise<Account | null> {
  const current = await db.account.findFirst({
    where: { platform, handle: { equals: handle, mode: 'insensitive' } },
  });
  if (current) return current;
  const former = await db.accountHandle.findFirst({
    where: { handle: { equals: handle, mode: 'insensitive' }, account: { platform } },
    include: { account: true },
    orderBy: { lastSeenAt: 'desc' },
  });
  return former?.account ?? null;
}

/** Text from a platform (a display name, an error's detail) as PostgreSQL can store it. */
function storableOrUndefined(text: string | null | undefined): string | undefined {
  return text == null ? undefined : storableText(text).text;
}
