// What the stream job needs from a platform's push channel (X's filtered
// stream, X's Activity API, Bluesky's Jetstream): which accounts it can carry, one connection at a
// time, and each message read and kept raw. Reconnecting, back-off, leases
// and storage are the job's business; an adapter only connects once.
import type { NormalizedBody } from '../core/post-model.js';
import type { StreamFailure } from '../core/stream-backoff.js';
import type { RawCapture } from './post-source.js';

/** A watched account the stream should carry (its platform user ID is resolved). */
export interface StreamAccount {
  accountId: number;
  platformUserId: string;
  /** The account's current handle (a Jetstream record names its author by DID only). */
  handle?: string;
}

/** Which accounts the stream carries after a sync, and why the others are not. */
export interface StreamCoverage {
  covered: number[];
  uncovered: { accountId: number; reason: string }[];
}

interface Pushed {
  /** The line as received (source e.g. `x:stream`, `x:activity`), kept with its sha256. */
  capture: RawCapture;
  receivedAt: Date;
  /**
   * The stream's event cursor at this item, for a channel that replays from
   * one (Jetstream's time_us): stored in the transaction that stores the item.
   */
  cursor?: string;
}

export type StreamItem = Pushed &
  (
    | { kind: 'posts'; body: NormalizedBody; authorIds: string[] }
    | { kind: 'deleted'; authorId: string; postId: string }
    | { kind: 'profile'; authorId: string; field: 'handle' | 'name' | 'other'; after: string | null }
    /** The account was deactivated, taken down or deleted (`active: false`), or is active again. */
    | { kind: 'account'; authorId: string; isActive: boolean; status: string | null }
    /** A message that says nothing onrecord keeps, passed on only to advance the cursor. */
    | { kind: 'skipped' }
    /** A line that could not be read: kept raw and reported. */
    | { kind: 'problem'; message: string }
  );

/** Why a connection ended (or never opened). */
export type StreamEnd =
  | { failure: StreamFailure; message: string; status?: number }
  /** The caller closed it. */
  | { failure: 'stopped'; message: string };

export interface StreamHandlers {
  /** The connection is up: from now on, what is published arrives here. */
  onOpen(): void;
  /** Called in arrival order, synchronously: the job queues items (a FIFO, as X advises). */
  onItem(item: StreamItem): void;
  /** Anything arrived (a message or a keep-alive newline). */
  onActivity?(): void;
}

export interface StreamConnection {
  /** Settles once, when the connection ends for whatever reason; never rejects. */
  readonly ended: Promise<StreamEnd>;
  /** Ends the connection; `ended` settles with `end` (default: stopped by the caller). */
  close(end?: StreamEnd): void;
}

export type StreamProbe = { allowed: true } | { allowed: false; reason: string; isDefinite: boolean };

export interface PostStream {
  /** e.g. `x:activity`, `x:filtered`. */
  readonly name: string;
  /**
   * Whether the credentials may use this stream: `isDefinite` when the platform
   * said no (not enrolled, forbidden); false for an outage (ask again later).
   */
  probe(signal?: AbortSignal): Promise<StreamProbe>;
  /**
   * Makes the set of accounts pushed match `accounts`, changing only what
   * onrecord created (its tagged rules or subscriptions).
   */
  sync(accounts: StreamAccount[], signal?: AbortSignal): Promise<StreamCoverage>;
  /**
   * Opens one connection; it is never reopened by the adapter. `resumeFrom`
   * is the cursor stored with the last item (channels that replay resume
   * there, the others ignore it).
   */
  connect(handlers: StreamHandlers, resumeFrom?: string | null): StreamConnection;
}
