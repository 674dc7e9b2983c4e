// The media queue on the embedded database (PGlite): queued with the
// versions, claimed, stored with its leaf, a gone file observed, verified.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsMediaStore } from '../../../src/adapters/media/fs-media-store.js';
import { fetchDueMedia } from '../../../src/jobs/fetch-media.js';
import { mediaBlobCheck } from '../../../src/jobs/evidence-media.js';
import { verifyArchive } from '../../../src/jobs/evidence-verify.js';
import { usePgliteDatabase } from '../../helpers/database.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaDeps, mediaPage, storePage, testClock } from './media-harness.js';

const db = usePgliteDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-media-pglite-'));
let cdn: FakeMedia;
beforeAll(async () => {
  cdn = await startFakeMedia();
});
afterAll(async () => {
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('media on the embedded database', () => {
  it('queues, stores with a leaf, observes a gone file, and verifies', async () => {
    const photo = pngBytes(51);
    const url = cdn.put('/media/flag.png', 'image/png', photo);
    cdn.remove('/media/old.png', 410);
    await storePage(
      db(),
      mediaPage([
        {
          id: idAt('2026-03-04T10:00:00Z'),
          text: 'Flag raised',
          media: [
            { key: '3_1', type: 'photo', url },
            { key: '3_2', type: 'photo', url: `${cdn.url}/media/old.png` },
          ],
        },
      ]),
      new Date('2026-03-05T00:00:00Z'),
    );
    const store = createFsMediaStore(join(dir, 'media'));
    const summary = await fetchDueMedia(mediaDeps(db(), store, testClock('2026-03-05T01:00:00Z')));
    expect([summary.stored, summary.gone]).toEqual([1, 1]);
    const rows = await db().prisma.mediaFile.findMany({ orderBy: { url: 'asc' } });
    expect(rows.map((r) => [r.status, r.sha256])).toEqual([
      ['stored', createHash('sha256').update(photo).digest('hex')],
      ['gone', null],
    ]);
    const kinds = (await db().prisma.logLeaf.findMany({ orderBy: { leafIndex: 'asc' } })).map((l) => l.kind);
    // The capture and first_seen first; then the stored file and the gone one, in whichever order they finished.
    expect([...kinds.slice(0, 2), ...kinds.slice(2).sort()]).toEqual([
      'capture',
      'observation',
      'media',
      'observation',
    ]);
    const report = await verifyArchive(db().prisma, { checkBlob: mediaBlobCheck(store) });
    expect([report.ok, report.leaves, report.problems]).toEqual([true, 4, []]);
  });
});
