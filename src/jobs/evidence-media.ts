// `verify`'s check of media blobs: every stored media file is read back from
// the media store and hashed again; a file whose bytes no longer hash to the
// sha256 its leaf logged is changed, one the store no longer has is missing.
import { createHash } from 'node:crypto';
import { isSha256Hex } from '../core/media-capture.js';
import type { MediaStore } from '../ports/media.js';
import type { BlobCheck, VerifyProblem } from './evidence-verify.js';

export function mediaBlobCheck(store: MediaStore): BlobCheck {
  return async (leaf, data) => {
    const sha256 = String(data.sha256 ?? '');
    const where = { leafIndex: leaf.index, kind: 'media', id: leaf.refId };
    const name = `media file ${leaf.refId} (leaf ${leaf.index}, ${String(data.url ?? '')})`;
    const problem = (code: VerifyProblem['code'], message: string): VerifyProblem => ({ code, ...where, message });
    if (!isSha256Hex(sha256)) return problem('blob_missing', `${name}: its leaf names no sha256`);
    const read = await store.read(sha256);
    if (!read) return problem('blob_missing', `${name}: its bytes ${sha256} are missing from ${store.location}`);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of read.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const actual = hash.digest('hex');
    if (actual === sha256) return null;
    return problem(
      'blob_changed',
      `${name}: the stored blob ${sha256} was changed (its ${bytes} bytes now hash to ${actual})`,
    );
  };
}
