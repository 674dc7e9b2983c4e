// What health, /metrics, `stats` and the scheduler say about a pushed stream,
// from the row its holder writes: the state, why, the lag (now minus the
// publication time of the newest post pushed) and the accounts it carries.
// A row its holder stopped refreshing (the holder was killed and nobody took
// over) reads as off. Pure: the time is passed in.

export const STREAM_STATES = ['connected', 'connecting', 'reconnecting', 'blocked', 'off'] as const;
export type StreamState = (typeof STREAM_STATES)[number];

/** How often the holder refreshes its row while it runs. */
export const STREAM_HEARTBEAT_MS = 5_000;
/** A row older than this has no live holder. */
export const STREAM_STALE_MS = 30_000;

export interface StreamRow {
  name: string;
  channel: string | null;
  state: string;
  reason: string | null;
  holder: string | null;
  connectedAt: Date | null;
  lastMessageAt: Date | null;
  newestPostAt: Date | null;
  coveredAccountIds: number[];
  uncovered: unknown;
  reconnects: number;
  updatedAt: Date;
}

export interface UncoveredAccount {
  accountId: number;
  reason: string;
}

export interface StreamView {
  name: string;
  channel: string | null;
  state: StreamState;
  reason: string | null;
  holder: string | null;
  connectedAt: string | null;
  lastMessageAt: string | null;
  newestPostAt: string | null;
  /** now − the publication time of the newest post pushed; null before the first. */
  lagMs: number | null;
  /** Accounts carried by the stream (polled at the reconciliation interval while it is connected). */
  streamed: number;
  /** Accounts it cannot carry: polled as usual. */
  uncovered: UncoveredAccount[];
  reconnects: number;
  updatedAt: string;
}

function readUncovered(value: unknown): UncoveredAccount[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const item = v as { accountId?: unknown; reason?: unknown };
    return typeof item?.accountId === 'number'
      ? [{ accountId: item.accountId, reason: String(item.reason ?? '') }]
      : [];
  });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function streamView(row: StreamRow, now: Date, staleMs = STREAM_STALE_MS): StreamView {
  const known = (STREAM_STATES as readonly string[]).includes(row.state) ? (row.state as StreamState) : 'off';
  const isStale = known !== 'off' && now.getTime() - row.updatedAt.getTime() > staleMs;
  const state: StreamState = isStale ? 'off' : known;
  const reason = isStale
    ? `its holder ${row.holder ?? ''} stopped answering at ${row.updatedAt.toISOString()}`.replace('  ', ' ')
    : row.reason;
  return {
    name: row.name,
    channel: row.channel,
    state,
    reason,
    holder: row.holder,
    connectedAt: state === 'connected' ? iso(row.connectedAt) : null,
    lastMessageAt: iso(row.lastMessageAt),
    newestPostAt: iso(row.newestPostAt),
    lagMs: row.newestPostAt ? Math.max(0, now.getTime() - row.newestPostAt.getTime()) : null,
    streamed: state === 'off' ? 0 : row.coveredAccountIds.length,
    uncovered: readUncovered(row.uncovered),
    reconnects: row.reconnects,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Channels that push deletions (X's Activity API: post.delete, on its stream or to the webhook;
 * Jetstream: delete commits); X's filtered stream only pushes posts.
 */
export const CHANNELS_PUSHING_DELETIONS = ['x:activity', 'x:webhook', 'bsky:jetstream'];

/** The accounts a connected stream carries now (none when it is not connected), and those whose deletions it pushes. */
export function streamedAccounts(
  rows: StreamRow[],
  now: Date,
  staleMs = STREAM_STALE_MS,
): { streamed: Set<number>; deletionsPushed: Set<number> } {
  const streamed = new Set<number>();
  const deletionsPushed = new Set<number>();
  for (const row of rows) {
    if (streamView(row, now, staleMs).state !== 'connected') continue;
    const pushesDeletions = CHANNELS_PUSHING_DELETIONS.includes(row.channel ?? '');
    for (const id of row.coveredAccountIds) {
      streamed.add(id);
      if (pushesDeletions) deletionsPushed.add(id);
    }
  }
  return { streamed, deletionsPushed };
}

/** A streamed account waits the reconciliation interval between polls (or its own, if longer). */
export function pollIntervalFor(pollIntervalMs: number, isStreamed: boolean, reconcileMs: number): number {
  return isStreamed ? Math.max(pollIntervalMs, reconcileMs) : pollIntervalMs;
}
