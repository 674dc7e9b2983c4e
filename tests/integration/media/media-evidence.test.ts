// Media files in the evidence: `verify` re-hashes every stored blob and names
// a changed or missing one (and an edited or unlogged media row); an evidence
// bundle carries the post's media files with their inclusion proofs, verifies
// offline, and fails if one byte of a media file changes; the WARC export
// carries each media file as a resource record with its payload digest.
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { unzipSync, zipSync } from 'fflate';
import { WARCParser } from 'warcio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsMediaStore } from '../../../src/adapters/media/fs-media-store.js';
import { registerEvidence } from '../../../src/cli/commands/evidence.js';
import { registerExport } from '../../../src/cli/commands/export.js';
import { registerVerify } from '../../../src/cli/commands/verify.js';
import { createRuntime, ExitCode } from '../../../src/cli/runtime.js';
import type { BundleManifest } from '../../../src/core/evidence-bundle.js';
import { formatSignerKey, signerFromSeed } from '../../../src/core/signed-note.js';
import { checkEvidenceZip } from '../../../src/jobs/evidence-bundle.js';
import { fetchDueMedia } from '../../../src/jobs/fetch-media.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startFakeMedia, type FakeMedia } from '../../fake-media/fake-media-server.js';
import { mp4Bytes, pngBytes } from '../../fake-media/media-bytes.js';
import { idAt } from '../ingest/pages.js';
import { mediaDeps, mediaPage, storePage, testClock } from './media-harness.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-media-evidence-'));
const SIGNER = signerFromSeed('archive.test/log', Buffer.alloc(32, 7));
const A = idAt('2026-03-04T10:00:00Z');
const photo = pngBytes(41, 8, 8);
const video = mp4Bytes(42, 30_000);
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
let cdn: FakeMedia;
const store = createFsMediaStore(join(dir, 'media'));
let env: Record<string, string>;

async function cli(...args: string[]) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime({ stdout, stderr: new PassThrough(), isTty: false }, env);
  const program = new Command('onrecord').exitOverride();
  registerEvidence(program, rt);
  registerVerify(program, rt);
  registerExport(program, rt);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (!(err instanceof ExitCode)) throw err;
    code = err.code;
  }
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

type Report = { ok: boolean; problems: { code: string; kind?: string; id?: number; message: string }[] };
const verify = async () => JSON.parse((await cli('verify', '--json')).out) as Report;

beforeAll(async () => {
  cdn = await startFakeMedia();
  env = {
    DATABASE_URL: db().url,
    ONRECORD_DATA_DIR: dir,
    ONRECORD_LOG_KEY: formatSignerKey(SIGNER),
    ONRECORD_LOG_ORIGIN: 'archive.test/log',
    LOG_LEVEL: 'silent',
  };
  const photoUrl = cdn.put('/media/handshake.png', 'image/png', photo);
  const videoUrl = cdn.put('/vid/handshake.mp4', 'video/mp4', video);
  cdn.remove('/media/removed.png', 404);
  await storePage(
    db(),
    mediaPage([
      {
        id: A,
        text: 'Handshake at the border post',
        media: [
          { key: '3_1', type: 'photo', url: photoUrl },
          { key: '7_2', type: 'video', variants: [[videoUrl, 2176000]] },
          { key: '3_3', type: 'photo', url: `${cdn.url}/media/removed.png` },
        ],
      },
    ]),
    new Date('2026-03-05T00:00:00Z'),
  );
  const summary = await fetchDueMedia(mediaDeps(db(), store, testClock('2026-03-05T01:00:00Z')));
  expect([summary.stored, summary.gone]).toEqual([2, 1]);
});
afterAll(async () => {
  await cdn.close();
  rmSync(dir, { recursive: true, force: true });
});

async function mediaId(bytes: Buffer) {
  return (await db().prisma.mediaFile.findFirstOrThrow({ where: { sha256: sha(bytes) } })).id;
}

