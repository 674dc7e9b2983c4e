// Listens to a platform's pushed posts beside polling. One instance at a time
// holds a stream (a lease that dies with its holder: a killed instance loses
// it at once and another takes over within seconds); the holder picks the
// best channel the credentials allow (probing each, in order of preference),
// connects, and reconnects as X documents (core/stream-backoff.ts). Polls
// stay the safety net: every (re)connect asks for a catch-up poll of each
// carried account, and storage is idempotent, so a post seen by both paths
// is stored once and alerted once.
import type { Prisma } from '../adapters/db/database.js';
import type { AccountHold, AccountLocks } from '../adapters/db/account-locks.js';
import { createStreamsRepository, type StreamStatePatch } from '../adapters/db/streams-repository.js';
import type { Clock } from '../core/clock.js';
import { once, sleep, type Handle } from '../core/lifecycle.js';
import { nextReconnect, NO_FAILURES, type FailureCounts } from '../core/stream-backoff.js';
import type { Logger } from '../logger.js';
import type { PostStream, StreamItem } from '../ports/post-stream.js';
import { runConnection, type StreamTiming } from './stream-connection.js';
import type { StoredItem } from './stream-store.js';

export type { StreamTiming } from './stream-connection.js';

export const DEFAULT_STREAM_TIMING: StreamTiming = {
  leaseRetryMs: 2_000,
  heartbeatMs: 5_000,
  syncEveryMs: 15_000,
  blockedRetryMs: 15 * 60_000,
};

/** The lease key of each stream (one per platform). */
export const STREAM_LEASE_KEYS: Record<string, number> = { x: 1, bsky: 2 };

export interface StreamJobOptions {
  db: Prisma;
  clock: Clock;
  logger: Logger;
  /** The stream's name: its lease and its state row (e.g. `x`). */
  name: string;
  platform: string;
  /** The channels to use, best first (auto: the Activity API, then the filtered stream). */
  channels: PostStream[];
  /** This instance's stream leases (Database.streamLeases). */
  leases: AccountLocks;
  /** This instance's name, shown as the holder. */
  holder: string;
  /** Asks for a poll of these accounts from their cursors, now. */
  catchUp(accountIds: number[], reason: string): void;
  timing?: Partial<StreamTiming>;
  /** Called after each pushed item is stored (tests, benchmarks). */
  onStored?(item: StreamItem, stored: StoredItem): void;
}

export type StreamRole =
  { role: 'holder'; channel: string | null } | { role: 'standby'; holder: string } | { role: 'stopped' };

export interface StreamJobHandle extends Handle {
  role(): StreamRole;
}

type Held = Extract<AccountHold, { held: true }>;

export function startStreamJob(options: StreamJobOptions): StreamJobHandle {
  const timing = { ...DEFAULT_STREAM_TIMING, ...options.timing };
  const log = options.logger.child({ component: 'stream', stream: options.name });
  const abort = new AbortController();
  const streams = createStreamsRepository(options.db);
  let role: StreamRole = { role: 'standby', holder: 'unknown' };
  let channel: string | null = null;
  const write = (patch: StreamStatePatch) =>
    streams.save(options.name, options.holder, { channel, ...patch }, options.clock.now());

  /** The first channel the credentials allow, or undefined (the state says why). */
  async function choose(): Promise<PostStream | undefined> {
    const reasons: string[] = [];
    let isDefinite = true;
    for (const candidate of options.channels) {
      const probe = await candidate.probe(abort.signal).catch((err: unknown) => ({
        allowed: false as const,
        reason: (err as Error)?.message ?? String(err),
        isDefinite: false,
      }));
      if (probe.allowed) return candidate;
      reasons.push(`${candidate.name}: ${probe.reason}`);
      isDefinite &&= probe.isDefinite;
    }
    channel = null;
    await write({ state: isDefinite ? 'blocked' : 'reconnecting', reason: reasons.join('; '), coveredAccountIds: [] });
    log.warn(
      { reasons },
      isDefinite ? 'no stream is allowed for these credentials: polling only' : 'no stream answered',
    );
    await sleep(isDefinite ? timing.blockedRetryMs : timing.blockedRetryMs / 15, abort.signal);
    return undefined;
  }

  /**
   * A holder that lost its lease (its database session broke) notices at its
   * next beat and closes its connection; connecting before that would only
   * earn a 429 TooManyConnections (and a minute's back-off). A killed holder's
   * connection is closed by its operating system at once.
   */
  async function letPreviousHolderGo(): Promise<void> {
    const previous = (await streams.list()).find((r) => r.name === options.name);
    if (!previous || previous.holder === options.holder || previous.state !== 'connected') return;
    if (options.clock.now().getTime() - previous.updatedAt.getTime() > 2 * timing.heartbeatMs) return;
    log.info({ previous: previous.holder }, 'waiting for the previous holder to close its connection');
    await sleep(timing.heartbeatMs + 1000, abort.signal);
  }

  /** Runs connections while the lease is held; returns to re-choose after an auth refusal. */
  async function holdStream(hold: Held): Promise<void> {
    await letPreviousHolderGo();
    const picked = await choose();
    if (!picked) return;
    channel = picked.name;
    role = { role: 'holder', channel };
    let counts: FailureCounts = NO_FAILURES;
    const ctx = { ...options, hold, signal: abort.signal, timing, write };
    while (!abort.signal.aborted) {
      const { end, wasOpen } = await runConnection(ctx, picked);
      if (abort.signal.aborted || end.failure === 'stopped') return;
      if (wasOpen) counts = NO_FAILURES;
      const failure = end.failure === 'dropped' && !wasOpen ? 'network' : end.failure;
      const next = nextReconnect(counts, failure);
      counts = next.counts;
      const isRefused = end.status === 401 || end.status === 403;
      await write({
        state: isRefused ? 'blocked' : 'reconnecting',
        reason: end.message,
        connectedAt: null,
        reconnected: wasOpen,
      });
      log.warn({ end, delayMs: next.delayMs }, wasOpen ? 'stream disconnected' : 'stream connect failed');
      await sleep(next.delayMs, abort.signal);
      // Refused: the credentials may have lost this channel; choose again (auto may fall back).
      if (isRefused) return;
    }
  }

  async function run(): Promise<void> {
    while (!abort.signal.aborted) {
      const hold = await options.leases.tryHold(STREAM_LEASE_KEYS[options.name] ?? 1).catch((err: unknown) => {
        log.warn({ err }, 'the stream lease could not be asked for');
        return { held: false as const, holder: 'unknown (the database did not answer)' };
      });
      if (!hold.held) {
        if (role.role !== 'standby' || role.holder !== hold.holder)
          log.info({ holder: hold.holder }, 'stream held by another instance');
        role = { role: 'standby', holder: hold.holder };
        await sleep(timing.leaseRetryMs, abort.signal);
        continue;
      }
      log.info('stream lease taken');
      try {
        await holdStream(hold);
      } catch (err) {
        log.error({ err }, 'the stream failed (it starts again)');
        await sleep(timing.leaseRetryMs, abort.signal);
      } finally {
        // Written before the lease is let go, so that a successor's state is never overwritten.
        if (abort.signal.aborted) await write({ state: 'off', reason: 'stopped', connectedAt: null }).catch(() => {});
        await hold.release().catch(() => {});
      }
    }
  }

  const done = run().finally(() => (role = { role: 'stopped' }));
  const stop = once(async () => {
    abort.abort();
    await done;
  });
  return { stop, done, role: () => role };
}
