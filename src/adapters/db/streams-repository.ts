// Pushed streams: the state row each stream's holder writes (read by health,
// /metrics, `stats` and the schedulers of every instance), and the resources
// read per UTC day, by polls (poll_runs.posts_read) and by streams
// (stream_reads), which is what X bills. A factory over the database; every
// method takes an optional transaction.
import { formatAccountRef } from '../../core/ids.js';
import { streamView, type StreamRow, type StreamView, type UncoveredAccount } from '../../core/stream-state.js';
import type { Prisma, Tx } from './database.js';

export interface StreamStatePatch {
  channel?: string | null;
  state?: string;
  reason?: string | null;
  connectedAt?: Date | null;
  lastMessageAt?: Date | null;
  coveredAccountIds?: number[];
  uncovered?: UncoveredAccount[];
  /** Added to the count of reconnects. */
  reconnected?: boolean;
}

export interface DailyReads {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  polls: number;
  streams: number;
  total: number;
}

/** The UTC day of a time, as stored in stream_reads. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** A stream as health, /metrics and `stats` show it: uncovered accounts named. */
export interface StreamStatus extends Omit<StreamView, 'uncovered'> {
  uncovered: (UncoveredAccount & { account: string })[];
}

export type StreamsRepository = ReturnType<typeof createStreamsRepository>;

export function createStreamsRepository(db: Prisma) {
  return {
    /** Writes the holder's state (creating the row on first use); `updated_at` is the holder's heartbeat. */
    async save(name: string, holder: string, patch: StreamStatePatch, now: Date, tx: Tx = db): Promise<void> {
      const { reconnected, uncovered, ...fields } = patch;
      const data = {
        ...fields,
        holder,
        updatedAt: now,
        ...(uncovered ? { uncovered: JSON.parse(JSON.stringify(uncovered)) } : {}),
      };
      await tx.stream.upsert({
        where: { name },
        create: { name, state: patch.state ?? 'connecting', ...data, reconnects: reconnected ? 1 : 0 },
        update: { ...data, ...(reconnected ? { reconnects: { increment: 1 } } : {}) },
      });
    },

    /** Moves a replaying stream's event cursor forward (never back), in the caller's transaction. */
    async advanceCursor(name: string, cursor: bigint, tx: Tx = db): Promise<void> {
      await tx.$executeRaw`UPDATE streams SET cursor = ${cursor}
        WHERE name = ${name} AND (cursor IS NULL OR cursor < ${cursor})`;
    },

    /** The stored event cursor (null before the first item). */
    async cursor(name: string, tx: Tx = db): Promise<string | null> {
      const row = await tx.stream.findUnique({ where: { name }, select: { cursor: true } });
      return row?.cursor?.toString() ?? null;
    },

    /** Moves the newest pushed post time forward (never back). */
    async noteNewestPost(name: string, at: Date, tx: Tx = db): Promise<void> {
      await tx.$executeRaw`UPDATE streams SET newest_post_at = ${at}::timestamptz
        WHERE name = ${name} AND (newest_post_at IS NULL OR newest_post_at < ${at}::timestamptz)`;
    },

    async list(tx: Tx = db): Promise<StreamRow[]> {
      const rows = await tx.stream.findMany({ orderBy: { name: 'asc' } });
      return rows.map((r) => ({ ...r, coveredAccountIds: r.coveredAccountIds ?? [] }));
    },

    /**
     * Every stream's state at `now`; a configured stream with no row yet (or
     * turned off here) shows as off with `offReason`.
     */
    async status(now: Date, configured: Record<string, string | null>, tx: Tx = db): Promise<StreamStatus[]> {
      const views = (await this.list(tx)).map((row) => streamView(row, now));
      for (const [name, offReason] of Object.entries(configured)) {
        const view = views.find((v) => v.name === name);
        if (!view) views.push(offView(name, offReason ?? 'not started yet', now));
        else if (offReason && view.state === 'off') view.reason = offReason;
      }
      const ids = [...new Set(views.flatMap((v) => v.uncovered.map((u) => u.accountId)))];
      const accounts = await tx.account.findMany({
        where: { id: { in: ids } },
        select: { id: true, platform: true, handle: true },
      });
      const refs = new Map(accounts.map((a) => [a.id, formatAccountRef(a.platform, a.handle)]));
      return views.map((v) => ({
        ...v,
        uncovered: v.uncovered.map((u) => ({ ...u, account: refs.get(u.accountId) ?? `#${u.accountId}` })),
      }));
    },

    /** Counts resources read from a stream on the UTC day of `at` (in the caller's transaction). */
    async addReads(stream: string, at: Date, reads: number, tx: Tx = db): Promise<void> {
      if (reads <= 0) return;
      await tx.$executeRaw`INSERT INTO stream_reads (stream, day, reads) VALUES (${stream}, ${utcDay(at)}::date, ${reads})
        ON CONFLICT (stream, day) DO UPDATE SET reads = stream_reads.reads + EXCLUDED.reads`;
    },

    /** Resources read from a platform on one UTC day, by polls and by streams. */
    async readsOn(platform: string, at: Date, tx: Tx = db): Promise<DailyReads> {
      const day = utcDay(at);
      const from = new Date(`${day}T00:00:00Z`);
      const to = new Date(from.getTime() + 86_400_000);
      const [row] = await tx.$queryRaw<{ polls: bigint | null; streams: bigint | null }[]>`SELECT
        (SELECT sum(r.posts_read) FROM poll_runs r JOIN accounts a ON a.id = r.account_id
          WHERE a.platform = ${platform} AND r.started_at >= ${from}::timestamptz AND r.started_at < ${to}::timestamptz) AS polls,
        (SELECT sum(reads) FROM stream_reads WHERE stream LIKE ${`${platform}%`} AND day = ${day}::date) AS streams`;
      const polls = Number(row?.polls ?? 0);
      const streams = Number(row?.streams ?? 0);
      return { day, polls, streams, total: polls + streams };
    },
  };
}

function offView(name: string, reason: string, now: Date): StreamView {
  const row: StreamRow = {
    name,
    channel: null,
    state: 'off',
    reason,
    holder: null,
    connectedAt: null,
    lastMessageAt: null,
    newestPostAt: null,
    coveredAccountIds: [],
    uncovered: [],
    reconnects: 0,
    updatedAt: now,
  };
  return streamView(row, now);
}
