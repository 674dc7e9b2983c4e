// `verify` names every kind of tampering: an edited, removed or unlogged row
// of each covered table, an edited blob (body), an edited, removed or
// reordered leaf, a forged or outrun checkpoint; and passes across a key
// rotation. Runs the CLI commands in-process against a real PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { registerLog } from '../../../src/cli/commands/log.js';
import { registerVerify } from '../../../src/cli/commands/verify.js';
import { createRuntime, ExitCode } from '../../../src/cli/runtime.js';
import { formatSignerKey, openCheckpoint, parseVerifierKey, signerFromSeed } from '../../../src/core/signed-note.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';
import type { VerifyReport } from '../../../src/jobs/evidence-verify.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-verify-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const KEY_A = formatSignerKey(signerFromSeed('archive.test/log', Buffer.alloc(32, 1)));
const KEY_B = formatSignerKey(signerFromSeed('archive.test/log', Buffer.alloc(32, 2)));

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime(
    { stdout, stderr: new PassThrough(), isTty: false },
    {
      DATABASE_URL: db().url,
      LOG_LEVEL: 'silent',
      ONRECORD_DATA_DIR: dataDir,
      ONRECORD_LOG_ORIGIN: 'archive.test/log',
      ...env,
    },
  );
  const program = new Command('onrecord').exitOverride();
  registerLog(program, rt);
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

async function verify(env: Record<string, string> = { ONRECORD_LOG_KEY: KEY_A }) {
  const { code, out } = await cli(env, 'verify', '--json');
  return { code, report: JSON.parse(out) as VerifyReport };
}

const problemsOf = (r: VerifyReport) => r.problems.map((p) => [p.code, p.kind ?? null, p.leafIndex ?? null]);

function store(d: Database, body: unknown) {
  const posts = createPostsRepository(d.prisma);
  return d.prisma.$transaction((tx) =>
    posts.storeBatch({ accountId: null, ...batchOf(body), firstSeenBy: 'poll', raiseNew: false, now: NOW }, tx),
  );
}

const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');

/** An archive with every covered kind: leaves 0 capture, 1 first_seen, 2 snapshot, 3 deleted, 4 capture, 5 first_seen. */
async function seed(d: Database) {
  await store(d, page([tweet(A, 'First statement')]));
  await d.prisma.$transaction((tx) =>
    createArticlesRepository(d.prisma).upsertArticle(
      {
        key: 'https://news.example/a',
        url: 'https://news.example/a',
        canonicalUrl: null,
        title: 'A report',
        byline: null,
        siteName: null,
        publishedAt: null,
        text: 'A report.',
        contentSha256: 'c1',
        snapshot: {
          sha256: 's1',
          body: '<p>A report.</p>',
          contentType: 'text/html',
          fetchedFrom: 'https://news.example/a',
        },
      },
      tx,
    ),
  );
  const posts = createPostsRepository(d.prisma);
  await d.prisma.$transaction((tx) =>
    posts.markUnavailable('x', [{ id: A, status: 'deleted', detail: 'gone' }], NOW, tx),
  );
  await store(d, page([tweet(B, 'Second statement')]));
}

