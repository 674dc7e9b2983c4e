// export --format warc, read back with warcio's parser (the webrecorder WARC
// library): request/response pairs for API captures and article snapshots,
// resource records where there was no HTTP exchange, and payload digests
// that match the stored bytes.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { WARCParser } from 'warcio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { registerExport } from '../../../src/cli/commands/export.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'onrecord-warc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');

async function exportWarc(...args: string[]) {
  const rt = createRuntime(
    { stdout: new PassThrough(), stderr: new PassThrough(), isTty: false },
    { DATABASE_URL: db().url, LOG_LEVEL: 'silent' },
  );
  const program = new Command('onrecord').exitOverride();
  registerExport(program, rt);
  await program.parseAsync(['export', '--format', 'warc', ...args], { from: 'user' });
}

async function readBack(path: string) {
  const records = [];
  for await (const record of new WARCParser(createReadStream(path))) {
    const payload = Buffer.from(await record.readFully(true));
    records.push({
      type: record.warcType,
      version: record.warcHeaders.protocol,
      uri: record.warcTargetURI,
      payloadDigest: record.warcPayloadDigest ?? null,
      line: record.httpHeaders?.statusline ?? null,
      concurrentTo: record.warcConcurrentTo ?? [],
      id: record.warcHeader('WARC-Record-ID'),
      payload,
    });
  }
  return records;
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('WARC export', () => {
  beforeAll(async () => {
    const posts = createPostsRepository(db().prisma);
    await db().prisma.$transaction((tx) =>
      posts.storeBatch(
        {
          accountId: null,
          ...batchOf(page([tweet(B, 'Second'), tweet(A, 'First')])),
          firstSeenBy: 'poll',
          raiseNew: false,
          now: NOW,
        },
        tx,
      ),
    );
    const post = await db().prisma.post.findFirstOrThrow({ where: { platformId: A } });
    for (const [key, fetchedFrom] of [
      ['https://news.example/a', 'https://news.example/a'],
      ['sha256:pasted', null],
    ] as const) {
      const { id } = await db().prisma.$transaction((tx) =>
        createArticlesRepository(db().prisma).upsertArticle(
          {
            key,
            url: fetchedFrom,
            canonicalUrl: fetchedFrom,
            title: 'A report',
            byline: null,
            siteName: null,
            publishedAt: null,
            text: `A report citing the first statement (${key}).`,
            contentSha256: key,
            snapshot: { sha256: key, body: `<p>A report (${key}).</p>`, contentType: 'text/html', fetchedFrom },
          },
          tx,
        ),
      );
      await db().prisma.articleReference.create({
        data: {
          articleId: id,
          postId: post.id,
          fingerprint: `x:id:${A}`,
          platform: 'x',
          kind: 'link',
          confidence: 1,
          evidence: {},
        },
      });
    }
  });

  it('writes WARC 1.1 request/response and resource records with payload digests, readable by warcio', async () => {
    const path = join(dir, 'all.warc.gz');
    await exportWarc('--out', path);
    const records = await readBack(path);
    const capture = await db().prisma.capture.findFirstOrThrow();
    expect(records.map((r) => [r.type, r.version, r.uri, r.line])).toEqual([
      ['warcinfo', 'WARC/1.1', null, null],
      ['request', 'WARC/1.1', capture.requestUrl, 'GET /2/users/1593187340/tweets?max_results=100 HTTP/1.1'],
      ['response', 'WARC/1.1', capture.requestUrl, 'HTTP/1.1 200 OK'],
      ['request', 'WARC/1.1', 'https://news.example/a', 'GET /a HTTP/1.1'],
      ['response', 'WARC/1.1', 'https://news.example/a', 'HTTP/1.1 200 OK'],
      ['resource', 'WARC/1.1', 'urn:onrecord:snapshot:2', null],
    ]);
    const response = records[2]!;
    expect(response.payload.toString('utf8')).toBe(capture.body);
    expect(response.payloadDigest).toBe(sha(response.payload));
    expect(records[1]!.concurrentTo).toEqual([response.id]);
    for (const r of records.slice(1)) expect(r.payloadDigest).toBe(sha(r.payload));
    expect(records[5]!.payload.toString()).toBe('<p>A report (sha256:pasted).</p>');
  });

  it('exports only what the filters select', async () => {
    const path = join(dir, 'none.warc.gz');
    await exportWarc('no such words anywhere', '--out', path);
    expect((await readBack(path)).map((r) => r.type)).toEqual(['warcinfo']);
  });
});
