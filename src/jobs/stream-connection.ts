// One connection of a pushed stream, held under its lease: sync what the
// stream carries with the watched accounts, connect, ask for a catch-up poll
// of every carried account once connected (so nothing published before or
// while disconnected is lost), store each item in arrival order (a FIFO, as X
// advises), refresh the state row, follow accounts added and removed, and end
// when the connection ends, the lease is lost, or the job stops.
import type { Prisma } from '../adapters/db/database.js';
import { createAccountsRepository } from '../adapters/db/accounts-repository.js';
import type { AccountHold } from '../adapters/db/account-locks.js';
import { createStreamsRepository, type StreamStatePatch } from '../adapters/db/streams-repository.js';
import type { Clock } from '../core/clock.js';
import { OnrecordError, SourceRateLimited } from '../core/errors.js';
import type { UncoveredAccount } from '../core/stream-state.js';
import type { Logger } from '../logger.js';
import type { PostStream, StreamAccount, StreamConnection, StreamEnd, StreamItem } from '../ports/post-stream.js';
import { storeStreamItem, storeStreamItems, type StoredItem } from './stream-store.js';

export interface StreamTiming {
  /** How often a standby instance asks for the lease. */
  leaseRetryMs: number;
  /** How often the holder refreshes its state row and checks its lease. */
  heartbeatMs: number;
  /** How often the holder compares the watched accounts with what the stream carries. */
  syncEveryMs: number;
  /** How long to wait before asking again when no channel is allowed. */
  blockedRetryMs: number;
}

export interface ConnectionContext {
  db: Prisma;
  clock: Clock;
  logger: Logger;
  name: string;
  platform: string;
  hold: Extract<AccountHold, { held: true }>;
  signal: AbortSignal;
  timing: StreamTiming;
  write(patch: StreamStatePatch): Promise<void>;
  catchUp(accountIds: number[], reason: string): void;
  onStored?(item: StreamItem, stored: StoredItem): void;
}

export interface ConnectionOutcome {
  end: StreamEnd;
  wasOpen: boolean;
}

/** Most items stored in one transaction. */
const BATCH_MAX = 100;

/** Statuses whose accounts the stream carries (the others are not polled, or cannot post). */
const STREAMED_STATUSES = ['active', 'error'];

interface Watched {
  accounts: StreamAccount[];
  unresolved: UncoveredAccount[];
  key: string;
}

async function loadWatched(db: Prisma, platform: string): Promise<Watched> {
  const rows = await createAccountsRepository(db).withStatuses(platform, STREAMED_STATUSES);
  const accounts = rows.flatMap((r) =>
    r.platformUserId ? [{ accountId: r.id, platformUserId: r.platformUserId, handle: r.handle }] : [],
  );
  const unresolved = rows
    .filter((r) => !r.platformUserId)
    .map((r) => ({ accountId: r.id, reason: 'not_resolved: its first poll has not found the user yet' }));
  const key = rows.map((r) => `${r.id}:${r.platformUserId ?? ''}:${r.handle}`).join(',');
  return { accounts, unresolved, key };
}

/** A failure to sync is retried like a failed connect. */
function syncFailure(err: unknown): StreamEnd {
  const message = `syncing the stream failed: ${(err as Error)?.message ?? String(err)}`;
  if (err instanceof SourceRateLimited) return { failure: 'rate-limited', message, status: 429 };
  if (err instanceof OnrecordError && err.code === 'auth') return { failure: 'http', message, status: 403 };
  if (err instanceof OnrecordError && err.code === 'unavailable') return { failure: 'network', message };
  return { failure: 'http', message };
}

/** Items stored one at a time, in arrival order; a failure to store one is logged and its account caught up by a poll. */
function itemQueue(ctx: ConnectionContext, channel: string, accountOf: (id: string) => number | undefined) {
  const items: StreamItem[] = [];
  let running: Promise<void> | undefined;
  let newestPostAt: Date | undefined;
  const log = ctx.logger.child({ component: 'stream', stream: channel });
  const deps = { db: ctx.db, clock: ctx.clock, platform: ctx.platform, channel, stream: ctx.name, accountOf };
  function noteStored(item: StreamItem, stored: StoredItem) {
    if (stored.newestPostAt && (!newestPostAt || stored.newestPostAt > newestPostAt))
      newestPostAt = stored.newestPostAt;
    if (item.kind === 'problem') log.warn({ problem: item.message }, 'an unreadable stream message was kept raw');
    ctx.onStored?.(item, stored);
  }
  /** One by one, after a batch failed: one bad item does not hold up the others. */
  async function storeEach(batch: StreamItem[]) {
    for (const item of batch) {
      try {
        noteStored(item, await storeStreamItem(deps, item));
      } catch (err) {
        log.error({ err, kind: item.kind }, 'a pushed item could not be stored: its account will be polled');
        const ids = item.kind === 'posts' ? item.authorIds : 'authorId' in item ? [item.authorId] : [];
        ctx.catchUp(
          ids.flatMap((id) => accountOf(id) ?? []),
          'a pushed item could not be stored',
        );
      }
    }
  }
  async function drain() {
    while (items.length) {
      // What has queued up meanwhile goes in one transaction (a burst costs one commit per batch).
      const batch = items.splice(0, BATCH_MAX);
      try {
        const stored = await storeStreamItems(deps, batch);
        batch.forEach((item, i) => noteStored(item, stored[i]!));
      } catch {
        await storeEach(batch);
      }
    }
  }
  return {
    push(item: StreamItem) {
      items.push(item);
      running ??= drain().finally(() => (running = undefined));
    },
    idle: async () => {
      while (running) await running;
    },
    newestPostAt: () => newestPostAt,
  };
}

