// The media downloader on a real PostgreSQL against a local fake CDN: media
// queued with the versions that show them, downloaded once per address and
// stored once per content, each stored file a leaf of the evidence log; the
// size limit, 404/410 as gone observations, retries with back-off, and a
// queue that survives a restart (also a claim of a worker that died).
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsMediaStore } from '../../../src/adapters/media/fs-media-store.js';
import { createMediaRepository } from '../../../src/adapters/db/media-repository.js';
import { fetchDueMedia } from '../../../src/jobs/fetch-media.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { gifBytes, mp4Bytes, pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaDeps, mediaPage, storePage, testClock } from './media-harness.js';

const db = useTestDatabase();
let cdn: FakeMedia;
const dirs: string[] = [];
beforeAll(async () => {
  cdn = await startFakeMedia();
});
afterAll(async () => {
  await cdn.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');
const C = idAt('2026-03-04T12:00:00Z');
const NOW = '2026-03-05T00:00:00.000Z';

function freshStore() {
  const dir = mkdtempSync(join(tmpdir(), 'onrecord-media-'));
  dirs.push(dir);
  return createFsMediaStore(dir);
}

/** Every blob file under the store, by name (its sha256). */
function blobs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else found.push(entry.name);
    }
  };
  walk(join(root, 'sha256'));
  return found.sort();
}

async function mediaRows() {
  const rows = await db().prisma.mediaFile.findMany({ orderBy: { url: 'asc' } });
  return rows.map((r) => ({ url: r.url.replace(cdn.url, ''), kind: r.kind, status: r.status, sha256: r.sha256 }));
}

