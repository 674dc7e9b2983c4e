// `verify`: recomputes every leaf of the evidence log from the rows and blobs
// it covers, rebuilds the tree, and checks every stored checkpoint (its
// signature, and its root against the tree of its size). Since every
// checkpoint's root is recomputed from one sequence of leaves, matching roots
// also prove that the checkpoints are consistent with each other. Leaves are
// read in index order, in batches, holding only the tree's frontier.
import { leafData, LEAF_KINDS, type LeafKind, type LeafRow } from '../core/log-leaf.js';
import { createTreeBuilder, leafHash, type Hash } from '../core/merkle.js';
import { formatVerifierKey, openCheckpoint, parseVerifierKey, type VerifierKey } from '../core/signed-note.js';
import {
  createLogRepository,
  type CheckpointRecord,
  type LeafRecord,
  type LogRepository,
} from '../adapters/db/log-repository.js';
import type { Prisma } from '../adapters/db/database.js';

export const VERIFY_BATCH = 20_000;

export type VerifyProblemCode =
  | 'leaf_missing'
  | 'leaf_hash'
  | 'leaf_extra'
  | 'row_missing'
  | 'row_changed'
  | 'row_unlogged'
  | 'blob_changed'
  | 'blob_missing'
  | 'checkpoint_signature'
  | 'checkpoint_mismatch'
  | 'checkpoint_ahead';

export interface VerifyProblem {
  code: VerifyProblemCode;
  message: string;
  leafIndex?: number;
  kind?: string;
  id?: number;
  checkpoint?: number;
}

export interface VerifyReport {
  ok: boolean;
  leaves: number;
  checkpoints: number;
  /** Verifier keys that signed the stored checkpoints, oldest first. */
  keys: string[];
  /** Whether the latest checkpoint is signed by the current key (null when no key was given or there is none). */
  latestSignedByCurrentKey: boolean | null;
  problems: VerifyProblem[];
}

/** Checks the blob of a media leaf; returns a problem or null. Supplied by the media store. */
export type BlobCheck = (leaf: LeafRecord, data: Record<string, unknown>) => Promise<VerifyProblem | null>;

export interface VerifyOptions {
  batchSize?: number;
  currentKey?: VerifierKey;
  checkBlob?: BlobCheck;
}

export async function verifyArchive(db: Prisma, options: VerifyOptions = {}): Promise<VerifyReport> {
  const repo = createLogRepository(db);
  const size = await repo.size();
  const checkpoints = await repo.checkpoints();
  const problems: VerifyProblem[] = [];
  const wanted = new Set(checkpoints.map((c) => c.size).filter((s) => s <= size));
  const roots = new Map<number, Hash>();
  const tree = createTreeBuilder();
  const batch = options.batchSize ?? VERIFY_BATCH;
  // The next batch is read while this one is checked: PostgreSQL hashes
  // bodies on its own core while Node hashes leaves on the other.
  const load = (from: number) => {
    const loading = loadBatch(repo, from, Math.min(size, from + batch));
    loading.catch(() => undefined);
    return loading;
  };
  let next = size > 0 ? load(0) : null;
  for (let from = 0; from < size; from += batch) {
    const current = await next!;
    next = from + batch < size ? load(from + batch) : null;
    problems.push(...(await checkBatch(current, options)));
    let expected = from;
    for (const leaf of current.leaves) {
      for (; expected < leaf.index; expected++) problems.push(missingLeaf(expected));
      tree.append(leaf.hash);
      expected++;
      if (wanted.has(tree.size)) roots.set(tree.size, tree.root());
    }
    for (; expected < Math.min(size, from + batch); expected++) problems.push(missingLeaf(expected));
  }
  if (wanted.has(0)) roots.set(0, tree.root());
  const extra = await repo.leaves(size, 2 ** 31 - 1);
  for (const leaf of extra) {
    problems.push({
      code: 'leaf_extra',
      leafIndex: leaf.index,
      message: `leaf ${leaf.index} lies beyond the log's size ${size}`,
    });
  }
  problems.push(...checkCheckpoints(checkpoints, roots, size));
  for (const row of await repo.unloggedRows()) {
    problems.push({
      code: 'row_unlogged',
      kind: row.kind,
      id: row.id,
      message: `${describe(row.kind, row.id)} has no leaf in the log`,
    });
  }
  const keys = [...new Set(checkpoints.map((c) => c.verifierKey))];
  const latest = checkpoints.at(-1);
  const latestSignedByCurrentKey =
    options.currentKey && latest ? latest.verifierKey === formatVerifierKey(options.currentKey) : null;
  return {
    ok: problems.length === 0,
    leaves: size,
    checkpoints: checkpoints.length,
    keys,
    latestSignedByCurrentKey,
    problems,
  };
}

function missingLeaf(index: number): VerifyProblem {
  return { code: 'leaf_missing', leafIndex: index, message: `leaf ${index} is missing` };
}

function describe(kind: string, id: number): string {
  const names: Record<string, string> = {
    capture: 'capture',
    article_snapshot: 'article snapshot',
    observation: 'status observation',
    media: 'media file',
  };
  return `${names[kind] ?? kind} ${id}`;
}

