// One message of Bluesky's Jetstream, read: a commit to a post record
// (create, update, delete), an identity event (the account's handle) or an
// account event (active or not, and why). Each carries `did` and `time_us`,
// the event cursor (microseconds) a reconnect resumes from. A commit carries
// the record as its author wrote it, without the AppView's view: the post is
// normalized from the record, named by the account's known handle, with the
// media addresses the AppView would show (its CDN's documented paths). Pure:
// the adapter keeps the raw message as a capture; this says what it means.
import { normalizePostView, INVALID_HANDLE, type BskyNormalizedPost } from './bsky-normalize.js';
import { DID, POST_TYPE } from './bsky-payload.js';
import type { NormalizeProblem } from './post-model.js';

export type JetstreamMessage =
  | {
      kind: 'post';
      did: string;
      timeUs: string;
      operation: 'create' | 'update';
      post?: BskyNormalizedPost;
      problems: NormalizeProblem[];
    }
  | { kind: 'delete'; did: string; timeUs: string; uri: string }
  | { kind: 'identity'; did: string; timeUs: string; handle: string | null }
  | { kind: 'account'; did: string; timeUs: string; isActive: boolean; status: string | null }
  /** A kind or collection onrecord does not keep (the cursor still moves past it). */
  | { kind: 'other'; timeUs: string; what: string }
  /** Not a message Jetstream documents: kept raw and reported. */
  | { kind: 'bad'; message: string; timeUs?: string };

type Json = Record<string, unknown>;

/** The image and video hosts the AppView's views point at. */
export const BSKY_CDN = 'https://cdn.bsky.app';
export const BSKY_VIDEO = 'https://video.bsky.app';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const RKEY = /^[A-Za-z0-9._:~-]{1,512}$/;

/** Reads one message; `handleOf` gives the account's known handle by DID. */
export function readJetstreamMessage(raw: string, handleOf: (did: string) => string | undefined): JetstreamMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { kind: 'bad', message: `not JSON (${(err as Error).message})` };
  }
  if (!isObject(parsed)) return { kind: 'bad', message: 'not a JSON object' };
  const timeUs = typeof parsed.time_us === 'number' && Number.isSafeInteger(parsed.time_us) ? parsed.time_us : null;
  const did = text(parsed.did);
  if (timeUs === null || timeUs < 0) return { kind: 'bad', message: 'no time_us (a whole number of microseconds)' };
  const at = String(timeUs);
  if (!did || !DID.test(did)) return { kind: 'bad', message: 'no valid did', timeUs: at };
  switch (parsed.kind) {
    case 'commit':
      return readCommit(parsed.commit, did, at, handleOf(did));
    case 'identity':
      return readIdentity(parsed.identity, did, at);
    case 'account':
      return readAccount(parsed.account, did, at);
    default:
      return { kind: 'other', timeUs: at, what: `kind ${String(parsed.kind)}` };
  }
}

function readCommit(commit: unknown, did: string, timeUs: string, handle: string | undefined): JetstreamMessage {
  if (!isObject(commit)) return { kind: 'bad', message: 'a commit without its commit object', timeUs };
  const { operation, collection, rkey } = commit;
  if (collection !== POST_TYPE) return { kind: 'other', timeUs, what: `collection ${String(collection)}` };
  if (typeof rkey !== 'string' || !RKEY.test(rkey)) return { kind: 'bad', message: 'a commit without rkey', timeUs };
  const uri = `at://${did}/${POST_TYPE}/${rkey}`;
  if (operation === 'delete') return { kind: 'delete', did, timeUs, uri };
  if (operation !== 'create' && operation !== 'update') {
    return { kind: 'bad', message: `unknown commit operation ${String(operation)}`, timeUs };
  }
  const problems: NormalizeProblem[] = [];
  const view = {
    uri,
    cid: commit.cid,
    author: { did, handle: handle ?? INVALID_HANDLE },
    record: commit.record,
    ...(isObject(commit.record) && commit.record.embed !== undefined
      ? { embed: embedView(did, commit.record.embed) }
      : {}),
    indexedAt: new Date(Number(timeUs) / 1000).toISOString(),
  };
  const post = normalizePostView(view, 'data', problems);
  return { kind: 'post', did, timeUs, operation, ...(post ? { post } : {}), problems };
}

function readIdentity(identity: unknown, did: string, timeUs: string): JetstreamMessage {
  if (!isObject(identity)) return { kind: 'bad', message: 'an identity event without its identity object', timeUs };
  const handle = text(identity.handle);
  return { kind: 'identity', did, timeUs, handle: handle ? handle.toLowerCase() : null };
}

function readAccount(account: unknown, did: string, timeUs: string): JetstreamMessage {
  if (!isObject(account) || typeof account.active !== 'boolean') {
    return { kind: 'bad', message: 'an account event without account.active', timeUs };
  }
  return { kind: 'account', did, timeUs, isActive: account.active, status: text(account.status) };
}

const blobLink = (blob: unknown) => (isObject(blob) && isObject(blob.ref) ? text(blob.ref.$link) : null);

/** The media part of the view the AppView would show for a record's embed (links and quotes need none). */
function mediaView(did: string, embed: unknown): Json | undefined {
  if (!isObject(embed)) return undefined;
  if (embed.$type === 'app.bsky.embed.images' && Array.isArray(embed.images)) {
    const images = embed.images.filter(isObject).map((img) => {
      const cid = blobLink(img.image) ?? '';
      return {
        thumb: `${BSKY_CDN}/img/feed_thumbnail/plain/${did}/${cid}@jpeg`,
        fullsize: `${BSKY_CDN}/img/feed_fullsize/plain/${did}/${cid}@jpeg`,
        alt: text(img.alt) ?? '',
        ...(img.aspectRatio ? { aspectRatio: img.aspectRatio } : {}),
      };
    });
    return { $type: 'app.bsky.embed.images#view', images };
  }
  if (embed.$type === 'app.bsky.embed.video') {
    const cid = blobLink(embed.video) ?? '';
    const base = `${BSKY_VIDEO}/watch/${encodeURIComponent(did)}/${cid}`;
    return {
      $type: 'app.bsky.embed.video#view',
      cid,
      playlist: `${base}/playlist.m3u8`,
      thumbnail: `${base}/thumbnail.jpg`,
      ...(typeof embed.alt === 'string' ? { alt: embed.alt } : {}),
      ...(embed.aspectRatio ? { aspectRatio: embed.aspectRatio } : {}),
      ...(typeof embed.presentation === 'string' ? { presentation: embed.presentation } : {}),
    };
  }
  return undefined;
}

function embedView(did: string, embed: unknown): Json | undefined {
  if (isObject(embed) && embed.$type === 'app.bsky.embed.recordWithMedia') {
    const media = mediaView(did, embed.media);
    return media ? { $type: 'app.bsky.embed.recordWithMedia#view', media } : undefined;
  }
  return mediaView(did, embed);
}

/** Microseconds of overlap a reconnect replays (writes are idempotent, so a replay is harmless). */
export const RESUME_OVERLAP_US = 5_000_000n;

/** Where a reconnect resumes: the stored cursor minus the overlap; null (live) before the first item. */
export function resumeCursor(stored: string | null | undefined, overlapUs = RESUME_OVERLAP_US): string | null {
  if (!stored || !/^\d{1,19}$/.test(stored)) return null;
  const at = BigInt(stored) - overlapUs;
  return (at > 0n ? at : 0n).toString();
}
