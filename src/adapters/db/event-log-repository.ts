// Reading the outbox (`events`) in id order, for the live stream: the
// newest events with the snapshot they were read in (see
// core/event-stream.ts for why the stream needs it), and a range to replay.
// A factory over the database; every method takes an optional transaction.
import type { Prisma, Tx } from './database.js';
import type { AlertItem } from '../../core/alert-messages.js';
import { parseSnapshot, type Snapshot } from '../../core/event-stream.js';
import type { PostView } from '../../core/post-view.js';

interface EventRow {
  id: number;
  kind: string;
  createdAt: Date | string;
  payload: unknown;
}

function toItem(row: EventRow): AlertItem {
  const payload = row.payload as { post: PostView; previousText?: string; article?: AlertItem['article'] };
  return {
    eventId: row.id,
    kind: row.kind,
    at: new Date(row.createdAt),
    post: payload.post,
    ...(payload.previousText !== undefined ? { previousText: payload.previousText } : {}),
    ...(payload.article ? { article: payload.article } : {}),
  };
}

export function createEventLogRepository(db: Prisma) {
  return {
    /** The newest event id and the snapshot it was read in. */
    async newest(tx: Tx = db): Promise<{ id: number; snapshot: Snapshot }> {
      const [row] = await tx.$queryRaw<{ id: number; snapshot: string }[]>`
        SELECT coalesce(max(id), 0)::int AS id, pg_current_snapshot()::text AS snapshot FROM events`;
      return { id: row?.id ?? 0, snapshot: parseSnapshot(row?.snapshot ?? '') };
    },

    /** Up to `limit` events after `afterId`, oldest first, with the snapshot of the same statement. */
    async after(afterId: number, limit: number, tx: Tx = db): Promise<{ items: AlertItem[]; snapshot: Snapshot }> {
      const [row] = await tx.$queryRaw<{ snapshot: string; events: EventRow[] | null }[]>`
        SELECT pg_current_snapshot()::text AS snapshot,
          (SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'createdAt', e.created_at,
              'payload', e.payload) ORDER BY e.id)
            FROM (SELECT id, kind, created_at, payload FROM events WHERE id > ${afterId}
              ORDER BY id LIMIT ${limit}) e) AS events`;
      return { items: (row?.events ?? []).map(toItem), snapshot: parseSnapshot(row?.snapshot ?? '') };
    },

    /** Events with afterId < id <= upTo, oldest first, `batch` at a time. */
    async *between(afterId: number, upTo: number, batch = 200, tx: Tx = db): AsyncGenerator<AlertItem[]> {
      let from = afterId;
      while (from < upTo) {
        const rows = await tx.$queryRaw<EventRow[]>`
          SELECT id, kind, created_at AS "createdAt", payload FROM events
          WHERE id > ${from} AND id <= ${upTo} ORDER BY id LIMIT ${batch}`;
        if (rows.length) yield rows.map(toItem);
        if (rows.length < batch) return;
        from = rows.at(-1)!.id;
      }
    },
  };
}

export type EventLogRepository = ReturnType<typeof createEventLogRepository>;
