// What the live event stream decides, pure: which recorded events may be
// streamed now and in what order, and which ones a client asked for.
//
// Event ids come from a sequence, and a sequence number is taken when a row
// is written, not when its transaction commits: id 11 may be visible before
// id 10, and some numbers never appear at all (a rolled-back transaction, a
// repeated event skipped by its natural key). A stream that moved past 10
// on seeing 11 would never send 10, and a client resuming after 11 would
// miss it. So events are streamed strictly in id order, and a missing id
// holds the stream back until it is known to be a hole: every transaction
// that was running when the hole was first seen has ended (the xids in the
// snapshot of that read). Write transactions are short (Prisma ends them
// after 5 s), so a hole is given up after GAP_GIVE_UP_MS whatever runs.
import { InvalidInput } from './errors.js';
import { parseAccountRef, formatAccountRef } from './ids.js';

export const STREAM_EVENT_KINDS = ['new', 'edited', 'deleted', 'cited'] as const;
export type StreamEventKind = (typeof STREAM_EVENT_KINDS)[number];

/** A missing id waits at most this long for its transaction. */
export const GAP_GIVE_UP_MS = 30_000;

/** The transactions in progress when a read was made (pg_current_snapshot()). */
export interface Snapshot {
  /** The xids in progress, as decimal strings. */
  running: string[];
}

/** Parses pg_current_snapshot()::text, "xmin:xmax:xip,xip". */
export function parseSnapshot(text: string): Snapshot {
  const [, , xip = ''] = text.split(':');
  return { running: xip.split(',').filter(Boolean) };
}

export interface Gap {
  /** The transactions that were running when the hole was first seen. */
  running: string[];
  firstSeenMs: number;
}

export interface StreamPosition {
  /** Every id up to this one has been streamed or is known never to exist. */
  floor: number;
  /** The hole right after floor, while it waits. */
  gap: Gap | null;
}

/**
 * Given the events read after `position.floor` (ascending ids) with the
 * snapshot of that read, returns those that may be streamed now (a prefix)
 * and the new position.
 */
export function advanceStream<T extends { id: number }>(
  position: StreamPosition,
  rows: readonly T[],
  snapshot: Snapshot,
  nowMs: number,
): { ready: T[]; position: StreamPosition } {
  let { floor, gap } = position;
  const ready: T[] = [];
  for (const row of rows) {
    if (row.id <= floor) continue;
    if (row.id > floor + 1) {
      const seen: Gap = gap ?? { running: snapshot.running, firstSeenMs: nowMs };
      if (!isHoleSettled(seen, snapshot, nowMs)) return { ready, position: { floor, gap: seen } };
    }
    ready.push(row);
    floor = row.id;
    gap = null;
  }
  return { ready, position: { floor, gap } };
}

function isHoleSettled(gap: Gap, now: Snapshot, nowMs: number): boolean {
  if (nowMs - gap.firstSeenMs >= GAP_GIVE_UP_MS) return true;
  const stillRunning = new Set(now.running);
  return !gap.running.some((xid) => stillRunning.has(xid));
}

/** What a client of the stream asked for. Empty lists: everything. */
export interface StreamFilter {
  accounts: string[];
  kinds: StreamEventKind[];
}

const listOf = (value: string | string[] | undefined): string[] =>
  [value ?? []]
    .flat()
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export function parseStreamFilter(input: { account?: string | string[]; kind?: string | string[] }): StreamFilter {
  const accounts = listOf(input.account).map((a) => {
    const ref = parseAccountRef(a);
    return formatAccountRef(ref.platform, ref.handle).toLowerCase();
  });
  const kinds = listOf(input.kind).map((k) => {
    if (!(STREAM_EVENT_KINDS as readonly string[]).includes(k)) {
      throw new InvalidInput(`query parameter "kind" must be among ${STREAM_EVENT_KINDS.join(', ')}, got "${k}"`);
    }
    return k as StreamEventKind;
  });
  return { accounts, kinds };
}

/** Accounts compare without case, as alert rules do (X handles ignore case). */
export function streamFilterMatches(filter: StreamFilter, event: { kind: string; account: string | null }): boolean {
  if (filter.kinds.length && !(filter.kinds as string[]).includes(event.kind)) return false;
  if (!filter.accounts.length) return true;
  return event.account !== null && filter.accounts.includes(event.account.toLowerCase());
}

/**
 * Where a client resumes: after Last-Event-ID (what a reconnecting browser
 * sends; it wins over the URL) or after `since`; null for "from now on".
 */
export function parseResumePoint(lastEventId: string | undefined, since: string | undefined): number | null {
  const check = (value: string, what: string) => {
    if (!/^\d{1,15}$/.test(value.trim())) throw new InvalidInput(`${what} must be an event id, got "${value}"`);
    return Number(value.trim());
  };
  if (lastEventId !== undefined && lastEventId.trim() !== '') return check(lastEventId, 'Last-Event-ID');
  if (since !== undefined && since !== '') return check(since, 'query parameter "since"');
  return null;
}
