// Evidence bundles: built by the CLI and the HTTP API from a real archive,
// checked offline by `verify FILE.zip` with no database, and refused when any
// byte changes (in every member and throughout the container).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { registerEvidence } from '../../../src/cli/commands/evidence.js';
import { registerVerify } from '../../../src/cli/commands/verify.js';
import { createRuntime, ExitCode } from '../../../src/cli/runtime.js';
import { formatSignerKey, formatVerifierKey, signerFromSeed } from '../../../src/core/signed-note.js';
import type { BundleManifest } from '../../../src/core/evidence-bundle.js';
import { checkEvidenceZip } from '../../../src/jobs/evidence-bundle.js';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'onrecord-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SIGNER = signerFromSeed('archive.test/log', Buffer.alloc(32, 4));
const ENV = { ONRECORD_LOG_KEY: formatSignerKey(SIGNER), ONRECORD_LOG_ORIGIN: 'archive.test/log', LOG_LEVEL: 'silent' };
const A = idAt('2026-03-04T10:00:00Z');

async function cli(env: Record<string, string>, ...args: string[]) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime({ stdout, stderr: new PassThrough(), isTty: false }, env);
  const program = new Command('onrecord').exitOverride();
  registerEvidence(program, rt);
  registerVerify(program, rt);
  let code = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (!(err instanceof ExitCode)) throw err;
    code = err.code;
  }
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

async function seed(d: Database) {
  const posts = createPostsRepository(d.prisma);
  const store = (body: unknown, now: Date) =>
    d.prisma.$transaction((tx) =>
      posts.storeBatch({ accountId: null, ...batchOf(body), firstSeenBy: 'poll', raiseNew: false, now }, tx),
    );
  await store(page([tweet(A, 'We will hold a press conference at noon.')]), NOW);
  const post = await d.prisma.post.findFirstOrThrow();
  const { id: articleId } = await d.prisma.$transaction((tx) =>
    createArticlesRepository(d.prisma).upsertArticle(
      {
        key: 'https://news.example/noon',
        url: 'https://news.example/noon',
        canonicalUrl: 'https://news.example/noon',
        title: 'A conference at noon',
        byline: null,
        siteName: null,
        publishedAt: null,
        text: 'The account said it would hold a press conference at noon.',
        contentSha256: 'c-noon',
        snapshot: {
          sha256: 's-noon',
          body: '<article><p>The account said it would hold a press conference at noon.</p></article>',
          contentType: 'text/html',
          fetchedFrom: 'https://news.example/noon',
        },
      },
      tx,
    ),
  );
  await d.prisma.articleReference.create({
    data: {
      articleId,
      postId: post.id,
      fingerprint: `x:id:${A}`,
      platform: 'x',
      kind: 'link',
      confidence: 1,
      evidence: {},
      status: 'resolved',
    },
  });
  await d.prisma.$transaction((tx) =>
    posts.markUnavailable(
      'x',
      [{ id: A, status: 'deleted', detail: 'Could not find tweet' }],
      new Date('2026-03-06T00:00:00Z'),
      tx,
    ),
  );
}

describe('evidence bundles', () => {
  let zipPath: string;
  let zip: Buffer;
  beforeAll(async () => {
    await seed(db());
    zipPath = join(dir, 'evidence.zip');
    const made = await cli(
      { ...ENV, DATABASE_URL: db().url, ONRECORD_DATA_DIR: dir },
      'evidence',
      `x:${A}`,
      '--out',
      zipPath,
    );
    expect(made.code).toBe(0);
    zip = readFileSync(zipPath);
  });

  it('holds the captures, versions, observations, citing snapshots, proofs, key, manifest and report', () => {
    const files = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as BundleManifest;
    expect(Object.keys(files).sort()).toEqual(
      [
        'checkpoint.txt',
        'key.vkey',
        'manifest.json',
        'manifest.sig',
        'report.html',
        ...manifest.items.filter((i) => i.kind !== 'report').map((i) => i.path),
      ].sort(),
    );
    expect(manifest.items.map((i) => [i.kind, Boolean(i.leaf)])).toEqual([
      ['capture', true],
      ['version', false],
      ['observation', true],
      ['observation', true],
      ['article_snapshot', true],
      ['report', false],
    ]);
    expect(manifest.items.filter((i) => i.kind === 'observation').map((i) => i.title)).toEqual([
      'first_seen',
      'deleted (Could not find tweet)',
    ]);
    expect(manifest.verifierKey).toBe(formatVerifierKey(SIGNER));
    expect(Buffer.from(files['key.vkey']!).toString()).toBe(`${formatVerifierKey(SIGNER)}\n`);
    const report = Buffer.from(files['report.html']!).toString('utf8');
    expect(report).toContain('We will hold a press conference at noon.');
    expect(report).toContain('Status observation: deleted (Could not find tweet)');
    expect(report).toContain('Copy of an article that cites the post: A conference at noon');
  });

  it('verifies offline, with no database and no data directory', async () => {
    const checked = await cli({ LOG_LEVEL: 'silent' }, 'verify', zipPath);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain(`OK: 6 files of x:${A}, 4 proven in the log`);
    const json = JSON.parse((await cli({}, 'verify', zipPath, '--json')).out);
    expect([json.ok, json.proven, json.problems, json.treeSize]).toEqual([true, 4, [], 4]);
  });

  it('fails when any single byte changes: in every member and across the container', () => {
    const files = unzipSync(zip);
    const offsets = new Set<number>();
    for (const bytes of Object.values(files)) {
      const at = zip.indexOf(Buffer.from(bytes));
      expect(at).toBeGreaterThan(0);
      for (const k of [0, Math.floor(bytes.length / 2), bytes.length - 1]) offsets.add(at + k);
    }
    for (let i = 0; i < zip.length; i += 37) offsets.add(i);
    for (const offset of offsets) {
      const changed = Buffer.from(zip);
      changed[offset] = changed[offset]! ^ 0x01;
      expect(checkEvidenceZip(changed).ok, `byte ${offset} flipped`).toBe(false);
    }
    expect(checkEvidenceZip(zip).ok).toBe(true);
  });

  it('names a changed member', async () => {
    const files = unzipSync(zip);
    const capture = Object.keys(files).find((p) => p.startsWith('captures/'))!;
    const text = Buffer.from(files[capture]!).toString('utf8').replace('noon', 'nine');
    const { zipSync } = await import('fflate');
    const forged = zipSync(
      { ...files, [capture]: Buffer.from(text) },
      { level: 0, mtime: new Date('2000-01-01T00:00:00Z') },
    );
    const path = join(dir, 'forged.zip');
    writeFileSync(path, forged);
    const checked = await cli({}, 'verify', path);
    expect(checked.code).toBe(1);
    expect(checked.out).toContain(`FAIL ${capture} was changed (sha256 differs from the manifest)`);
    expect(checked.out).toContain(`FAIL ${capture} is not what its log leaf 0 describes`);
  });

  it('is served by GET /api/posts/:platform/:id/evidence.zip', async () => {
    const app = await buildTestApp(db(), { ...ENV, ONRECORD_DATA_DIR: dir });
    try {
      const res = await app.inject({ url: `/api/posts/x/${A}/evidence.zip` });
      expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/zip']);
      expect(checkEvidenceZip(res.rawPayload)).toMatchObject({ ok: true, proven: 4 });
      expect((await app.inject({ url: '/api/posts/x/1/evidence.zip' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
