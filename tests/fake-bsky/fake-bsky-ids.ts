// The identifiers of the AT Protocol, made the way the network makes them:
// did:plc DIDs (24 base32 characters), record keys as TIDs (13 characters of
// base32-sortable: microseconds since the epoch and a clock id), and CIDs
// (CIDv1, sha2-256) over a record's DAG-CBOR bytes, or over a blob's bytes
// for images and video. @atproto/api checks every `cid` it receives.
import { createHash } from 'node:crypto';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';

const SHA2_256 = 0x12;
const DAG_CBOR = 0x71;
const RAW = 0x55;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

function sha256(bytes: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

/** A stable did:plc for a seed (an invented account's first handle). */
export function didFor(seed: string): string {
  return `did:plc:${base32(sha256(`did:plc:${seed}`)).slice(0, 24)}`;
}

/** A TID record key for a time (ms) and a clock id (0..1023). */
export function tidAt(ms: number, clockId = 0): string {
  let value = (BigInt(Math.round(ms)) * 1000n) << 10n;
  value |= BigInt(clockId & 1023);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = SORTABLE[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** JSON as the lexicons write it (`{"$link": cid}` for links) turned into IPLD data for DAG-CBOR. */
function toIpld(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toIpld);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && typeof object.$link === 'string') return CID.parse(object.$link);
    return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, toIpld(object[k])]));
  }
  return value;
}

/** The CID of a record: CIDv1, dag-cbor, sha2-256 (`bafyrei…`). */
export function recordCid(record: Record<string, unknown>): string {
  const bytes = dagCbor.encode(toIpld(record));
  return CID.createV1(DAG_CBOR, Digest.create(SHA2_256, sha256(bytes))).toString();
}

/** The CID of a blob's bytes: CIDv1, raw, sha2-256 (`bafkrei…`). */
export function blobCid(seed: string): string {
  return CID.createV1(RAW, Digest.create(SHA2_256, sha256(seed))).toString();
}
