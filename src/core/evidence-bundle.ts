// An evidence bundle: a zip that proves, without the archive, what was
// captured of one post. Its members:
//   manifest.json    every other member's path and sha256; for each logged
//                    item its leaf (index and data) and inclusion proof
//   manifest.sig     a signed note over the manifest's sha256 (so versions and
//                    the report, which are not leaves, are covered too)
//   checkpoint.txt   the signed checkpoint every proof leads to
//   key.vkey         the log's verifier key (compare it with the published one)
//   captures/, snapshots/, observations/, versions/, media/, report.html
// verifyBundle checks all of it from the bytes alone: any changed, added or
// removed byte fails.
import { createHash } from 'node:crypto';
import { leafHash, verifyInclusion } from './merkle.js';
import { openCheckpoint, openNote, parseVerifierKey, type Checkpoint } from './signed-note.js';

export const BUNDLE_FORMAT = 'onrecord-evidence/1';
export const CORE_MEMBERS = ['manifest.json', 'manifest.sig', 'checkpoint.txt', 'key.vkey'] as const;
const MANIFEST_NOTE_TITLE = 'onrecord evidence manifest';

export interface BundleLeaf {
  index: number;
  /** The leaf's data exactly as logged (its hash is SHA-256(0x00 || data)). */
  data: string;
  /** Inclusion proof against the bundle's checkpoint, base64 hashes. */
  proof: string[];
}

export interface BundleItem {
  path: string;
  /** capture | article_snapshot | observation | media | version | report */
  kind: string;
  sha256: string;
  /** Present for logged items: captures, snapshots, observations, media. */
  leaf?: BundleLeaf;
  /** What the item is, in a few words (shown by the report). */
  title: string;
  at: string | null;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  post: { platform: string; platformId: string; account: string | null; url: string; text: string; createdAt: string };
  checkpoint: { origin: string; size: number; rootHash: string };
  verifierKey: string;
  items: BundleItem[];
}

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The text of manifest.sig's note: what the signature vouches for. */
export function manifestNoteText(manifestBytes: Uint8Array): string {
  return `${MANIFEST_NOTE_TITLE}\nsha256 ${sha256Of(manifestBytes)}\n`;
}

export interface BundleCheck {
  ok: boolean;
  problems: string[];
  manifest: BundleManifest | null;
  checkpoint: Checkpoint | null;
  verifierKey: string | null;
  /** Logged items whose inclusion proof verified. */
  proven: number;
}

/** Checks a bundle's members (path → bytes) with nothing else. */
export function verifyBundle(files: Map<string, Uint8Array>): BundleCheck {
  const result: BundleCheck = {
    ok: false,
    problems: [],
    manifest: null,
    checkpoint: null,
    verifierKey: null,
    proven: 0,
  };
  const problems = result.problems;
  const text = (path: string) => (files.has(path) ? Buffer.from(files.get(path)!).toString('utf8') : null);
  for (const path of CORE_MEMBERS) if (!files.has(path)) problems.push(`${path} is missing`);
  if (problems.length) return result;
  try {
    const key = parseVerifierKey(text('key.vkey')!);
    result.verifierKey = text('key.vkey')!.trim();
    result.checkpoint = openCheckpoint(text('checkpoint.txt')!, key);
    if (openNote(text('manifest.sig')!, key) !== manifestNoteText(files.get('manifest.json')!)) {
      problems.push('manifest.sig does not vouch for this manifest.json');
      return result;
    }
    result.manifest = JSON.parse(text('manifest.json')!) as BundleManifest;
  } catch (err) {
    problems.push((err as Error).message);
    return result;
  }
  checkManifest(result.manifest, result.checkpoint, files, result);
  result.ok = problems.length === 0;
  return result;
}

function checkManifest(
  manifest: BundleManifest,
  checkpoint: Checkpoint,
  files: Map<string, Uint8Array>,
  result: BundleCheck,
) {
  const problems = result.problems;
  const c = manifest.checkpoint;
  if (
    c.origin !== checkpoint.origin ||
    c.size !== checkpoint.size ||
    c.rootHash !== checkpoint.rootHash.toString('base64')
  ) {
    problems.push('the manifest names another checkpoint than checkpoint.txt');
  }
  const listed = new Set<string>(CORE_MEMBERS);
  for (const item of manifest.items) {
    listed.add(item.path);
    const bytes = files.get(item.path);
    if (!bytes) {
      problems.push(`${item.path} is missing`);
      continue;
    }
    if (sha256Of(bytes) !== item.sha256) problems.push(`${item.path} was changed (sha256 differs from the manifest)`);
    if (item.leaf) checkLeaf(item, bytes, checkpoint, result);
  }
  for (const path of files.keys()) if (!listed.has(path)) problems.push(`${path} is not in the manifest`);
}

/** The item's bytes must be what its leaf describes, and the leaf must be in the checkpoint's tree. */
function checkLeaf(item: BundleItem, bytes: Uint8Array, checkpoint: Checkpoint, result: BundleCheck) {
  const leaf = item.leaf!;
  let data: { sha256?: string; kind?: string };
  try {
    data = JSON.parse(leaf.data) as typeof data;
  } catch {
    result.problems.push(`${item.path}: its leaf data is not JSON`);
    return;
  }
  // An observation's member is its leaf data itself; other members are the blob the leaf's sha256 names.
  const matches =
    item.kind === 'observation' ? Buffer.from(bytes).toString('utf8') === leaf.data : data.sha256 === sha256Of(bytes);
  if (!matches || data.kind !== item.kind)
    result.problems.push(`${item.path} is not what its log leaf ${leaf.index} describes`);
  const proof = leaf.proof.map((p) => Buffer.from(p, 'base64'));
  if (!verifyInclusion(leaf.index, checkpoint.size, leafHash(leaf.data), proof, checkpoint.rootHash)) {
    result.problems.push(`${item.path}: leaf ${leaf.index} is not in the signed tree of size ${checkpoint.size}`);
    return;
  }
  result.proven++;
}
