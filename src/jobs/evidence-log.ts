// The evidence log's operations: signing a checkpoint of the current tree, and
// serving inclusion and consistency proofs. Leaf hashes are read once and kept
// (the log is append-only); `verify` reads everything afresh instead.
import { InvalidInput, NotFound } from '../core/errors.js';
import { consistencyProof, inclusionProof, rootHash, type Hash } from '../core/merkle.js';
import { formatCheckpoint, formatVerifierKey, signNote, type SignerKey } from '../core/signed-note.js';
import { createLogRepository, type CheckpointRecord, type LogRepository } from '../adapters/db/log-repository.js';
import type { Prisma } from '../adapters/db/database.js';

export interface LogTree {
  readonly repo: LogRepository;
  /** The first `size` leaf hashes. */
  hashes(size: number): Promise<Hash[]>;
}

export function createLogTree(db: Prisma): LogTree {
  const repo = createLogRepository(db);
  let cached: Hash[] = [];
  return {
    repo,
    async hashes(size) {
      if (cached.length < size) {
        const more = await repo.leaves(cached.length, size);
        if (more.length !== size - cached.length) throw new NotFound(`the log has fewer than ${size} leaves`);
        cached = [...cached, ...more.map((l) => l.hash)];
      }
      return cached.slice(0, size);
    },
  };
}

export interface CheckpointOutcome {
  checkpoint: CheckpointRecord;
  /** False when the latest checkpoint already covers the whole log with this key. */
  created: boolean;
}

/**
 * Signs a checkpoint of the whole log. Refuses to sign a tree that does not
 * extend the latest stored checkpoint (the stored leaves were changed).
 */
export async function signCheckpoint(tree: LogTree, signer: SignerKey, origin: string): Promise<CheckpointOutcome> {
  const size = await tree.repo.size();
  const latest = await tree.repo.latestCheckpoint();
  const verifierKey = formatVerifierKey(signer);
  if (latest && latest.size === size && latest.verifierKey === verifierKey)
    return { checkpoint: latest, created: false };
  const hashes = await tree.hashes(size);
  if (latest && latest.size <= size && !rootHash(hashes, latest.size).equals(latest.rootHash)) {
    throw new InvalidInput(
      `the log's first ${latest.size} leaves no longer match checkpoint ${latest.id}: run \`onrecord verify\``,
    );
  }
  const root = rootHash(hashes, size);
  const note = signNote(formatCheckpoint({ origin, size, rootHash: root }), [signer]);
  const checkpoint = await tree.repo.saveCheckpoint({ size, rootHash: root, note, verifierKey });
  return { checkpoint, created: true };
}

export interface InclusionAnswer {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

export async function proveInclusion(tree: LogTree, leafIndex: number, treeSize: number): Promise<InclusionAnswer> {
  await checkSize(tree, treeSize);
  if (!(Number.isInteger(leafIndex) && leafIndex >= 0 && leafIndex < treeSize)) {
    throw new InvalidInput(`leaf must be in 0..${treeSize - 1}`);
  }
  const hashes = await tree.hashes(treeSize);
  return {
    leafIndex,
    treeSize,
    leafHash: b64(hashes[leafIndex]!),
    rootHash: b64(rootHash(hashes, treeSize)),
    proof: inclusionProof(hashes, leafIndex, treeSize).map(b64),
  };
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}

export async function proveConsistency(tree: LogTree, from: number, to: number): Promise<ConsistencyAnswer> {
  await checkSize(tree, to);
  if (!(Number.isInteger(from) && from >= 1 && from <= to)) throw new InvalidInput(`from must be in 1..${to}`);
  const hashes = await tree.hashes(to);
  return {
    from,
    to,
    fromRoot: b64(rootHash(hashes, from)),
    toRoot: b64(rootHash(hashes, to)),
    proof: consistencyProof(hashes, from, to).map(b64),
  };
}

async function checkSize(tree: LogTree, size: number): Promise<void> {
  const current = await tree.repo.size();
  if (!(Number.isInteger(size) && size >= 1 && size <= current)) {
    throw new InvalidInput(`size must be in 1..${current} (the log's size)`);
  }
}

const b64 = (h: Hash) => h.toString('base64');