describe('media capture', () => {
  beforeEach(() => truncateAll(db()));

  it('downloads each address once, stores each content once, links versions, and logs every stored file', async () => {
    const seal = pngBytes(1);
    const video = mp4Bytes(2, 40_000);
    const gif = gifBytes(3);
    const thumb = pngBytes(4);
    const seal1 = cdn.put('/media/seal.png', 'image/png', seal);
    // The same picture again under another address (a re-upload): its own row, the same blob.
    const seal2 = cdn.put('/media/seal-again.png', 'image/png', seal);
    const low = cdn.put('/vid/low.mp4', 'video/mp4', mp4Bytes(5, 1000));
    const high = cdn.put('/vid/high.mp4', 'video/mp4', video);
    const gifUrl = cdn.put('/gif/wave.mp4', 'video/mp4', gif);
    const preview = cdn.put('/thumb/wave.png', 'image/png', thumb);
    const body = mediaPage([
      { id: C, text: 'The seal, again', media: [{ key: '3_30', type: 'photo', url: seal2 }] },
      {
        id: B,
        text: 'Footage of the ceremony',
        media: [
          {
            key: '7_20',
            type: 'video',
            preview,
            variants: [
              [low, 832000],
              [high, 2176000],
            ],
          },
          { key: '16_21', type: 'animated_gif', variants: [[gifUrl, 0]] },
          { key: '3_10', type: 'photo', url: seal1 },
        ],
      },
      { id: A, text: 'Our new seal', media: [{ key: '3_10', type: 'photo', url: seal1 }] },
    ]);
    await storePage(db(), body, new Date(NOW));
    // Stored twice (a re-check): nothing is queued twice.
    await storePage(db(), body, new Date('2026-03-05T01:00:00Z'));
    const store = freshStore();
    const summary = await fetchDueMedia(mediaDeps(db(), store, testClock(NOW)));
    expect(summary).toEqual({ stored: 4, deduplicated: 1, gone: 0, refused: 0, retried: 0, failed: 0, lost: 0 });
    expect(await mediaRows()).toEqual([
      { url: '/gif/wave.mp4', kind: 'animated_gif', status: 'stored', sha256: sha(gif) },
      { url: '/media/seal-again.png', kind: 'photo', status: 'stored', sha256: sha(seal) },
      { url: '/media/seal.png', kind: 'photo', status: 'stored', sha256: sha(seal) },
      { url: '/thumb/wave.png', kind: 'preview', status: 'stored', sha256: sha(thumb) },
      { url: '/vid/high.mp4', kind: 'video', status: 'stored', sha256: sha(video) },
    ]);
    expect(cdn.hits('/media/seal.png')).toBe(1);
    expect(cdn.hits('/vid/low.mp4')).toBe(0);
    expect(blobs(store.location)).toEqual([sha(seal), sha(video), sha(gif), sha(thumb)].sort());
    expect(readFileSync(store.pathOf(sha(video))).equals(video)).toBe(true);
    // Links (in media order, then by id): A shows the seal; B four files; C the re-upload.
    const links = await db().prisma.versionMedia.findMany({
      include: { version: true, media: true },
      orderBy: [{ versionId: 'asc' }, { position: 'asc' }, { mediaId: 'asc' }],
    });
    const byVersion = (id: string) =>
      links.filter((l) => l.version.versionId === id).map((l) => [l.mediaKey, l.media.url.replace(cdn.url, '')]);
    expect(byVersion(A)).toEqual([['3_10', '/media/seal.png']]);
    expect(byVersion(B)).toEqual([
      ['7_20', '/thumb/wave.png'],
      ['7_20', '/vid/high.mp4'],
      ['16_21', '/gif/wave.mp4'],
      ['3_10', '/media/seal.png'],
    ]);
    // Each stored file is a leaf: its row's url, type, size, time and sha256.
    const leaves = await db().prisma.logLeaf.findMany({ where: { kind: 'media' }, orderBy: { refId: 'asc' } });
    const files = await db().prisma.mediaFile.findMany({ orderBy: { id: 'asc' } });
    expect(leaves.map((l) => JSON.parse(l.data) as unknown)).toEqual(
      files.map((f) => ({
        v: 1,
        kind: 'media',
        id: f.id,
        url: f.url,
        contentType: f.contentType,
        bytes: f.bytes,
        capturedAt: NOW,
        sha256: f.sha256,
      })),
    );
  });

  it('refuses a file over the size limit, marks it, and leaves nothing partial', async () => {
    const big = cdn.put('/vid/huge.mp4', 'video/mp4', mp4Bytes(6, 300_000));
    cdn.endless('/vid/endless.mp4');
    await storePage(
      db(),
      mediaPage([
        { id: A, text: 'Too long a video', media: [{ key: '7_1', type: 'video', variants: [[big, 100]] }] },
        {
          id: B,
          text: 'A stream that never ends',
          media: [{ key: '7_2', type: 'video', variants: [[`${cdn.url}/vid/endless.mp4`, 100]] }],
        },
      ]),
      new Date(NOW),
    );
    const store = freshStore();
    const summary = await fetchDueMedia(mediaDeps(db(), store, testClock(NOW), { maxBytes: 100_000 }));
    expect(summary.refused).toBe(2);
    const rows = await db().prisma.mediaFile.findMany({ orderBy: { url: 'asc' } });
    expect(rows.map((r) => [r.url.replace(cdn.url, ''), r.status, r.sha256, r.lastError])).toEqual([
      ['/vid/endless.mp4', 'refused', null, `${cdn.url}/vid/endless.mp4 is over the 100000-byte limit`],
      ['/vid/huge.mp4', 'refused', null, `${big} is 300032 bytes, over the 100000-byte limit`],
    ]);
    expect(readdirSync(store.tempDir)).toEqual([]);
    expect(await db().prisma.logLeaf.count({ where: { kind: 'media' } })).toBe(0);
  });

  it('records a file gone (404, 410) as an observation of every post that shows it', async () => {
    cdn.remove('/media/deleted.png', 404);
    cdn.remove('/media/withdrawn.png', 410);
    const deleted = `${cdn.url}/media/deleted.png`;
    await storePage(
      db(),
      mediaPage([
        { id: B, text: 'Same picture', media: [{ key: '3_1', type: 'photo', url: deleted }] },
        { id: A, text: 'A picture', media: [{ key: '3_1', type: 'photo', url: deleted }] },
        { id: C, text: 'Withdrawn', media: [{ key: '3_2', type: 'photo', url: `${cdn.url}/media/withdrawn.png` }] },
      ]),
      new Date(NOW),
    );
    const clock = testClock('2026-03-05T02:00:00Z');
    const summary = await fetchDueMedia(mediaDeps(db(), freshStore(), clock));
    expect(summary.gone).toBe(2);
    const rows = await db().prisma.mediaFile.findMany({ orderBy: { url: 'asc' } });
    expect(rows.map((r) => [r.url.replace(cdn.url, ''), r.status, r.httpStatus, r.goneAt?.toISOString()])).toEqual([
      ['/media/deleted.png', 'gone', 404, '2026-03-05T02:00:00.000Z'],
      ['/media/withdrawn.png', 'gone', 410, '2026-03-05T02:00:00.000Z'],
    ]);
    const observations = await db().prisma.statusObservation.findMany({
      where: { status: 'media_gone' },
      orderBy: { platformId: 'asc' },
    });
    expect(observations.map((o) => [o.platformId, o.detail])).toEqual([
      [A, `photo ${deleted}: HTTP 404 from ${deleted}`],
      [B, `photo ${deleted}: HTTP 404 from ${deleted}`],
      [C, `photo ${cdn.url}/media/withdrawn.png: HTTP 410 from ${cdn.url}/media/withdrawn.png`],
    ]);
    // Each observation is a leaf, written with it.
    const leaves = await db().prisma.logLeaf.findMany({ where: { kind: 'observation' } });
    for (const o of observations)
      expect(leaves.some((l) => l.refId === o.id && l.data.includes('media_gone'))).toBe(true);
  });

  it('retries other failures with back-off, and stores the file once it comes', async () => {
    const photo = pngBytes(9);
    const url = cdn.put('/media/busy.png', 'image/png', photo);
    cdn.fail('/media/busy.png', 503, 2);
    await storePage(
      db(),
      mediaPage([{ id: A, text: 'Busy', media: [{ key: '3_1', type: 'photo', url }] }]),
      new Date(NOW),
    );
    const clock = testClock(NOW);
    const deps = mediaDeps(db(), freshStore(), clock);
    expect((await fetchDueMedia(deps)).retried).toBe(1);
    const first = await db().prisma.mediaFile.findFirstOrThrow();
    // random() = 1: the full first window, 60 s.
    expect([first.status, first.attempts, first.nextAttemptAt.toISOString(), first.lastError]).toEqual([
      'pending',
      1,
      '2026-03-05T00:01:00.000Z',
      `${url} answered HTTP 503`,
    ]);
    // Not due yet: nothing is tried.
    expect((await fetchDueMedia(deps)).retried).toBe(0);
    clock.set('2026-03-05T00:01:00Z');
    expect((await fetchDueMedia(deps)).retried).toBe(1);
    expect((await db().prisma.mediaFile.findFirstOrThrow()).nextAttemptAt.toISOString()).toBe(
      '2026-03-05T00:03:00.000Z',
    );
    clock.set('2026-03-05T00:03:00Z');
    expect((await fetchDueMedia(deps)).stored).toBe(1);
    expect(await db().prisma.mediaFile.findFirstOrThrow()).toMatchObject({
      status: 'stored',
      attempts: 3,
      lastError: null,
    });
    expect(cdn.hits('/media/busy.png')).toBeGreaterThanOrEqual(3);
  });

  it('keeps its queue across a restart, and takes over the claims of a worker that died', async () => {
    const one = cdn.put('/media/one.png', 'image/png', pngBytes(11));
    const two = cdn.put('/media/two.png', 'image/png', pngBytes(12));
    await storePage(
      db(),
      mediaPage([
        { id: A, text: 'One', media: [{ key: '3_1', type: 'photo', url: one }] },
        { id: B, text: 'Two', media: [{ key: '3_2', type: 'photo', url: two }] },
      ]),
      new Date(NOW),
    );
    // A worker claims one file and dies before it finishes (its lease runs 10 minutes).
    const dead = createMediaRepository(db().prisma);
    const claimed = await dead.claimDue({
      now: new Date(NOW),
      owner: 'worker-that-died',
      leaseUntil: new Date('2026-03-05T00:10:00Z'),
      limit: 1,
    });
    expect(claimed).toHaveLength(1);
    // A new process, a new worker: the unclaimed file at once, the claimed one once its lease is over.
    const clock = testClock('2026-03-05T00:05:00Z');
    const store = freshStore();
    expect((await fetchDueMedia(mediaDeps(db(), store, clock, { owner: 'new-worker' }))).stored).toBe(1);
    clock.set('2026-03-05T00:10:00Z');
    expect((await fetchDueMedia(mediaDeps(db(), store, clock, { owner: 'new-worker' }))).stored).toBe(1);
    const rows = await db().prisma.mediaFile.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.status, r.attempts, r.leaseOwner])).toEqual([
      ['stored', claimed[0]!.id === rows[0]!.id ? 2 : 1, null],
      ['stored', claimed[0]!.id === rows[1]!.id ? 2 : 1, null],
    ]);
    // The dead worker's late report changes nothing.
    expect(
      await dead.markFailed(claimed[0]!, 'worker-that-died', { error: 'late', retryAt: null, final: 'failed' }),
    ).toBe(false);
  });
});
