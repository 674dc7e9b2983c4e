// The service's `media` part: started with the service's parts, it downloads
// what posts queue while it runs (polling its queue), removes partial files a
// killed process left behind, and stops cleanly, aborting a stalled download
// and giving its claim back (due again at once).
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../src/context.js';
import { serviceParts } from '../../../src/service/parts.js';
import { startMedia } from '../../../src/service/media-part.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaPage, silentLogger, storePage } from './media-harness.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-media-part-'));
let cdn: FakeMedia;
beforeAll(async () => {
  cdn = await startFakeMedia();
});
afterAll(async () => {
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('media service part', () => {
  it('runs between the poller and the HTTP server', () => {
    const names = serviceParts().map((p) => p.name);
    expect(names.indexOf('media')).toBeGreaterThan(names.indexOf('poller'));
    expect(names.indexOf('media')).toBeLessThan(names.indexOf('http'));
  });

  it('downloads what is queued while it runs, and stops cleanly in the middle of a download', async () => {
    const tmp = join(dir, 'media', 'tmp');
    mkdirSync(tmp, { recursive: true });
    const stale = join(tmp, 'left-by-a-killed-process.part');
    writeFileSync(stale, 'partial');
    utimesSync(stale, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const ctx = {
      config: configFromEnv({
        DATABASE_URL: db().url,
        ONRECORD_DATA_DIR: dir,
        ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
        ONRECORD_MEDIA_TIMEOUT: '30s',
      }),
      logger: silentLogger,
      db: db(),
      clock: { now: () => new Date() },
    };
    const handle = await startMedia(ctx, { tickMs: 50 });
    expect(existsSync(stale)).toBe(false);
    const url = cdn.put('/media/live.png', 'image/png', pngBytes(61));
    cdn.stall('/vid/stalled.mp4');
    await storePage(
      db(),
      mediaPage([
        {
          id: idAt('2026-03-04T10:00:00Z'),
          text: 'Live',
          media: [
            { key: '3_1', type: 'photo', url },
            { key: '7_2', type: 'video', variants: [[`${cdn.url}/vid/stalled.mp4`, 1]] },
          ],
        },
      ]),
      new Date(),
    );
    await until(
      () => db().prisma.mediaFile.findFirst({ where: { url } }),
      (row) => row?.status === 'stored',
      'the photo to be stored',
    );
    await until(
      () => Promise.resolve(cdn.hits('/vid/stalled.mp4')),
      (n) => n > 0,
      'the video download to start',
    );
    await handle.stop();
    await handle.done;
    const video = await db().prisma.mediaFile.findFirstOrThrow({ where: { kind: 'video' } });
    expect([video.status, video.leaseOwner, video.lastError]).toEqual(['pending', null, 'stopped']);
    expect(video.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
