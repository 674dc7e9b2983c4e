// Captured media on the web: the post page shows files from the archive
// (/media/<sha256>), never from the platform, and a placeholder with the
// platform's address as text for files not captured; GET /media/:sha256
// serves the bytes with the sha256 as ETag, immutable caching, 304 and ranges,
// and serves anything not safe to show inline as a sandboxed download.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsMediaStore } from '../../../src/adapters/media/fs-media-store.js';
import { fetchDueMedia } from '../../../src/jobs/fetch-media.js';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { mp4Bytes, pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaDeps, mediaPage, storePage, testClock } from './media-harness.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-media-pages-'));
let cdn: FakeMedia;
let app: FastifyInstance;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');
const photo = pngBytes(31, 16, 16);
const video = mp4Bytes(32, 20_000);
const poster = pngBytes(33);
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
let urls: Record<string, string>;
let reads = 0;

beforeAll(async () => {
  cdn = await startFakeMedia();
  urls = {
    photo: cdn.put('/media/podium.png', 'image/png', photo),
    video: cdn.put('/vid/speech.mp4', 'video/mp4', video),
    poster: cdn.put('/thumb/speech.png', 'image/png', poster),
    svg: cdn.put('/media/drawing.svg', 'image/svg+xml', svg),
    later: `${cdn.url}/media/later.png`,
    gone: `${cdn.url}/media/gone.png`,
  };
  cdn.remove('/media/gone.png', 404);
  cdn.fail('/media/later.png', 503, 100);
  await storePage(
    db(),
    mediaPage([
      {
        id: B,
        text: 'Two pictures, one removed, one slow',
        media: [
          { key: '3_5', type: 'photo', url: urls.later! },
          { key: '3_6', type: 'photo', url: urls.gone! },
          { key: '3_7', type: 'photo', url: urls.svg! },
        ],
      },
      {
        id: A,
        text: 'The speech, with a picture',
        media: [
          { key: '3_1', type: 'photo', url: urls.photo! },
          { key: '7_2', type: 'video', preview: urls.poster!, variants: [[urls.video!, 2176000]] },
        ],
      },
    ]),
    new Date('2026-03-05T00:00:00Z'),
  );
  const store = createFsMediaStore(join(dir, 'media'));
  await fetchDueMedia(mediaDeps(db(), store, testClock('2026-03-05T01:00:00Z')));
  // The app's store counts its reads (HEAD must not read a file).
  const served = createFsMediaStore(join(dir, 'media'));
  app = await buildTestApp(
    db(),
    { ONRECORD_DATA_DIR: dir },
    { media: { ...served, read: (...args) => (reads++, served.read(...args)) } },
  );
});
afterAll(async () => {
  await app?.close();
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('post pages', () => {
  it('show captured photos and videos from the archive, with the captured preview as poster', async () => {
    const res = await app.inject(`/posts/x/${A}`);
    expect(res.statusCode).toBe(200);
    const page = res.body.replace(/\s+/g, ' ');
    expect(page).toContain(`<img src="/media/${sha(photo)}"`);
    expect(page).toMatch(new RegExp(`<video src="/media/${sha(video)}" poster="/media/${sha(poster)}"`));
    expect(page).not.toContain(cdn.url);
  });

  it('show a placeholder with the platform address as text for files not captured, never loading them', async () => {
    const page = (await app.inject(`/posts/x/${B}`)).body.replace(/\s+/g, ' ');
    expect(page).toContain(`Photo not captured yet. Original address: <code class="media-url">${urls.later}</code>`);
    expect(page).toMatch(
      new RegExp(
        `Photo gone from the platform \\(HTTP 404, noticed [^)]+\\)\\. Original address: <code class="media-url">${urls.gone}</code>`,
      ),
    );
    expect(page).not.toMatch(new RegExp(`(src|href|poster)="${cdn.url}`));
  });
});

describe('GET /media/:sha256', () => {
  it('serves the bytes with their type, the sha256 as ETag and immutable caching', async () => {
    const res = await app.inject(`/media/${sha(photo)}`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(photo.length),
      etag: `"${sha(photo)}"`,
      'cache-control': 'public, max-age=31536000, immutable',
      'accept-ranges': 'bytes',
    });
    const before = reads;
    const head = await app.inject({ method: 'HEAD', url: `/media/${sha(photo)}` });
    expect([head.statusCode, head.headers['content-length'], head.headers.etag, head.body]).toEqual([
      200,
      String(photo.length),
      `"${sha(photo)}"`,
      '',
    ]);
    expect(reads).toBe(before);
  });

  it('answers 304 to a matching If-None-Match, and serves byte ranges', async () => {
    const cached = await app.inject({ url: `/media/${sha(video)}`, headers: { 'if-none-match': `"${sha(video)}"` } });
    expect([cached.statusCode, cached.body]).toEqual([304, '']);
    const part = await app.inject({ url: `/media/${sha(video)}`, headers: { range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${video.length}`);
    expect(part.rawPayload.equals(video.subarray(100, 200))).toBe(true);
    const tail = await app.inject({ url: `/media/${sha(video)}`, headers: { range: 'bytes=-10' } });
    expect(tail.rawPayload.equals(video.subarray(-10))).toBe(true);
    const past = await app.inject({ url: `/media/${sha(video)}`, headers: { range: `bytes=${video.length}-` } });
    expect([past.statusCode, past.headers['content-range']]).toEqual([416, `bytes */${video.length}`]);
  });

  it('serves a type that is not safe inline as a sandboxed download', async () => {
    const res = await app.inject(`/media/${sha(svg)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment',
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers 404 for an unknown file and 400 for a name that is not a sha256', async () => {
    const missing = await app.inject(`/media/${'0'.repeat(64)}`);
    expect([missing.statusCode, missing.json().message]).toEqual([
      404,
      `no captured media file has sha256 ${'0'.repeat(64)}`,
    ]);
    expect((await app.inject('/media/../../etc/passwd')).statusCode).toBe(404);
    expect((await app.inject('/media/ABC')).statusCode).toBe(400);
  });
});
