// The fetcher's binary mode against a local media CDN: bytes streamed to a
// temporary file with their sha256, 404/410 as "gone", the size limit (the
// declared length and the bytes as they come; nothing partial left), a
// stalled body, errors, redirects re-checked against the address policy.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeDownload, type SafeDownloadOptions } from '../../../src/adapters/fetch/safe-download.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { mp4Bytes, pngBytes } from '../../fake-media/media-bytes.js';

let cdn: FakeMedia;
const dir = mkdtempSync(join(tmpdir(), 'onrecord-download-'));
beforeAll(async () => {
  cdn = await startFakeMedia();
});
afterAll(async () => {
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

const allowed: SafeDownloadOptions = {
  allowPrivate: true,
  maxBytes: 100_000,
  idleTimeoutMs: 2_000,
  totalTimeoutMs: 10_000,
  maxRedirects: 3,
};
/** Only the fake CDN's own address may be reached; every other private address is refused. */
const strict: SafeDownloadOptions = { ...allowed, allowPrivate: false, allowedAddresses: ['127.0.0.1'] };
const outcome = (p: Promise<unknown>) =>
  p.then(
    (r) => r,
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );
const parts = () => readdirSync(dir).filter((n) => n.endsWith('.part'));

describe('safeDownload', () => {
  it('streams a file to disk with its sha256, size and type', async () => {
    const bytes = mp4Bytes(1, 50_000);
    const url = cdn.put('/vid/a.mp4', 'video/mp4', bytes);
    const got = await safeDownload(url, dir, allowed);
    if (got.kind !== 'downloaded') throw new Error(`not downloaded: ${got.kind}`);
    expect({ ...got, path: undefined }).toEqual({
      kind: 'downloaded',
      url,
      status: 200,
      contentType: 'video/mp4',
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      path: undefined,
    });
    expect(readFileSync(got.path).equals(bytes)).toBe(true);
    rmSync(got.path);
  });

  it('answers gone for 404 and 410, as values', async () => {
    cdn.remove('/img/deleted.png', 404);
    cdn.remove('/img/withdrawn.png', 410);
    expect(await safeDownload(`${cdn.url}/img/deleted.png`, dir, allowed)).toEqual({
      kind: 'gone',
      url: `${cdn.url}/img/deleted.png`,
      status: 404,
    });
    expect(await safeDownload(`${cdn.url}/img/withdrawn.png`, dir, allowed)).toMatchObject({ status: 410 });
  });

  it('refuses a file over the limit, declared or streamed, and leaves nothing partial', async () => {
    cdn.put('/vid/big.mp4', 'video/mp4', mp4Bytes(2, 150_000));
    cdn.endless('/vid/endless.mp4');
    expect(await outcome(safeDownload(`${cdn.url}/vid/big.mp4`, dir, allowed))).toBe(
      `fetch_refused: ${cdn.url}/vid/big.mp4 is 150032 bytes, over the 100000-byte limit`,
    );
    expect(await outcome(safeDownload(`${cdn.url}/vid/endless.mp4`, dir, allowed))).toBe(
      `fetch_refused: ${cdn.url}/vid/endless.mp4 is over the 100000-byte limit`,
    );
    expect(parts()).toEqual([]);
  });

  it('gives up on a stalled body and on errors with a retryable error, leaving nothing partial', async () => {
    cdn.stall('/vid/stalled.mp4');
    cdn.put('/img/busy.png', 'image/png', pngBytes(3));
    cdn.fail('/img/busy.png', 503, 1);
    cdn.put('/img/html.png', 'text/html; charset=utf-8', Buffer.from('<p>log in</p>'));
    expect(await outcome(safeDownload(`${cdn.url}/vid/stalled.mp4`, dir, { ...allowed, idleTimeoutMs: 300 }))).toMatch(
      /^unavailable: downloading .*\/vid\/stalled\.mp4 failed: /,
    );
    expect(await outcome(safeDownload(`${cdn.url}/img/busy.png`, dir, allowed))).toBe(
      `unavailable: ${cdn.url}/img/busy.png answered HTTP 503`,
    );
    expect(await outcome(safeDownload(`${cdn.url}/img/html.png`, dir, allowed))).toBe(
      `unavailable: ${cdn.url}/img/html.png answered an HTML page, not a media file`,
    );
    expect(parts()).toEqual([]);
  });

  it('follows redirects, re-checking each target against the address policy', async () => {
    const bytes = pngBytes(4);
    cdn.put('/img/final.png', 'image/png', bytes);
    cdn.redirect('/img/moved.png', '/img/final.png');
    cdn.redirect('/img/to-metadata.png', 'http://169.254.169.254/latest/meta-data/');
    cdn.redirect('/img/to-loopback6.png', `http://[::1]:${cdn.port}/img/final.png`);
    cdn.redirect('/img/to-localhost.png', `http://localhost:${cdn.port}/img/final.png`);
    const moved = await safeDownload(`${cdn.url}/img/moved.png`, dir, strict);
    expect(moved).toMatchObject({ kind: 'downloaded', url: `${cdn.url}/img/final.png`, bytes: bytes.length });
    if (moved.kind === 'downloaded') rmSync(moved.path);
    expect(await outcome(safeDownload(`${cdn.url}/img/to-metadata.png`, dir, strict))).toBe(
      'fetch_refused: 169.254.169.254 is not a public address',
    );
    expect(await outcome(safeDownload(`${cdn.url}/img/to-loopback6.png`, dir, strict))).toBe(
      'fetch_refused: ::1 is not a public address',
    );
    // localhost resolves to 127.0.0.1 and ::1 here: one non-public address is enough to refuse.
    const viaName = await safeDownload(`${cdn.url}/img/to-localhost.png`, dir, strict).then(
      (r) => (r.kind === 'downloaded' ? (rmSync(r.path), r.kind) : r.kind),
      (e: Error) => e.message,
    );
    expect(viaName).toMatch(/^(localhost resolves to a non-public address \(::1\)|downloaded)$/);
    expect(await outcome(safeDownload(`${cdn.url}/img/final.png`, dir, { ...strict, allowedAddresses: [] }))).toBe(
      'fetch_refused: 127.0.0.1 is not a public address',
    );
    expect(existsSync(dir) && parts()).toEqual([]);
  });

  it('rejects with the caller’s reason when aborted', async () => {
    cdn.stall('/vid/aborted.mp4');
    const aborter = new AbortController();
    const pending = outcome(safeDownload(`${cdn.url}/vid/aborted.mp4`, dir, allowed, aborter.signal));
    setTimeout(() => aborter.abort(new Error('stopping')), 100);
    expect(await pending).toBe('undefined: stopping');
    expect(parts()).toEqual([]);
  });
});
