// Bluesky as the platform-neutral code sees it. An account is typed as its
// handle (a domain name, lowercased) or its DID. A post's natural immutable
// ID is its AT URI, `at://<did>/app.bsky.feed.post/<rkey>` (a repost's is
// `…/app.bsky.feed.repost/<rkey>`): the DID stays when the handle changes.
// A bsky.app permalink is read as the AT URI it stands for; one that names
// the account by handle is an ID whose handle the archive resolves to the DID
// (postIdHandle). Permalinks are written with the DID, which never breaks.
// Posts are never edited: a version is `<AT URI>#<CID>`. Pure.
import { InvalidInput } from './errors.js';
import type { PlatformDescriptor } from './platform-descriptor.js';
import { DID } from './bsky-payload.js';
import { findObject } from './raw-payload.js';

const NAME = 'bsky';
/** A handle: a domain name of two labels or more, the last not starting with a digit. */
const HANDLE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COLLECTIONS = ['app.bsky.feed.post', 'app.bsky.feed.repost'] as const;
/** A record key (the AT Protocol's syntax; `.` and `..` are not keys). */
const RKEY = /^(?!\.{1,2}$)[A-Za-z0-9._:~-]{1,512}$/;
const AT_URI = /^at:\/\/([^/?#]+)\/([a-z0-9.]+)\/([^/?#]+)$/i;
/** A bsky.app post permalink: its account (handle or DID) and record key. */
const APP_POST_URL = /^https?:\/\/(?:www\.)?bsky\.app\/profile\/([^/?#]+)\/post\/([^/?#]+)\/?(?:[?#].*)?$/i;

/** The parts of a Bluesky record's AT URI; `actor` is a DID, or a handle (lowercased). */
export interface BskyRecordRef {
  actor: string;
  collection: (typeof COLLECTIONS)[number];
  rkey: string;
}

export function isDid(text: string): boolean {
  return DID.test(text);
}

/** An account as typed (`@Agency.Example.gov`, a DID) in its canonical form: the DID, or the handle lowercased. */
export function parseBskyActor(text: string): string | undefined {
  const bare = text.trim().replace(/^@/, '');
  if (DID.test(bare)) return bare;
  const handle = bare.toLowerCase();
  return HANDLE.test(handle) ? handle : undefined;
}

function recordRef(actorText: string, collection: string, rkey: string): BskyRecordRef | undefined {
  const actor = parseBskyActor(actorText);
  const known = COLLECTIONS.find((c) => c === collection);
  if (!actor || !known || !RKEY.test(rkey) || actorText.startsWith('@')) return undefined;
  return { actor, collection: known, rkey };
}

/** A post's (or repost's) AT URI, or a bsky.app post permalink, as a record reference; undefined otherwise. */
export function parseBskyRecordRef(text: string): BskyRecordRef | undefined {
  const t = text.trim();
  const uri = AT_URI.exec(t);
  if (uri) return recordRef(safeDecode(uri[1]!), uri[2]!, uri[3]!);
  const url = APP_POST_URL.exec(t);
  return url ? recordRef(safeDecode(url[1]!), COLLECTIONS[0], url[2]!) : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function formatBskyUri(ref: BskyRecordRef): string {
  return `at://${ref.actor}/${ref.collection}/${ref.rkey}`;
}

const SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

/** A TID record key (the protocol's timestamp identifier) for a time: microseconds since 1970, clock id 0. */
export function tidAt(time: Date): string {
  let value = (BigInt(time.getTime()) * 1000n) << 10n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = SORTABLE[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

/**
 * The object a version came from: the post view (or quoted record view) with
 * the version's AT URI and CID, rather than a reference to it (a reply's
 * parent, a quote's strong ref); a repost's version is its feed reason.
 */
function findRawVersion(payload: unknown, versionId: string): Record<string, unknown> | null {
  const hash = versionId.lastIndexOf('#');
  const uri = hash < 0 ? versionId : versionId.slice(0, hash);
  const cid = hash < 0 ? undefined : versionId.slice(hash + 1);
  return findObject(
    payload,
    (o) => o.uri === uri && (cid === undefined || o.cid === cid),
    (o) => 'record' in o || 'value' in o || 'by' in o,
  );
}

export const bskyPlatform = {
  name: NAME,
  label: 'Bluesky',
  exampleHandle: 'agency.bsky.social',
  examplePostId: 'at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/3lcvxyz2abc2k',
  parseHandle(text: string): string {
    const actor = parseBskyActor(text);
    if (!actor) throw new InvalidInput(`"${text}" is not a Bluesky handle (a domain name) or DID`);
    return actor;
  },
  parsePostId(text: string): string {
    const ref = parseBskyRecordRef(text);
    if (!ref) {
      throw new InvalidInput(
        `"${text}" is not a Bluesky post: its AT URI (at://<did>/app.bsky.feed.post/<rkey>) or https://bsky.app/profile/<handle>/post/<rkey>`,
      );
    }
    return formatBskyUri(ref);
  },
  postUrl(handle: string | null | undefined, id: string): string {
    const ref = parseBskyRecordRef(id);
    if (!ref) return handle ? `https://bsky.app/profile/${handle}` : id;
    // A repost has no page of its own: its account's is the nearest.
    const profile = `https://bsky.app/profile/${ref.actor}`;
    return ref.collection === 'app.bsky.feed.post' ? `${profile}/post/${ref.rkey}` : profile;
  },
  editsHaveOwnIds: false,
  importFormats: [],
  samplePostId: (time: Date) => `at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/${tidAt(time)}`,
  postIdHandle(id: string) {
    const ref = parseBskyRecordRef(id);
    if (!ref || DID.test(ref.actor)) return undefined;
    return { handle: ref.actor, withUserId: (did: string) => formatBskyUri({ ...ref, actor: did }) };
  },
  findRawVersion,
} as const satisfies PlatformDescriptor<'bsky'>;
