// Signed notes and checkpoints against the C2SP specification's example and
// the reference implementation's published key and note (Ed25519 signatures
// are deterministic, so signing must reproduce them byte for byte).
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signNote,
} from '../../src/core/signed-note.js';
import { InvalidInput } from '../../src/core/errors.js';

const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n' +
  '\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const REF_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const REF_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const REF_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const REF_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

describe('signed notes (c2sp.org/signed-note)', () => {
  it('reproduces the reference key encodings and signature byte for byte', () => {
    const signer = parseSignerKey(REF_SKEY);
    expect(formatSignerKey(signer)).toBe(REF_SKEY);
    expect(formatVerifierKey(signer)).toBe(REF_VKEY);
    expect(signNote(REF_TEXT, [signer])).toBe(`${REF_TEXT}\n${REF_SIG}`);
  });

  it('opens the specification example and the reference note', () => {
    expect(openNote(SPEC_NOTE, parseVerifierKey(SPEC_VKEY))).toBe('This is an example message.\n');
    expect(openNote(`${REF_TEXT}\n${REF_SIG}`, parseVerifierKey(REF_VKEY))).toBe(REF_TEXT);
  });

  it('refuses a changed text, a changed signature, another key and a wrong key hash', () => {
    const key = parseVerifierKey(REF_VKEY);
    const note = `${REF_TEXT}\n${REF_SIG}`;
    expect(() => openNote(note.replace('answer', 'Answer'), key)).toThrow(/does not verify/);
    expect(() => openNote(note.replace('x08go', 'x08gp'), key)).toThrow(InvalidInput);
    expect(() => openNote(note, parseVerifierKey(SPEC_VKEY))).toThrow(/no signature by example.com\/foo/);
    expect(() => parseVerifierKey(REF_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key hash/);
    expect(() => openNote(REF_TEXT, key)).toThrow(InvalidInput);
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const root = Buffer.alloc(32, 7);
  const signer = signerFromSeed('archive.example/log', Buffer.alloc(32, 1));

  it('formats origin, size and base64 root hash, and round-trips through a signature', () => {
    const text = formatCheckpoint({ origin: 'archive.example/log', size: 42, rootHash: root });
    expect(text).toBe(`archive.example/log\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'archive.example/log', size: 42, rootHash: root });
    expect(openCheckpoint(signNote(text, [signer]), signer)).toEqual(parseCheckpoint(text));
  });

  it('refuses malformed checkpoints', () => {
    for (const bad of [
      'o\n-1\nAAAA\n',
      'o\n01\n' + root.toString('base64') + '\n',
      '\n1\n' + root.toString('base64'),
    ]) {
      expect(() => parseCheckpoint(bad)).toThrow(InvalidInput);
    }
  });
});
