// Signed notes and checkpoints as specified by C2SP (c2sp.org/signed-note,
// c2sp.org/tlog-checkpoint), with Ed25519 keys:
//   key hash  = first 4 bytes of SHA-256(name || "\n" || 0x01 || public key)
//   vkey      = name+<8 hex of key hash>+base64(0x01 || public key)
//   skey      = PRIVATE+KEY+name+<8 hex>+base64(0x01 || 32-byte seed)
//   note      = text ending in "\n", a blank line, then one line per signature:
//               "— <name> base64(key hash || signature)"
//   checkpoint text = origin, tree size (decimal), base64 root hash, each on its line.
// Signing and verifying are pure functions of their inputs (no key files here).
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { InvalidInput } from './errors.js';

const ED25519 = 0x01;
const EM_DASH = '\u2014';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface VerifierKey {
  name: string;
  keyHash: Buffer;
  publicKey: Buffer;
}

export interface SignerKey extends VerifierKey {
  seed: Buffer;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export interface NoteSignature {
  name: string;
  keyHash: Buffer;
  signature: Buffer;
}

function checkName(name: string): void {
  if (!name || /[\s+]/u.test(name)) throw new InvalidInput(`a key name has no spaces and no "+": ${name}`);
}

export function keyHash(name: string, publicKey: Buffer): Buffer {
  const digest = createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ED25519]))
    .update(publicKey)
    .digest();
  return digest.subarray(0, 4);
}

/** The signer key for a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Buffer): SignerKey {
  checkName(name);
  if (seed.length !== 32) throw new InvalidInput('an Ed25519 seed is 32 bytes');
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  const publicKey = spki.subarray(SPKI_ED25519_PREFIX.length);
  return { name, seed, publicKey, keyHash: keyHash(name, publicKey) };
}

function privateKeyObject(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(publicKey: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

export function formatVerifierKey(key: VerifierKey): string {
  const encoded = Buffer.concat([Buffer.from([ED25519]), key.publicKey]).toString('base64');
  return `${key.name}+${key.keyHash.toString('hex')}+${encoded}`;
}

export function formatSignerKey(key: SignerKey): string {
  const encoded = Buffer.concat([Buffer.from([ED25519]), key.seed]).toString('base64');
  return `PRIVATE+KEY+${key.name}+${key.keyHash.toString('hex')}+${encoded}`;
}

/** name+hash+base64 (the base64 part may itself contain "+"). */
function splitKey(text: string): [string, string, Buffer] {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  const raw = Buffer.from(match?.[3] ?? '', 'base64');
  if (!match || raw.length !== 33 || raw[0] !== ED25519)
    throw new InvalidInput('not an Ed25519 key in the signed-note format');
  return [match[1]!, match[2]!, raw.subarray(1)];
}

export function parseVerifierKey(text: string): VerifierKey {
  const [name, hash, publicKey] = splitKey(text);
  checkName(name);
  const key = { name, publicKey, keyHash: keyHash(name, publicKey) };
  if (key.keyHash.toString('hex') !== hash) throw new InvalidInput('the key hash does not match the key');
  return key;
}

export function parseSignerKey(text: string): SignerKey {
  if (!text.trim().startsWith('PRIVATE+KEY+')) throw new InvalidInput('not a private key (PRIVATE+KEY+...)');
  const [name, hash, seed] = splitKey(text.trim().slice('PRIVATE+KEY+'.length));
  const key = signerFromSeed(name, seed);
  if (key.keyHash.toString('hex') !== hash) throw new InvalidInput('the key hash does not match the key');
  return key;
}

export function formatCheckpoint(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.rootHash.toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const [origin, size, root] = text.split('\n');
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (!origin || !/^(0|[1-9]\d*)$/.test(size ?? '') || rootHash.length !== 32 || rootHash.toString('base64') !== root) {
    throw new InvalidInput('not a checkpoint (origin, size, base64 root hash)');
  }
  return { origin, size: Number(size), rootHash };
}

/** Signs a note's text (which must end in a newline) and returns the whole note. */
export function signNote(text: string, keys: SignerKey[]): string {
  if (!text.endsWith('\n')) throw new InvalidInput('a note text ends with a newline');
  const lines = keys.map((key) => {
    const signature = sign(null, Buffer.from(text, 'utf8'), privateKeyObject(key.seed));
    return `${EM_DASH} ${key.name} ${Buffer.concat([key.keyHash, signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a note into its text and its signature lines (unverified). */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new InvalidInput('not a signed note');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`, 'u').exec(line);
      const raw = Buffer.from(match?.[2] ?? '', 'base64');
      if (!match || raw.length !== 68) throw new InvalidInput(`not a signature line: ${line}`);
      return { name: match[1]!, keyHash: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  return { text, signatures };
}

/** The note's text when one of its signatures is a valid one by `key`; otherwise an error. */
export function openNote(note: string, key: VerifierKey): string {
  const { text, signatures } = parseNote(note);
  const mine = signatures.filter((s) => s.name === key.name && s.keyHash.equals(key.keyHash));
  if (mine.length === 0) throw new InvalidInput(`the note has no signature by ${key.name}`);
  const ok = mine.some((s) => verify(null, Buffer.from(text, 'utf8'), publicKeyObject(key.publicKey), s.signature));
  if (!ok) throw new InvalidInput(`the signature by ${key.name} does not verify`);
  return text;
}

/** Opens a signed checkpoint: its signature by `key` must verify. */
export function openCheckpoint(note: string, key: VerifierKey): Checkpoint {
  return parseCheckpoint(openNote(note, key));
}