/** What the stream carries: the watched accounts at the last sync and those it covers. */
interface Carried {
  watched: Watched;
  covered: number[];
  userToAccount: Map<string, number>;
}

async function syncCarried(ctx: ConnectionContext, channel: PostStream, watched: Watched): Promise<Carried> {
  const coverage = await channel.sync(watched.accounts, ctx.signal);
  await ctx.write({ coveredAccountIds: coverage.covered, uncovered: [...coverage.uncovered, ...watched.unresolved] });
  const userToAccount = new Map(watched.accounts.map((a) => [a.platformUserId, a.accountId]));
  return { watched, covered: coverage.covered, userToAccount };
}

/**
 * Every beat while connected: the lease still held (else the connection is
 * closed), the state row refreshed, and every syncEveryMs the watched
 * accounts compared with what the stream carries (newly carried accounts get
 * a catch-up poll). A failed beat is tried again at the next one.
 */
function startUpkeep(
  ctx: ConnectionContext,
  channel: PostStream,
  state: { carried: Carried; isOpen(): boolean; lastMessageAt(): Date | undefined; newestPostAt(): Date | undefined },
  connection: StreamConnection,
) {
  const log = ctx.logger.child({ component: 'stream', stream: channel.name });
  let lastSync = ctx.clock.now().getTime();
  let isBusy = false;
  async function resync() {
    if (!state.isOpen() || ctx.clock.now().getTime() - lastSync < ctx.timing.syncEveryMs) return;
    lastSync = ctx.clock.now().getTime();
    const watched = await loadWatched(ctx.db, ctx.platform);
    if (watched.key === state.carried.watched.key) return;
    const before = state.carried.covered;
    state.carried = await syncCarried(ctx, channel, watched);
    const added = state.carried.covered.filter((id) => !before.includes(id));
    if (added.length) ctx.catchUp(added, `${channel.name} now carries them`);
  }
  async function beat() {
    if (isBusy) return;
    isBusy = true;
    try {
      if (!(await ctx.hold.isHeld())) {
        return connection.close({ failure: 'stopped', message: 'the stream lease was lost' });
      }
      const lastMessageAt = state.lastMessageAt();
      await ctx.write(lastMessageAt ? { lastMessageAt } : {});
      const newest = state.newestPostAt();
      if (newest) await createStreamsRepository(ctx.db).noteNewestPost(ctx.name, newest);
      await resync();
    } catch (err) {
      log.warn({ err }, 'stream upkeep failed (tried again at the next beat)');
    } finally {
      isBusy = false;
    }
  }
  const timer = setInterval(() => void beat(), ctx.timing.heartbeatMs);
  return { stop: () => clearInterval(timer) };
}

export async function runConnection(ctx: ConnectionContext, channel: PostStream): Promise<ConnectionOutcome> {
  const log = ctx.logger.child({ component: 'stream', stream: channel.name });
  await ctx.write({ channel: channel.name, state: 'connecting' });
  let carried: Carried;
  try {
    carried = await syncCarried(ctx, channel, await loadWatched(ctx.db, ctx.platform));
  } catch (err) {
    return { end: syncFailure(err), wasOpen: false };
  }
  const state = {
    carried,
    isOpen: () => wasOpen,
    lastMessageAt: () => lastMessageAt,
    newestPostAt: () => queue.newestPostAt(),
  };
  const queue = itemQueue(ctx, channel.name, (id) => state.carried.userToAccount.get(id));
  let wasOpen = false;
  let lastMessageAt: Date | undefined;
  const resumeFrom = await createStreamsRepository(ctx.db).cursor(ctx.name);
  const connection = channel.connect(
    {
      onOpen() {
        wasOpen = true;
        log.info({ accounts: state.carried.covered.length }, 'stream connected');
        const connected = { state: 'connected', reason: null, connectedAt: ctx.clock.now() };
        ctx.write(connected).catch((err: unknown) => log.warn({ err }, 'state not saved'));
        ctx.catchUp(state.carried.covered, `${channel.name} connected`);
      },
      onItem: (item) => queue.push(item),
      onActivity: () => (lastMessageAt = ctx.clock.now()),
    },
    resumeFrom,
  );
  const onAbort = () => connection.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const upkeep = startUpkeep(ctx, channel, state, connection);
  const end = await connection.ended;
  upkeep.stop();
  ctx.signal.removeEventListener('abort', onAbort);
  await queue.idle();
  const newest = queue.newestPostAt();
  if (newest)
    await createStreamsRepository(ctx.db)
      .noteNewestPost(ctx.name, newest)
      .catch(() => {});
  return { end, wasOpen };
}
