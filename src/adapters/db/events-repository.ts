// The outbox. Every change that people may be alerted to (a new post, an
// edit, a deletion, a citation) records an event here in the same transaction
// as the change itself (the other repositories call recordEvents with their
// transaction). Idempotent on the event's natural key.
import type { Prisma, Tx } from './database.js';
import type { PostView } from '../../core/post-view.js';

export const EVENT_KINDS = ['new', 'edited', 'deleted', 'cited'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** PostgreSQL channel notified (at commit) whenever an event is recorded. */
export const EVENTS_CHANNEL = 'onrecord_events';

export interface EventPayload {
  post: PostView;
  /** For `edited`: the text before the edit. */
  previousText?: string;
  /** For `cited`: the citing article. */
  article?: { id: number; url: string | null; title: string | null; kind: string; confidence: number };
}

export interface NewEvent {
  kind: EventKind;
  postId?: number;
  articleId?: number;
  payload: EventPayload;
}

export const eventKeys = {
  new: (platform: string, platformId: string) => `new:${platform}:${platformId}`,
  edited: (platform: string, versionId: string) => `edited:${platform}:${versionId}`,
  deleted: (platform: string, platformId: string) => `deleted:${platform}:${platformId}`,
  cited: (articleId: number, platform: string, platformId: string) => `cited:${articleId}:${platform}:${platformId}`,
};

export type EventsRepository = ReturnType<typeof createEventsRepository>;

export function createEventsRepository(db: Prisma) {
  return {
    /** Records events; returns how many were new (a repeated key records nothing). */
    record: (events: (NewEvent & { dedupeKey: string })[], tx: Tx = db) => recordEvents(tx, events),
  };
}

/** Records events in the caller's transaction; returns how many were new. */
export async function recordEvents(tx: Tx, events: (NewEvent & { dedupeKey: string })[]): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await tx.event.createMany({
    data: events.map((e) => ({
      kind: e.kind,
      dedupeKey: e.dedupeKey,
      postId: e.postId ?? null,
      articleId: e.articleId ?? null,
      payload: JSON.parse(JSON.stringify(e.payload)),
    })),
    skipDuplicates: true,
  });
  if (count > 0) await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${String(count)})`;
  return count;
}
