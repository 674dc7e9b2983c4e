// The world the fake AppView serves: accounts (DID, handle, status, pinned
// post) and their records (posts and reposts), as the network holds them.
// Records are immutable, as on Bluesky: a post can be deleted, never edited.
// A record's place in feeds (sortAt) is the earlier of its createdAt and the
// time it was indexed, as the AppView computes it.
import { didFor, recordCid, tidAt } from './fake-bsky-ids.js';

export const ACTOR_STATUSES = ['active', 'takendown', 'deactivated'] as const;
export type ActorStatus = (typeof ACTOR_STATUSES)[number];

export const POST = 'app.bsky.feed.post';
export const REPOST = 'app.bsky.feed.repost';
export type Collection = typeof POST | typeof REPOST;

export interface FakeActor {
  did: string;
  handle: string;
  displayName?: string;
  description?: string;
  createdAt: string;
  indexedAt: string;
  status: ActorStatus;
  pinnedPost?: { uri: string; cid: string };
}

export interface FakeRecord {
  uri: string;
  cid: string;
  did: string;
  collection: Collection;
  rkey: string;
  /** The record as its author's client wrote it. */
  value: Record<string, unknown>;
  indexedAt: string;
  /** Where the record sorts in feeds: min(createdAt, indexedAt). */
  sortAt: string;
  deleted?: boolean;
}

/** A change of the world, as the network's event stream (the fake Jetstream) reports it. */
export type FakeChange =
  | { kind: 'create'; record: FakeRecord }
  | { kind: 'delete'; record: FakeRecord }
  | { kind: 'identity'; actor: FakeActor }
  | { kind: 'account'; actor: FakeActor };

export interface FakeBskyData {
  actors?: FakeActor[];
  records?: FakeRecord[];
}

const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

function iso(value: string | Date | number): string {
  return new Date(value).toISOString();
}

/** The AppView's sortAt: createdAt unless it is unreadable or later than indexedAt. */
export function sortAtOf(createdAt: unknown, indexedAt: string): string {
  const created = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  return Number.isFinite(created) && created < Date.parse(indexedAt) ? iso(created) : indexedAt;
}

export class FakeBskyState {
  readonly actors = new Map<string, FakeActor>();
  readonly records = new Map<string, FakeRecord>();
  private readonly rkeys = new Set<string>();
  /** Each account's records, and the records that reply to, repost or quote each URI (kept as records arrive). */
  private readonly byDid = new Map<string, FakeRecord[]>();
  private readonly refs = new Map<string, { replies: FakeRecord[]; reposts: FakeRecord[]; quotes: FakeRecord[] }>();
  private readonly listeners = new Set<(change: FakeChange) => void>();