interface Batch {
  leaves: LeafRecord[];
  rows: Map<LeafKind, Map<number, LeafRow>>;
}

async function loadBatch(repo: LogRepository, from: number, to: number): Promise<Batch> {
  const leaves = await repo.leaves(from, to);
  const ids = new Map<LeafKind, number[]>();
  for (const leaf of leaves) {
    if (!isLeafKind(leaf.kind)) continue;
    const list = ids.get(leaf.kind) ?? [];
    if (list.length === 0) ids.set(leaf.kind, list);
    list.push(leaf.refId);
  }
  const kinds = [...ids.keys()];
  const loaded = await Promise.all(kinds.map((kind) => repo.coveredRows(kind, ids.get(kind)!)));
  return { leaves, rows: new Map(kinds.map((kind, i) => [kind, loaded[i]!])) };
}

function isLeafKind(kind: string): kind is LeafKind {
  return (LEAF_KINDS as readonly string[]).includes(kind);
}

async function checkBatch(batch: Batch, options: VerifyOptions): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const media: LeafRecord[] = [];
  for (const leaf of batch.leaves) {
    if (!leafHash(leaf.data).equals(leaf.hash)) {
      problems.push({
        code: 'leaf_hash',
        leafIndex: leaf.index,
        message: `leaf ${leaf.index}: its hash does not match its data`,
      });
    }
    if (!isLeafKind(leaf.kind)) {
      problems.push({
        code: 'leaf_hash',
        leafIndex: leaf.index,
        message: `leaf ${leaf.index}: unknown kind ${leaf.kind}`,
      });
    } else {
      problems.push(...compareRow(leaf, leaf.kind, batch.rows.get(leaf.kind)?.get(leaf.refId)));
      if (leaf.kind === 'media') media.push(leaf);
    }
  }
  problems.push(...(await checkMediaLeaves(media, options)));
  return problems.sort((a, b) => (a.leafIndex ?? 0) - (b.leafIndex ?? 0));
}

function compareRow(
  leaf: LeafRecord,
  kind: LeafKind,
  row: Parameters<typeof leafData>[0] | undefined,
): VerifyProblem[] {
  const where = { leafIndex: leaf.index, kind, id: leaf.refId };
  if (!row)
    return [
      { code: 'row_missing', ...where, message: `${describe(kind, leaf.refId)} (leaf ${leaf.index}) is missing` },
    ];
  const data = leafData(row);
  if (data === leaf.data) return [];
  return [
    {
      code: 'row_changed',
      ...where,
      message: `${describe(kind, leaf.refId)} (leaf ${leaf.index}) changed: ${changedFields(leaf.data, data).join(', ')}`,
    },
  ];
}

function changedFields(logged: string, now: string): string[] {
  let before: Record<string, unknown> = {};
  try {
    before = JSON.parse(logged) as Record<string, unknown>;
  } catch {
    return ['the logged data is not JSON'];
  }
  const after = JSON.parse(now) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => (k === 'sha256' ? 'its content (sha256)' : k));
}

/** Blobs re-hashed a few at a time (reading them is I/O: a bucket answers slower than a disk). */
const BLOB_CONCURRENCY = 4;

async function checkMediaLeaves(leaves: LeafRecord[], options: VerifyOptions): Promise<VerifyProblem[]> {
  const check = options.checkBlob;
  if (!check) return [];
  const problems: VerifyProblem[] = [];
  const queue = [...leaves];
  const worker = async () => {
    for (let leaf = queue.shift(); leaf; leaf = queue.shift()) {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(leaf.data) as Record<string, unknown>;
      } catch {
        continue; // its hash check names it
      }
      const problem = await check(leaf, data);
      if (problem) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: BLOB_CONCURRENCY }, worker));
  return problems;
}

function checkCheckpoints(checkpoints: CheckpointRecord[], roots: Map<number, Hash>, size: number): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  let lastGood = 0;
  for (const c of checkpoints) {
    const where = { checkpoint: c.id };
    try {
      const opened = openCheckpoint(c.note, parseVerifierKey(c.verifierKey));
      if (opened.size !== c.size || !opened.rootHash.equals(c.rootHash)) throw new Error('differs from its columns');
    } catch (err) {
      problems.push({
        code: 'checkpoint_signature',
        ...where,
        message: `checkpoint ${c.id} (size ${c.size}): ${(err as Error).message}`,
      });
      continue;
    }
    if (c.size > size) {
      problems.push({
        code: 'checkpoint_ahead',
        ...where,
        message: `checkpoint ${c.id} covers ${c.size} leaves but the log has ${size}: leaves were removed`,
      });
      continue;
    }
    if (!roots.get(c.size)?.equals(c.rootHash)) {
      problems.push({
        code: 'checkpoint_mismatch',
        ...where,
        message: `checkpoint ${c.id} (size ${c.size}) does not match the stored tree: leaves ${lastGood}..${c.size - 1} were changed, removed or reordered`,
      });
      continue;
    }
    lastGood = c.size;
  }
  return problems;
}