describe('verify', () => {
  beforeEach(async () => {
    await truncateAll(db());
    await seed(db());
    expect((await cli({ ONRECORD_LOG_KEY: KEY_A }, 'log', 'checkpoint')).code).toBe(0);
  });

  it('passes on an untouched archive, in words and as JSON', async () => {
    const { code, report } = await verify();
    expect([code, report.ok, report.leaves, report.checkpoints, report.problems]).toEqual([0, true, 6, 1, []]);
    const text = await cli({ ONRECORD_LOG_KEY: KEY_A }, 'verify');
    expect(text.out).toContain('OK: everything verifies');
  });

  it.each([
    [
      'a capture body',
      `UPDATE captures SET body = body || ' ' WHERE id = (SELECT min(id) FROM captures)`,
      'capture',
      0,
    ],
    [
      'a capture time',
      `UPDATE captures SET captured_at = captured_at + interval '1 hour' WHERE id = (SELECT min(id) FROM captures)`,
      'capture',
      0,
    ],
    ['a snapshot body', `UPDATE article_snapshots SET body = '<p>Another report.</p>'`, 'article_snapshot', 2],
    [
      'a snapshot source',
      `UPDATE article_snapshots SET fetched_from = 'https://elsewhere.example/'`,
      'article_snapshot',
      2,
    ],
    [
      'an observed status',
      `UPDATE status_observations SET status = 'withheld' WHERE status = 'deleted'`,
      'observation',
      3,
    ],
    [
      'an observation time',
      `UPDATE status_observations SET observed_at = now() WHERE status = 'deleted'`,
      'observation',
      3,
    ],
  ])('names an edited row: %s', async (_what, sql, kind, leafIndex) => {
    await db().exec(sql);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(problemsOf(report)).toEqual([['row_changed', kind, leafIndex]]);
  });

  it('names a removed row of each table', async () => {
    await db().exec(`DELETE FROM article_snapshots; DELETE FROM status_observations WHERE status = 'deleted';
      UPDATE post_versions SET capture_id = NULL; DELETE FROM captures WHERE id = (SELECT max(id) FROM captures)`);
    const { report } = await verify();
    expect(problemsOf(report)).toEqual([
      ['row_missing', 'article_snapshot', 2],
      ['row_missing', 'observation', 3],
      ['row_missing', 'capture', 4],
    ]);
  });

  it('names a row that has no leaf', async () => {
    await db().exec(
      `INSERT INTO status_observations (platform, platform_id, status, observed_at) VALUES ('x', '1', 'deleted', now())`,
    );
    expect(problemsOf((await verify()).report)).toEqual([['row_unlogged', 'observation', null]]);
  });

  it('names an edited leaf, and the checkpoint it breaks', async () => {
    await db().exec(
      `UPDATE log_leaves SET data = replace(data, 'gone', 'removed'), leaf_hash = sha256('\\x00'::bytea || convert_to(replace(data, 'gone', 'removed'), 'UTF8')) WHERE leaf_index = 3`,
    );
    expect(problemsOf((await verify()).report)).toEqual([
      ['row_changed', 'observation', 3],
      ['checkpoint_mismatch', null, null],
    ]);
  });

  it('names a leaf whose hash was changed, a removed leaf and an extra leaf', async () => {
    await db().exec(`UPDATE log_leaves SET leaf_hash = sha256('x') WHERE leaf_index = 1;
      DELETE FROM log_leaves WHERE leaf_index = 4;
      INSERT INTO log_leaves (leaf_index, kind, ref_id, data, leaf_hash) VALUES (6, 'capture', 999, '{}', sha256('y'))`);
    const { report } = await verify();
    expect(problemsOf(report)).toEqual([
      ['leaf_hash', null, 1],
      ['leaf_missing', null, 4],
      ['leaf_extra', null, 6],
      ['checkpoint_mismatch', null, null],
      ['row_unlogged', 'capture', null],
    ]);
  });

  it('names reordered leaves through the checkpoint that covers them', async () => {
    await db().exec(`UPDATE log_leaves SET leaf_index = -1 WHERE leaf_index = 0;
      UPDATE log_leaves SET leaf_index = 0 WHERE leaf_index = 1; UPDATE log_leaves SET leaf_index = 1 WHERE leaf_index = -1`);
    const { report } = await verify();
    expect(problemsOf(report)).toEqual([['checkpoint_mismatch', null, null]]);
    expect(report.problems[0]!.message).toContain('leaves 0..5 were changed, removed or reordered');
  });

  it('names a forged checkpoint and one that covers more leaves than the log has', async () => {
    await db().exec(`UPDATE log_checkpoints SET note = replace(note, E'\\n6\\n', E'\\n7\\n')`);
    expect(problemsOf((await verify()).report)).toEqual([['checkpoint_signature', null, null]]);
    await truncateAll(db());
    await seed(db());
    await cli({ ONRECORD_LOG_KEY: KEY_A }, 'log', 'checkpoint');
    await db().exec(`DELETE FROM log_leaves WHERE leaf_index = 5; UPDATE log_state SET size = 5;
      DELETE FROM status_observations WHERE id = (SELECT max(id) FROM status_observations)`);
    expect(problemsOf((await verify()).report)).toEqual([['checkpoint_ahead', null, null]]);
  });

  it('verifies checkpoints signed before and after a key rotation', async () => {
    await store(db(), page([tweet(idAt('2026-03-04T12:00:00Z'), 'Third statement')]));
    const signed = await cli({ ONRECORD_LOG_KEY: KEY_B }, 'log', 'checkpoint', '--json');
    const checkpoint = JSON.parse(signed.out);
    expect(openCheckpoint(checkpoint.note, parseVerifierKey(checkpoint.verifierKey)).size).toBe(8);
    const { code, report } = await verify({ ONRECORD_LOG_KEY: KEY_B });
    expect([code, report.ok, report.checkpoints, report.keys.length, report.latestSignedByCurrentKey]).toEqual([
      0,
      true,
      2,
      2,
      true,
    ]);
    expect((await verify({ ONRECORD_LOG_KEY: KEY_A })).report.latestSignedByCurrentKey).toBe(false);
  });

  it('prints the public key and creates the key once in the data directory', async () => {
    const first = await cli({}, 'log', 'key');
    expect(first.out).toMatch(/^archive\.test\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\n$/);
    expect((await cli({}, 'log', 'key')).out).toBe(first.out);
    expect((await cli({ ONRECORD_LOG_KEY: KEY_A }, 'log', 'key')).out).not.toBe(first.out);
  });
});