  /** Calls `listener` with each change from now on (records written, deleted; handles; statuses); returns the unsubscribe. */
  onChange(listener: (change: FakeChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: FakeChange): void {
    for (const listener of this.listeners) listener(change);
  }

  addActor(spec: Partial<FakeActor> & { handle: string }, at: Date): FakeActor {
    const handle = spec.handle.toLowerCase();
    if (!HANDLE.test(handle)) throw new Error(`"${spec.handle}" is not a valid handle (a domain name)`);
    if (this.actorByHandle(handle)) throw new Error(`handle ${handle} is taken`);
    const actor: FakeActor = {
      did: spec.did ?? didFor(handle),
      createdAt: iso(at),
      indexedAt: iso(at),
      status: 'active',
      ...spec,
      handle,
    };
    this.actors.set(actor.did, actor);
    return actor;
  }

  actorByHandle(handle: string): FakeActor | undefined {
    const wanted = handle.toLowerCase();
    return [...this.actors.values()].find((a) => a.handle === wanted);
  }

  /** An actor by DID or handle (at-identifier). */
  actor(identifier: string): FakeActor | undefined {
    return identifier.startsWith('did:') ? this.actors.get(identifier) : this.actorByHandle(identifier);
  }

  mustActor(identifier: string): FakeActor {
    const actor = this.actor(identifier);
    if (!actor) throw new Error(`no account ${identifier}`);
    return actor;
  }

  /** Writes a record into an account's repo, with a fresh TID for its record key. */
  addRecord(did: string, collection: Collection, value: Record<string, unknown>, indexedAt: Date): FakeRecord {
    this.mustActor(did);
    let clockId = 0;
    let rkey = tidAt(indexedAt.getTime(), clockId);
    while (this.rkeys.has(`${did}/${rkey}`)) rkey = tidAt(indexedAt.getTime(), ++clockId);
    this.rkeys.add(`${did}/${rkey}`);
    const indexed = iso(indexedAt);
    const record: FakeRecord = {
      uri: `at://${did}/${collection}/${rkey}`,
      cid: recordCid(value),
      did,
      collection,
      rkey,
      value,
      indexedAt: indexed,
      sortAt: sortAtOf(value.createdAt, indexed),
    };
    this.index(record);
    this.emit({ kind: 'create', record });
    return record;
  }

  private index(record: FakeRecord): void {
    this.records.set(record.uri, record);
    const own = this.byDid.get(record.did) ?? [];
    own.push(record);
    this.byDid.set(record.did, own);
    const v = record.value as { subject?: { uri?: string }; reply?: { parent?: { uri?: string } }; embed?: unknown };
    const ref = (uri: string | undefined) => {
      if (!uri) return undefined;
      if (!this.refs.has(uri)) this.refs.set(uri, { replies: [], reposts: [], quotes: [] });
      return this.refs.get(uri)!;
    };
    if (record.collection === REPOST) ref(v.subject?.uri)?.reposts.push(record);
    ref(v.reply?.parent?.uri)?.replies.push(record);
    const embed = v.embed as { record?: { uri?: string; record?: { uri?: string } } } | undefined;
    ref(embed?.record?.uri ?? embed?.record?.record?.uri)?.quotes.push(record);
  }

  /** An account's records, oldest first. */
  recordsOf(did: string): FakeRecord[] {
    return this.byDid.get(did) ?? [];
  }

  record(uri: string): FakeRecord | undefined {
    return this.records.get(uri);
  }

  mustRecord(uri: string): FakeRecord {
    const record = this.records.get(uri);
    if (!record) throw new Error(`no record ${uri}`);
    return record;
  }

  /** Deletes a post or repost: gone from feeds and lookups, its URI never served again. */
  deleteRecord(uri: string): void {
    const record = this.mustRecord(uri);
    record.deleted = true;
    this.emit({ kind: 'delete', record });
  }

  /** The account's DID stays; the old handle resolves to nothing. */
  changeHandle(identifier: string, handle: string): FakeActor {
    const actor = this.mustActor(identifier);
    const wanted = handle.toLowerCase();
    if (!HANDLE.test(wanted)) throw new Error(`"${handle}" is not a valid handle (a domain name)`);
    if (this.actorByHandle(wanted)) throw new Error(`handle ${wanted} is taken`);
    actor.handle = wanted;
    this.emit({ kind: 'identity', actor });
    return actor;
  }

  setStatus(identifier: string, status: ActorStatus): void {
    const actor = this.mustActor(identifier);
    actor.status = status;
    this.emit({ kind: 'account', actor });
  }

  pin(identifier: string, uri: string | null): void {
    const actor = this.mustActor(identifier);
    if (uri === null) delete actor.pinnedPost;
    else actor.pinnedPost = { uri, cid: this.mustRecord(uri).cid };
  }

  /** A live record whose account is active (what the AppView serves). */
  isServed(record: FakeRecord | undefined): record is FakeRecord {
    return !!record && !record.deleted && this.actors.get(record.did)?.status === 'active';
  }

  /** Counts shown on a post view: replies, reposts and quotes that are served. */
  counts(uri: string): { replyCount: number; repostCount: number; quoteCount: number } {
    const refs = this.refs.get(uri);
    const served = (records: FakeRecord[] | undefined) => (records ?? []).filter((r) => this.isServed(r)).length;
    return { replyCount: served(refs?.replies), repostCount: served(refs?.reposts), quoteCount: served(refs?.quotes) };
  }

  load(data: FakeBskyData): void {
    for (const actor of data.actors ?? []) this.actors.set(actor.did, { ...actor });
    for (const record of data.records ?? []) {
      this.index({ ...record });
      this.rkeys.add(`${record.did}/${record.rkey}`);
    }
  }

  snapshot(): Required<FakeBskyData> {
    return { actors: [...this.actors.values()], records: [...this.records.values()] };
  }
}
