// `import` runs in-process (commander + the real runtime, output captured)
// against the real PostgreSQL, on fixtures written in each format's
// documented shape: twarc2 responses and flattened posts (with __twarc, a
// line with only errors, a truncated line, CRLF, a BOM, gzip), a single v2
// response, an X archive (zip with tweets-part1.js, or tweets.js alone) and
// onrecord's own export, which round-trips.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { registerAccounts } from '../../../src/cli/commands/accounts.js';
import { registerExport } from '../../../src/cli/commands/export.js';
import { registerImport } from '../../../src/cli/commands/import.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { sha256Hex } from '../../../src/adapters/db/page-insert.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';

const db = useTestDatabase();
beforeEach(() => truncateAll(db()));
const dir = mkdtempSync(join(tmpdir(), 'onrecord-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => new URL(`../../fixtures/import/${name}`, import.meta.url).pathname;

async function cli(...args: string[]): Promise<string> {
  return (await cliWithStderr(new PassThrough(), ...args)).stdout;
}

/** Runs a command with stderr given (a terminal's stand-in: isTTY set draws the progress bar). */
async function cliWithStderr(stderr: PassThrough, ...args: string[]) {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime(
    { stdout, stderr, isTty: false },
    { DATABASE_URL: db().url, LOG_LEVEL: 'silent', ONRECORD_POLL_INTERVAL: '10m' },
  );
  const program = new Command('onrecord').exitOverride();
  for (const register of [registerImport, registerExport, registerAccounts]) register(program, rt);
  await program.parseAsync(args, { from: 'user' });
  return { stdout: Buffer.concat(chunks).toString('utf8') };
}

const importJson = async (file: string, ...flags: string[]) =>
  JSON.parse(await cli('import', file, '--json', ...flags));

async function tableCounts() {
  const [row] = await db().prisma.$queryRawUnsafe<Record<string, number>[]>(`SELECT
    (SELECT count(*)::int FROM captures) AS captures, (SELECT count(*)::int FROM posts) AS posts,
    (SELECT count(*)::int FROM post_versions) AS versions, (SELECT count(*)::int FROM ingest_problems) AS problems,
    (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM events) AS events`);
  return row!;
}

describe('import twarc2', () => {
  it('stores each response line as a capture with its file and line; bad lines are problems; again writes nothing', async () => {
    const file = fixture('twarc2-responses.jsonl');
    expect(await importJson(file)).toEqual({ lines: 4, posts: 3, postsNew: 3, versionsNew: 4, problems: 1 });
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    const captures = await db().prisma.capture.findMany({ orderBy: { id: 'asc' } });
    expect(captures.map((c) => [c.fileName, c.fileLine, c.source])).toEqual([
      ['twarc2-responses.jsonl', 1, 'x:import-twarc2'],
      ['twarc2-responses.jsonl', 2, 'x:import-twarc2'],
      ['twarc2-responses.jsonl', 4, 'x:import-twarc2'],
      ['twarc2-responses.jsonl', 5, 'x:import-twarc2'],
    ]);
    expect(captures.map((c) => c.body)).toEqual([lines[0], lines[1], lines[3], lines[4]]);
    expect(captures.every((c) => c.sha256 === sha256Hex(c.body))).toBe(true);
    expect(captures[0]!.requestUrl).toContain('/2/tweets/search/all');
    expect(captures[0]!.capturedAt).toEqual(new Date('2026-03-05T09:00:00Z'));
    const problems = await db().prisma.ingestProblem.findMany();
    expect(problems.map((p) => [p.captureId, p.message.split(': ')[0]])).toEqual([
      [captures[2]!.id, 'twarc2-responses.jsonl:4'],
    ]);
    const edited = await db().prisma.post.findFirstOrThrow({
      where: { platformId: '1765000000000000020' },
      include: { versions: { orderBy: { createdAt: 'asc' } } },
    });
    expect(edited.versions.map((v) => v.text)).toEqual([
      'The consultation closes on 13 April.',
      'Corrected: the consultation closes on 30 April.',
    ]);
    expect(edited.firstSeenBy).toBe('import');
    const before = await tableCounts();
    expect(before.events).toBe(0);
    expect(await importJson(file)).toEqual({ lines: 4, posts: 3, postsNew: 0, versionsNew: 0, problems: 1 });
    expect(await tableCounts()).toEqual(before);
  });

  it('makes unknown authors archived accounts, polled only once added', async () => {
    await cli('accounts', 'add', 'x:dept_of_samples');
    await importJson(fixture('twarc2-responses.jsonl'));
    const accounts = await db().prisma.account.findMany({ orderBy: { handle: 'asc' } });
    expect(accounts.map((a) => [a.handle, a.status, a.platformUserId])).toEqual([
      ['dept_of_samples', 'active', null], // its user ID is the poller's to resolve
      ['example_min', 'archived', '900000000000000001'],
    ]);
    const posts = await db().prisma.post.findMany({ include: { account: true }, orderBy: { platformId: 'asc' } });
    expect(posts.map((p) => p.account?.handle)).toEqual(['example_min', 'example_min', 'dept_of_samples']);
    expect(await cli('accounts', 'add', 'x:example_min')).toBe('watching x:example_min every 10m\n');
    const min = await db().prisma.account.findFirstOrThrow({ where: { handle: 'example_min' } });
    expect(min.status).toBe('active');
  });

  it('reads flattened posts, their inlined author and media, and a gzip’d copy the same way', async () => {
    const flat = fixture('twarc2-flat.jsonl');
    expect(await importJson(flat)).toEqual({ lines: 4, posts: 3, postsNew: 3, versionsNew: 3, problems: 1 });
    const reply = await db().prisma.post.findFirstOrThrow({
      where: { platformId: '1766000000000000010' },
      include: { account: true },
    });
    expect(reply.account).toMatchObject({ handle: 'example_min', status: 'archived' });
    expect(reply.media).toEqual([expect.objectContaining({ key: '3_1766000000000000099' })]);
    const orphan = await db().prisma.post.findFirstOrThrow({ where: { platformId: '1766000000000000030' } });
    expect([orphan.accountId, orphan.authorPlatformId]).toEqual([null, '900000000000000004']);
    const [problem] = await db().prisma.ingestProblem.findMany();
    expect(problem!.message).toMatch(/^twarc2-flat\.jsonl:4: neither an X API v2 response/);
    const gz = join(dir, 'twarc2-flat.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(flat)));
    expect(await importJson(gz)).toEqual({ lines: 4, posts: 3, postsNew: 0, versionsNew: 0, problems: 1 });
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, readFileSync(gz).subarray(0, 200));
    await expect(cli('import', cut)).rejects.toThrow(/unexpected end of file/);
  });
  it('stores lines read in one batch each with its own capture; a post shown twice keeps its fuller media', async () => {
    const user = { id: '910000000000000001', username: 'sample_office', name: 'Sample Office' };
    const post = (id: string, text: string, media?: string[]) => ({
      id,
      text,
      created_at: '2026-04-01T10:00:00.000Z',
      author_id: user.id,
      edit_history_tweet_ids: [id],
      ...(media ? { attachments: { media_keys: media } } : {}),
    });
    const twarc = { url: 'https://api.twitter.com/2/tweets/search/recent?query=x', version: '2.14.0' };
    const photo = { media_key: '3_1780000000000000099', type: 'photo', url: 'https://pbs.twimg.com/media/b1.jpg' };
    // Line 1 names the photo without its details; line 2 shows the same post with them, and one more post.
    const lines = [
      { data: [post('1780000000000000001', 'First notice', [photo.media_key])], includes: { users: [user] } },
      {
        data: [post('1780000000000000001', 'First notice', [photo.media_key]), post('1780000000000000002', 'Second')],
        includes: { users: [user], media: [photo] },
      },
    ].map((body, i) => JSON.stringify({ ...body, __twarc: { ...twarc, retrieved_at: `2026-04-0${i + 2}T00:00:00Z` } }));
    const file = join(dir, 'one-batch.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(await importJson(file)).toEqual({ lines: 2, posts: 3, postsNew: 2, versionsNew: 2, problems: 1 });
    const captures = await db().prisma.capture.findMany({ orderBy: { id: 'asc' } });
    expect(captures.map((c) => [c.fileLine, c.body, c.capturedAt.toISOString()])).toEqual([
      [1, lines[0], '2026-04-02T00:00:00.000Z'],
      [2, lines[1], '2026-04-03T00:00:00.000Z'],
    ]);
    const versions = await db().prisma.postVersion.findMany({ orderBy: { versionId: 'asc' } });
    expect(versions.map((v) => [v.versionId, v.captureId, (v.data as { media: unknown[] }).media.length])).toEqual([
      ['1780000000000000001', captures[1]!.id, 1],
      ['1780000000000000002', captures[1]!.id, 0],
    ]);
    const leaves = await db().prisma.$queryRaw<{ kind: string; n: number }[]>`
      SELECT kind, count(*)::int AS n FROM log_leaves GROUP BY kind ORDER BY kind`;
    expect(leaves).toEqual([
      { kind: 'capture', n: 2 },
      { kind: 'observation', n: 2 },
    ]);
    const problems = await db().prisma.ingestProblem.findMany();
    expect(problems.map((p) => [p.captureId, p.code])).toEqual([[captures[0]!.id, 'media_missing']]);
    expect(await importJson(file)).toMatchObject({ postsNew: 0, versionsNew: 0 });
    expect(await tableCounts()).toMatchObject({ captures: 2, posts: 2, versions: 2, problems: 1 });
  });

  it('keeps a line whose posts have several authors as one capture, named by each of their versions', async () => {
    const users = ['920000000000000001', '920000000000000002'].map((id, i) => ({
      id,
      username: `office_${i + 1}`,
      name: `Office ${i + 1}`,
    }));
    const post = (id: string, author: string) => ({
      id,
      text: `Notice ${id.slice(-1)}`,
      created_at: '2026-04-01T10:00:00.000Z',
      author_id: author,
      edit_history_tweet_ids: [id],
    });
    const body = {
      data: [post('1781000000000000001', users[0]!.id), post('1781000000000000002', users[1]!.id)],
      includes: { users },
    };
    const file = join(dir, 'two-authors.jsonl');
    writeFileSync(file, `${JSON.stringify(body)}\n`);
    expect(await importJson(file)).toEqual({ lines: 1, posts: 2, postsNew: 2, versionsNew: 2, problems: 0 });
    const [capture, ...more] = await db().prisma.capture.findMany({ include: { account: true } });
    expect(more).toEqual([]);
    expect([capture!.fileName, capture!.fileLine, capture!.account?.handle]).toEqual([
      'two-authors.jsonl',
      1,
      'office_1',
    ]);
    const versions = await db().prisma.postVersion.findMany({ orderBy: { versionId: 'asc' } });
    expect(versions.map((v) => v.captureId)).toEqual([capture!.id, capture!.id]);
    const posts = await db().prisma.post.findMany({ include: { account: true }, orderBy: { platformId: 'asc' } });
    expect(posts.map((p) => p.account?.handle)).toEqual(['office_1', 'office_2']);
    const leaves = await db().prisma.$queryRaw<{ kind: string; n: number }[]>`
      SELECT kind, count(*)::int AS n FROM log_leaves GROUP BY kind ORDER BY kind`;
    expect(leaves).toEqual([
      { kind: 'capture', n: 1 },
      { kind: 'observation', n: 2 },
    ]);
  });
});

describe('import x-response and x-archive', () => {
  it('reads one pretty-printed response body as one capture', async () => {
    expect(await importJson(fixture('x-response.json'))).toEqual({
      lines: 1,
      posts: 1,
      postsNew: 1,
      versionsNew: 1,
      problems: 0,
    });
    const capture = await db().prisma.capture.findFirstOrThrow();
    expect([capture.source, capture.fileName, capture.fileLine]).toEqual(['x:import-x-response', 'x-response.json', 1]);
    expect(capture.body).toBe(readFileSync(fixture('x-response.json'), 'utf8'));
  });

  it('reads every tweets part of an archive zip, the author from account.js', async () => {
    expect(await importJson(fixture('x-archive.zip'))).toEqual({
      lines: 4,
      posts: 3,
      postsNew: 3,
      versionsNew: 3,
      problems: 1,
    });
    const posts = await db().prisma.post.findMany({ include: { account: true }, orderBy: { platformId: 'asc' } });
    expect(posts.map((p) => [p.platformId, p.account?.handle, p.editIds])).toEqual([
      ['1700000000000000010', 'example_min', ['1700000000000000010']],
      ['1700000000000000015', 'example_min', ['1700000000000000015', '1700000000000000020']],
      ['1700000000000000030', 'example_min', ['1700000000000000030']],
    ]);
    const versions = await db().prisma.postVersion.findMany({ orderBy: { versionId: 'asc' } });
    expect(versions.map((v) => [v.versionId, v.createdAt.toISOString()])).toEqual([
      ['1700000000000000010', '2020-03-04T16:41:27.000Z'],
      ['1700000000000000020', '2020-03-05T09:00:00.000Z'],
      ['1700000000000000030', '2020-03-06T17:30:00.000Z'],
    ]);
    const captures = await db().prisma.capture.findMany({ orderBy: { id: 'asc' } });
    expect(captures.map((c) => `${c.fileName}:${c.fileLine}`)).toEqual([
      'x-archive.zip!data/tweets.js:1',
      'x-archive.zip!data/tweets.js:2',
      'x-archive.zip!data/tweets-part1.js:1',
      'x-archive.zip!data/tweets-part1.js:2',
    ]);
    const [problem] = await db().prisma.ingestProblem.findMany();
    expect(problem!.message).toMatch(/^x-archive\.zip!data\/tweets-part1\.js:2: malformed post/);
    expect(await importJson(fixture('x-archive.zip'))).toMatchObject({ postsNew: 0, versionsNew: 0 });
  });

  it('reads tweets.js given alone, with the account.js beside it', async () => {
    const data = join(dir, 'alone', 'data');
    mkdirSync(data, { recursive: true });
    for (const name of ['tweets.js', 'account.js']) copyFileSync(fixture(`archive/data/${name}`), join(data, name));
    expect(await importJson(join(data, 'tweets.js'))).toMatchObject({ lines: 2, posts: 2, postsNew: 2, problems: 0 });
    const account = await db().prisma.account.findFirstOrThrow();
    expect([account.handle, account.status]).toEqual(['example_min', 'archived']);
  });

  it('draws a progress bar of bytes and posts on a terminal, and prints a summary line', async () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const err: Buffer[] = [];
    stderr.on('data', (c: Buffer) => err.push(c));
    const file = fixture('twarc2-responses.jsonl');
    const { stdout } = await cliWithStderr(stderr, 'import', file);
    const size = readFileSync(file).length;
    expect(Buffer.concat(err).toString('utf8')).toContain(`${size}/${size} bytes | 3 posts`);
    expect(stdout).toBe(
      'imported twarc2-responses.jsonl: 4 lines, 3 posts (3 new, 4 new versions), 1 problems (see: problems)\n',
    );
  });

  it('refuses an unknown --format and a missing file with a clear error', async () => {
    await expect(cli('import', fixture('x-response.json'), '--format', 'csv')).rejects.toThrow('--format must be');
    await expect(cli('import', join(dir, 'nothing.jsonl'))).rejects.toThrow('no such file');
  });
});

describe('import onrecord', () => {
  it('round-trips: an export imported into an empty database exports the same bytes', async () => {
    for (const name of ['twarc2-responses.jsonl', 'twarc2-flat.jsonl', 'x-archive.zip'])
      await cli('import', fixture(name));
    await db().exec(`UPDATE posts SET status = 'deleted', status_changed_at = '2026-03-09T00:00:00Z'
      WHERE platform_id = '1765000000000000040'`);
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.jsonl');
    await cli('export', '--format', 'jsonl', '--out', first);
    await truncateAll(db());
    expect(await importJson(first)).toMatchObject({ lines: 9, posts: 9, postsNew: 9, versionsNew: 10, problems: 0 });
    await cli('export', '--format', 'jsonl', '--out', second);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
    expect(readFileSync(first, 'utf8')).toContain('"status":"deleted"');
    expect(await importJson(second)).toMatchObject({ postsNew: 0, versionsNew: 0 });
  });

  it('keeps a record that cannot be read as a problem and goes on', async () => {
    const file = join(dir, 'bad-export.jsonl');
    writeFileSync(file, '{"id":"1","versions":[],"firstSeenBy":"poll"}\n{"id":"2",\n');
    expect(await importJson(file)).toEqual({ lines: 2, posts: 0, postsNew: 0, versionsNew: 0, problems: 2 });
    const problems = await db().prisma.ingestProblem.findMany({ orderBy: { id: 'asc' } });
    expect(problems.map((p) => p.message.split(': ')[0])).toEqual(['bad-export.jsonl:1', 'bad-export.jsonl:2']);
  });
});
