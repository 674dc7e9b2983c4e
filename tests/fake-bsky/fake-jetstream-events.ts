// The fake Jetstream's event log and subscriber filters, as Jetstream
// documents them: every event carries `did`, `time_us` (strictly increasing
// microseconds: the cursor) and `kind`; commits are filtered by
// wantedCollections (full NSIDs or `prefix.*`) and wantedDids, identity and
// account events by wantedDids only. At most 100 collections and 10,000 DIDs
// per subscriber; an empty list means "everything".
import { tidAt } from './fake-bsky-ids.js';
import type { FakeChange } from './fake-bsky-state.js';

export const MAX_WANTED_COLLECTIONS = 100;
export const MAX_WANTED_DIDS = 10_000;

export interface FakeJetstreamEvent {
  timeUs: number;
  did: string;
  kind: 'commit' | 'identity' | 'account';
  collection?: string;
  /** The message as sent (JSON). */
  message: string;
}

export interface SubscriberOptions {
  wantedCollections: string[];
  wantedDids: string[];
}

const NSID_OR_PREFIX = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+(\.\*)?$|^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)*\.\*$/;
const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;

/** Checks the options as Jetstream does; the message says what is wrong. */
export function checkOptions(options: SubscriberOptions): string | undefined {
  if (options.wantedCollections.length > MAX_WANTED_COLLECTIONS) return 'too many wantedCollections';
  if (options.wantedDids.length > MAX_WANTED_DIDS) return 'too many wantedDids';
  const badCollection = options.wantedCollections.find((c) => !NSID_OR_PREFIX.test(c));
  if (badCollection) return `invalid collection: ${badCollection}`;
  const badDid = options.wantedDids.find((d) => !DID.test(d));
  if (badDid) return `invalid did: ${badDid}`;
  return undefined;
}

export function isWanted(event: FakeJetstreamEvent, options: SubscriberOptions): boolean {
  if (options.wantedDids.length && !options.wantedDids.includes(event.did)) return false;
  if (event.kind !== 'commit' || options.wantedCollections.length === 0) return true;
  return options.wantedCollections.some((c) =>
    c.endsWith('.*') ? event.collection!.startsWith(c.slice(0, -1)) : event.collection === c,
  );
}

/** The log: events appended with strictly increasing time_us from the given clock (ms). */
export class JetstreamLog {
  readonly events: FakeJetstreamEvent[] = [];
  private lastUs = 0;
  private seq = 1000;

  constructor(private readonly nowMs: () => number) {}

  private nextTimeUs(): number {
    this.lastUs = Math.max(this.lastUs + 1, Math.floor(this.nowMs() * 1000));
    return this.lastUs;
  }

  /** The event a change of the fake AppView's world makes. */
  append(change: FakeChange): FakeJetstreamEvent {
    const timeUs = this.nextTimeUs();
    const time = new Date(timeUs / 1000).toISOString();
    const seq = ++this.seq;
    let event: Omit<FakeJetstreamEvent, 'message'> & { body: Record<string, unknown> };
    if (change.kind === 'create' || change.kind === 'delete') {
      const r = change.record;
      const commit = {
        rev: tidAt(timeUs / 1000),
        operation: change.kind,
        collection: r.collection,
        rkey: r.rkey,
        ...(change.kind === 'create' ? { record: r.value, cid: r.cid } : {}),
      };
      event = { timeUs, did: r.did, kind: 'commit', collection: r.collection, body: { commit } };
    } else if (change.kind === 'identity') {
      const a = change.actor;
      event = { timeUs, did: a.did, kind: 'identity', body: { identity: { did: a.did, handle: a.handle, seq, time } } };
    } else {
      const a = change.actor;
      const isActive = a.status === 'active';
      const account = { active: isActive, did: a.did, seq, time, ...(isActive ? {} : { status: a.status }) };
      event = { timeUs, did: a.did, kind: 'account', body: { account } };
    }
    const { body, ...rest } = event;
    const message = JSON.stringify({ did: rest.did, time_us: timeUs, kind: rest.kind, ...body });
    const logged = { ...rest, message };
    this.events.push(logged);
    return logged;
  }

  /** Events at or after the cursor (time_us), oldest first. */
  since(cursorUs: number): FakeJetstreamEvent[] {
    return this.events.filter((e) => e.timeUs >= cursorUs);
  }
}
