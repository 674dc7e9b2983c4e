// The media store in an S3-compatible bucket, against a local fake S3 that
// checks every SigV4 signature and the payload hash of every upload: put
// (once per content), read (whole and ranges), size, refusals; then the
// downloader end to end with ONRECORD_MEDIA_S3_URL set.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3MediaStore, parseS3Url } from '../../../src/adapters/media/s3-media-store.js';
import { configFromEnv } from '../../../src/context.js';
import { fetchDueMedia } from '../../../src/jobs/fetch-media.js';
import { mediaStoreFromConfig } from '../../../src/service/media-part.js';
import type { MediaStore } from '../../../src/ports/media.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { startFakeS3, type FakeS3 } from '../../fake-s3/fake-s3-server.js';
import { mp4Bytes, pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaDeps, mediaPage, storePage, testClock } from './media-harness.js';

const db = useTestDatabase();
let s3: FakeS3;
let cdn: FakeMedia;
const dir = mkdtempSync(join(tmpdir(), 'onrecord-s3-'));
beforeAll(async () => {
  s3 = await startFakeS3({ buckets: ['evidence'], region: 'eu-west-3' });
  cdn = await startFakeMedia();
});
afterAll(async () => {
  await s3.close();
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const url = () => `s3://evidence/archive/media?endpoint=${encodeURIComponent(s3.url)}&region=eu-west-3`;
const keys = () => ({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
let n = 0;
function tempFile(bytes: Buffer): string {
  const path = join(dir, `upload-${++n}.part`);
  writeFileSync(path, bytes);
  return path;
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe('s3:// locations', () => {
  it('reads bucket, prefix, endpoint and region; AWS itself without an endpoint', () => {
    expect(parseS3Url('s3://evidence/archive/media/?endpoint=http://127.0.0.1:9000&region=eu-west-3')).toEqual({
      bucket: 'evidence',
      prefix: 'archive/media',
      endpoint: 'http://127.0.0.1:9000/evidence',
      region: 'eu-west-3',
    });
    expect(parseS3Url('s3://evidence', 'us-west-2')).toEqual({
      bucket: 'evidence',
      prefix: '',
      endpoint: 'https://evidence.s3.us-west-2.amazonaws.com',
      region: 'us-west-2',
    });
    expect(() => parseS3Url('https://evidence/x')).toThrow(/must start with s3:\/\/<bucket>/);
    expect(() => parseS3Url('s3://evidence?endpoint=ftp://x')).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('S3 media store', () => {
  let store: MediaStore;
  beforeAll(() => {
    store = createS3MediaStore(parseS3Url(url()), keys(), { tempDir: dir });
  });
  afterAll(() => store.close());

  it('puts a file under its sha256 (signed, with its payload hash), once per content', async () => {
    const bytes = mp4Bytes(1, 5000);
    const hash = sha(bytes);
    const first = tempFile(bytes);
    expect(await store.put({ path: first, sha256: hash, bytes: bytes.length, contentType: 'video/mp4' })).toEqual({
      existed: false,
    });
    expect(existsSync(first)).toBe(false);
    const key = `evidence/archive/media/sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
    expect(s3.objects.get(key)).toEqual({ body: bytes, contentType: 'video/mp4' });
    const again = tempFile(bytes);
    expect(await store.put({ path: again, sha256: hash, bytes: bytes.length, contentType: 'video/mp4' })).toEqual({
      existed: true,
    });
    expect(existsSync(again)).toBe(false);
    expect(s3.log.filter((l) => l.startsWith('PUT')).length).toBe(1);
  });

  it('reads a file whole or a range of it, and knows its size; a missing file is null', async () => {
    const bytes = pngBytes(2);
    const hash = sha(bytes);
    await store.put({ path: tempFile(bytes), sha256: hash, bytes: bytes.length, contentType: 'image/png' });
    const whole = await store.read(hash);
    expect(whole?.size).toBe(bytes.length);
    expect((await buffer(whole!.body)).equals(bytes)).toBe(true);
    const part = await store.read(hash, { start: 8, end: 15 });
    expect(part?.size).toBe(bytes.length);
    expect((await buffer(part!.body)).equals(bytes.subarray(8, 16))).toBe(true);
    expect(await store.size(hash)).toBe(bytes.length);
    expect(await store.read('0'.repeat(64))).toBeNull();
    expect(await store.size('0'.repeat(64))).toBeNull();
  });

  it('is refused with a wrong secret, an unknown bucket, or bytes that do not match their hash', async () => {
    const bytes = pngBytes(3);
    const unsigned = await fetch(`${s3.url}/evidence/archive/media/anything`);
    expect([unsigned.status, await unsigned.text()]).toEqual([
      403,
      expect.stringContaining('<Code>AccessDenied</Code>'),
    ]);
    const wrongKey = createS3MediaStore(
      parseS3Url(url()),
      { ...keys(), secretAccessKey: 'not-the-secret' },
      { tempDir: dir },
    );
    expect(await failure(wrongKey.size(sha(bytes)))).toMatch(
      /^config: the media bucket answered HEAD .* with HTTP 403$/,
    );
    expect(await failure(wrongKey.read(sha(bytes)))).toMatch(/HTTP 403 \(SignatureDoesNotMatch: /);
    await wrongKey.close();
    const noBucket = createS3MediaStore(parseS3Url(url().replace('s3://evidence', 's3://missing')), keys(), {
      tempDir: dir,
    });
    expect(await failure(noBucket.read(sha(bytes)))).toBe(
      'config: the media bucket missing does not exist (HTTP 404 NoSuchBucket)',
    );
    await noBucket.close();
    // A file whose bytes are not the ones named: the server refuses the upload, nothing is stored.
    const lying = '1'.repeat(64);
    const path = tempFile(bytes);
    expect(await failure(store.put({ path, sha256: lying, bytes: bytes.length, contentType: 'image/png' }))).toMatch(
      /^unavailable: .* HTTP 400 \(XAmzContentSHA256Mismatch: /,
    );
    expect(existsSync(path)).toBe(false);
    expect(await store.size(lying)).toBeNull();
  });
});

describe('downloader with ONRECORD_MEDIA_S3_URL', () => {
  it('stores downloads in the bucket, nothing under the data directory but empty temp space', async () => {
    const photo = pngBytes(20);
    const video = mp4Bytes(21, 30_000);
    const photoUrl = cdn.put('/media/podium.png', 'image/png', photo);
    const videoUrl = cdn.put('/vid/speech.mp4', 'video/mp4', video);
    await storePage(
      db(),
      mediaPage([
        {
          id: idAt('2026-03-04T10:00:00Z'),
          text: 'The speech',
          media: [
            { key: '3_1', type: 'photo', url: photoUrl },
            { key: '7_2', type: 'video', variants: [[videoUrl, 2176000]] },
          ],
        },
      ]),
      new Date('2026-03-05T00:00:00Z'),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-s3-data-'));
    try {
      const config = configFromEnv({
        ONRECORD_DATA_DIR: dataDir,
        ONRECORD_MEDIA_S3_URL: url(),
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      });
      const store = mediaStoreFromConfig(config);
      expect(store.location).toBe('s3://evidence/archive/media');
      const summary = await fetchDueMedia(mediaDeps(db(), store, testClock('2026-03-05T00:00:00Z')));
      await store.close();
      expect(summary.stored).toBe(2);
      for (const bytes of [photo, video]) {
        const hash = sha(bytes);
        expect(
          s3.objects.get(`evidence/archive/media/sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`)?.body,
        ).toEqual(bytes);
      }
      expect(readdirSync(join(dataDir, 'media'))).toEqual(['tmp']);
      expect(readdirSync(join(dataDir, 'media', 'tmp'))).toEqual([]);
      const rows = await db().prisma.mediaFile.findMany({ orderBy: { url: 'asc' } });
      expect(rows.map((r) => [r.status, r.sha256])).toEqual([
        ['stored', sha(photo)],
        ['stored', sha(video)],
      ]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('needs the credentials', () => {
    const config = configFromEnv({ ONRECORD_DATA_DIR: dir, ONRECORD_MEDIA_S3_URL: url() });
    expect(() => mediaStoreFromConfig(config)).toThrow(
      'ONRECORD_MEDIA_S3_URL needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  });
});
