// The Merkle tree of the evidence log, as defined by RFC 6962 / RFC 9162
// section 2.1: leaf hash = SHA-256(0x00 || data), node hash =
// SHA-256(0x01 || left || right), a tree of n leaves splits at the largest
// power of two smaller than n. Roots, inclusion proofs and consistency proofs
// are computed from the list of leaf hashes; their verification follows the
// RFC 9162 algorithms (2.1.3.2 and 2.1.4.2) step by step, so that a verifier
// never needs the leaves themselves.
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function leafHash(data: Uint8Array | string): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The hash of an empty tree: SHA-256 of the empty string. */
export function emptyRoot(): Hash {
  return createHash('sha256').digest();
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A tree built leaf by leaf, keeping only its perfect subtrees (at most
 * log2(n) hashes): root() folds them from the right, which gives the RFC's
 * recursive MTH without recursion and without holding every leaf.
 */
export interface TreeBuilder {
  readonly size: number;
  append(leaf: Hash): void;
  root(): Hash;
}

export function createTreeBuilder(): TreeBuilder {
  const stack: { hash: Hash; size: number }[] = [];
  let size = 0;
  return {
    get size() {
      return size;
    },
    append(leaf) {
      let node = { hash: leaf, size: 1 };
      while (stack.length && stack.at(-1)!.size === node.size) {
        const left = stack.pop()!;
        node = { hash: nodeHash(left.hash, node.hash), size: node.size * 2 };
      }
      stack.push(node);
      size++;
    },
    root() {
      if (stack.length === 0) return emptyRoot();
      let hash = stack.at(-1)!.hash;
      for (let i = stack.length - 2; i >= 0; i--) hash = nodeHash(stack[i]!.hash, hash);
      return hash;
    },
  };
}

/** MTH(leaves[start, end)). */
export function subtreeRoot(leaves: readonly Hash[], start = 0, end = leaves.length): Hash {
  const tree = createTreeBuilder();
  for (let i = start; i < end; i++) tree.append(leaves[i]!);
  return tree.root();
}

export function rootHash(leaves: readonly Hash[], size = leaves.length): Hash {
  return subtreeRoot(leaves, 0, size);
}

/** PATH(m, D[0:size]): the audit path of leaf m in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  if (!(index >= 0 && index < size && size <= leaves.length)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const proof: Hash[] = [];
  let [start, end, m] = [0, size, index];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      proof.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeRoot(leaves, start, start + k));
      start += k;
      m -= k;
    }
  }
  return proof.reverse();
}

/** PROOF(m, D[0:n]): shows that the tree of the first m leaves is a prefix of the tree of n. */
export function consistencyProof(leaves: readonly Hash[], m: number, n = leaves.length): Hash[] {
  if (!(m >= 0 && m <= n && n <= leaves.length)) throw new RangeError(`no consistency from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const proof: Hash[] = [];
  let [start, end, sub, complete] = [0, n, m, true];
  while (sub !== end - start) {
    const k = splitPoint(end - start);
    if (sub <= k) {
      proof.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeRoot(leaves, start, start + k));
      start += k;
      sub -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeRoot(leaves, start, end));
  return proof.reverse();
}

/** RFC 9162 2.1.3.2: the root that an inclusion proof yields, or null when the proof cannot fit. */
export function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Hash | null {
  if (!(index >= 0 && index < size)) return null;
  let [fn, sn] = [index, size - 1];
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
      }
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== null && computed.equals(root);
}

/** RFC 9162 2.1.4.2: whether the tree (size1, root1) is a prefix of (size2, root2). */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Hash,
  root2: Hash,
  proof: readonly Hash[],
): boolean {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let [fn, sn] = [size1 - 1, size2 - 1];
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
      }
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