describe('verify and media', () => {
  it('passes on untouched media', async () => {
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('names a blob whose bytes changed', async () => {
    const path = store.pathOf(sha(photo));
    chmodSync(path, 0o644);
    const changed = Buffer.from(photo);
    changed[changed.length - 5] = changed[changed.length - 5]! ^ 0x01;
    writeFileSync(path, changed);
    try {
      const report = await verify();
      const id = await mediaId(photo);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        expect.objectContaining({
          code: 'blob_changed',
          kind: 'media',
          id,
          message: expect.stringMatching(
            new RegExp(
              `^media file ${id} \\(leaf \\d+, .*/media/handshake\\.png\\): the stored blob ${sha(photo)} was changed \\(its ${photo.length} bytes now hash to ${sha(changed)}\\)$`,
            ),
          ),
        }),
      ]);
      expect((await cli('verify')).code).toBe(1);
    } finally {
      writeFileSync(path, photo);
    }
  });

  it('names a blob that is missing', async () => {
    const path = store.pathOf(sha(video));
    renameSync(path, `${path}.away`);
    try {
      const report = await verify();
      expect(report.problems).toEqual([
        expect.objectContaining({
          code: 'blob_missing',
          id: await mediaId(video),
          message: expect.stringContaining(`its bytes ${sha(video)} are missing from ${store.location}`),
        }),
      ]);
    } finally {
      renameSync(`${path}.away`, path);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('names an edited media row and a stored row without a leaf', async () => {
    const id = await mediaId(photo);
    await db().prisma.mediaFile.update({ where: { id }, data: { contentType: 'image/jpeg' } });
    const forged = await db().prisma.mediaFile.create({
      data: { url: 'https://cdn.example/forged.png', kind: 'photo', status: 'stored', sha256: sha(photo), bytes: 1 },
    });
    try {
      const problems = (await verify()).problems.map((p) => [
        p.code,
        p.id,
        p.message.replace(/\(leaf \d+\)/, '(leaf N)'),
      ]);
      expect(problems).toEqual([
        ['row_changed', id, `media file ${id} (leaf N) changed: contentType`],
        ['row_unlogged', forged.id, `media file ${forged.id} has no leaf in the log`],
      ]);
    } finally {
      await db().prisma.mediaFile.update({ where: { id }, data: { contentType: 'image/png' } });
      await db().prisma.mediaFile.delete({ where: { id: forged.id } });
    }
  });
});

describe('evidence bundles with media', () => {
  let zipPath: string;
  let zip: Buffer;
  beforeAll(async () => {
    zipPath = join(dir, 'evidence.zip');
    expect((await cli('evidence', `x:${A}`, '--out', zipPath)).code).toBe(0);
    zip = readFileSync(zipPath);
  });

  it('holds the media files, each with its leaf and proof, and the gone file’s observation', async () => {
    const files = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as BundleManifest;
    const media = manifest.items.filter((i) => i.kind === 'media');
    const [photoId, videoId] = [await mediaId(photo), await mediaId(video)];
    expect(media.map((i) => [i.path, i.sha256, Boolean(i.leaf?.proof.length)])).toEqual(
      [
        [`media/${photoId}.png`, sha(photo), true],
        [`media/${videoId}.mp4`, sha(video), true],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en', { numeric: true })),
    );
    expect(Buffer.from(files[`media/${photoId}.png`]!).equals(photo)).toBe(true);
    expect(Buffer.from(files[`media/${videoId}.mp4`]!).equals(video)).toBe(true);
    expect(manifest.items.filter((i) => i.kind === 'observation').map((i) => i.title)).toEqual([
      'first_seen',
      expect.stringMatching(/^media_gone \(photo .*\/media\/removed\.png: HTTP 404 from /),
    ]);
    const report = Buffer.from(files['report.html']!).toString('utf8');
    expect(report).toContain(`<img src="media/${photoId}.png" alt="" />`);
  });

  it('verifies offline, and fails if one byte of a media file changes', async () => {
    const ok = await cli('verify', zipPath);
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining(`OK: `)]);
    const files = unzipSync(zip);
    const videoPath = `media/${await mediaId(video)}.mp4`;
    // One byte flipped in place, in the zip's own bytes.
    const at = zip.indexOf(Buffer.from(files[videoPath]!));
    const flipped = Buffer.from(zip);
    flipped[at + 1000] = flipped[at + 1000]! ^ 0x01;
    expect(checkEvidenceZip(flipped).ok).toBe(false);
    // A repacked bundle with one byte of the video changed: the member and its leaf are named.
    const changed = Buffer.from(files[videoPath]!);
    changed[1000] = changed[1000]! ^ 0x01;
    const forged = zipSync({ ...files, [videoPath]: changed }, { level: 0, mtime: new Date('2000-01-01T00:00:00Z') });
    const forgedPath = join(dir, 'forged.zip');
    writeFileSync(forgedPath, forged);
    const checked = await cli('verify', forgedPath);
    expect(checked.code).toBe(1);
    expect(checked.out).toContain(`FAIL ${videoPath} was changed (sha256 differs from the manifest)`);
    expect(checked.out).toMatch(new RegExp(`FAIL ${videoPath} is not what its log leaf \\d+ describes`));
  });
});

describe('WARC export with media', () => {
  it('writes each media file as a resource record with its payload digest, readable by warcio', async () => {
    const path = join(dir, 'media.warc.gz');
    await cli('export', '--format', 'warc', '--out', path);
    const resources = [];
    for await (const record of new WARCParser(createReadStream(path))) {
      const payload = Buffer.from(await record.readFully(true));
      if (record.warcType === 'resource')
        resources.push({
          uri: record.warcTargetURI,
          type: record.warcContentType,
          digest: record.warcPayloadDigest,
          date: record.warcDate,
          payload,
        });
    }
    const media = resources.filter((r) => r.uri?.startsWith(cdn.url));
    expect(media.map((r) => [r.uri!.replace(cdn.url, ''), r.type, r.digest, r.date])).toEqual([
      ['/media/handshake.png', 'image/png', `sha256:${sha(photo)}`, '2026-03-05T01:00:00.000Z'],
      ['/vid/handshake.mp4', 'video/mp4', `sha256:${sha(video)}`, '2026-03-05T01:00:00.000Z'],
    ]);
    expect(media[0]!.payload.equals(photo)).toBe(true);
    expect(media[1]!.payload.equals(video)).toBe(true);
  });
});
