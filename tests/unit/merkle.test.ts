// The evidence log's tree against RFC 6962 / 9162: the Certificate
// Transparency reference leaves and roots, audit paths published with them,
// and a direct transcription of the RFC's recursive definitions (MTH, PATH,
// PROOF) for every tree size up to 40.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/core/merkle.js';

const hex = (h: Hash) => h.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
  .map(unhex)
  .map((d) => leafHash(d));
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

// RFC 9162 2.1.1-2.1.4, transcribed literally (recursive, slow, obviously right).
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Hash[]): Hash {
  if (d.length === 0) return sha();
  if (d.length === 1) return d[0]!;
  return sha(Buffer.from([1]), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Hash[]): Hash[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

describe('merkle tree (RFC 6962 / 9162)', () => {
  it('gives the reference roots for every size 0..8 of the CT test leaves', () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootHash(CT_LEAVES, n)), `size ${n}`).toBe(CT_ROOTS[n]);
  });

  it('gives the audit paths published with the CT test leaves', () => {
    expect(inclusionProof(CT_LEAVES, 0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(inclusionProof(CT_LEAVES, 5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  const leaves = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, (i * 7) & 255])));

  it('agrees with the RFC definitions for roots, paths and consistency proofs at every size', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const d = leaves.slice(0, n);
      expect(hex(rootHash(leaves, n))).toBe(hex(mth(d)));
      for (let m = 0; m < n; m++) expect(inclusionProof(leaves, m, n).map(hex)).toEqual(path(m, d).map(hex));
      for (let m = 1; m < n; m++)
        expect(consistencyProof(leaves, m, n).map(hex)).toEqual(subproof(m, d, true).map(hex));
    }
  });

  it('verifies every inclusion proof and refuses a wrong leaf, index, size or path', () => {
    for (let n = 1; n <= 20; n++) {
      const root = rootHash(leaves, n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(leaves, m, n);
        expect(verifyInclusion(m, n, leaves[m]!, proof, root)).toBe(true);
        expect(verifyInclusion(m, n, leaves[(m + 1) % 40]!, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, leaves[m]!, proof, root)).toBe(false);
        // A size is only ever checked together with its (signed) root.
        expect(verifyInclusion(m, n + 1, leaves[m]!, proof, rootHash(leaves, n + 1))).toBe(false);
        if (proof.length) expect(verifyInclusion(m, n, leaves[m]!, proof.slice(1), root)).toBe(false);
      }
    }
  });

  it('verifies every consistency proof and refuses a wrong root or size', () => {
    for (let n = 1; n <= 20; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leaves, m, n);
        const [r1, r2] = [rootHash(leaves, m), rootHash(leaves, n)];
        expect(verifyConsistency(m, n, r1, r2, proof), `${m}→${n}`).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, rootHash(leaves, m - 1), r2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, rootHash(leaves, n - 1), proof)).toBe(false);
          expect(verifyConsistency(m, n + 1, r1, rootHash(leaves, n + 1), proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, [])).toBe(false);
        }
      }
    }
  });

  it('refuses proofs for leaves or sizes outside the tree', () => {
    expect(() => inclusionProof(leaves, 5, 5)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 6, 5)).toThrow(RangeError);
    expect(verifyInclusion(3, 3, leaves[0]!, [], rootHash(leaves, 3))).toBe(false);
  });
});
