// Proves that the SQL migrations create what the generated Prisma client
// expects: every model is written and read back, on PostgreSQL and on the
// embedded PGlite, and the migrations are recorded as Prisma records them.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/adapters/db/database.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../../src/adapters/db/migrate.js';
import { createTestDatabase } from '../../helpers/database.js';

async function writeEveryModel(db: Database) {
  const p = db.prisma;
  const account = await p.account.create({
    data: { platform: 'x', platformUserId: '1593187340', handle: 'USFOR_A', displayName: 'USFOR-A' },
  });
  await p.accountHandle.create({ data: { accountId: account.id, handle: 'USFOR_A' } });
  const actor = await p.actor.create({ data: { name: 'USFOR-A spokesman' } });
  await p.actorChannel.create({ data: { actorId: actor.id, accountId: account.id } });
  await p.cursor.create({ data: { accountId: account.id, source: 'x:timeline', value: '1235243970720694456' } });
  await p.pollRun.create({ data: { accountId: account.id, outcome: 'complete', requests: 1 } });
  const capture = await p.capture.create({
    data: { platform: 'x', source: 'x:timeline', accountId: account.id, body: '{}', sha256: 'a'.repeat(64) },
  });
  await p.ingestProblem.create({ data: { captureId: capture.id, code: 'bad_payload', message: 'no id' } });
  const post = await p.post.create({
    data: {
      platform: 'x',
      platformId: '1235243970720694456',
      accountId: account.id,
      editIds: ['1235243970720694456'],
      text: 'Très précis: the statement',
      createdAt: new Date('2020-03-04T15:00:00Z'),
      urls: ['https://example.mil/a'],
      mentions: ['someone'],
      hashtags: ['tag'],
      media: [{ key: '3_1', type: 'photo' }],
      referencedPosts: [{ type: 'quoted', id: '1' }],
    },
  });
  const version = await p.postVersion.create({
    data: {
      postId: post.id,
      platform: 'x',
      versionId: '1235243970720694456',
      text: post.text,
      createdAt: post.createdAt,
      contentSha256: 'b'.repeat(64),
      data: { text: post.text },
      captureId: capture.id,
    },
  });
  const article = await p.article.create({
    data: { key: 'https://news.example/a', text: 'body', contentSha256: 'c'.repeat(64) },
  });
  await p.articleSnapshot.create({ data: { articleId: article.id, sha256: 'c'.repeat(64), body: '<p>body</p>' } });
  await p.articleReference.create({
    data: {
      articleId: article.id,
      postId: post.id,
      fingerprint: 'x:id:1235243970720694456',
      platform: 'x',
      kind: 'embed',
      confidence: 1,
      evidence: { id: true },
      status: 'resolved',
    },
  });
  const rule = await p.alertRule.create({
    data: {
      channel: 'webhook',
      target: 'https://hooks.example/x',
      accounts: ['x:USFOR_A'],
      actors: ['USFOR-A spokesman'],
      keywords: ['airstrike'],
    },
  });
  const event = await p.event.create({
    data: { kind: 'new', dedupeKey: 'new:x:1235243970720694456', postId: post.id, payload: { text: post.text } },
  });
  await p.delivery.create({ data: { ruleId: rule.id, eventId: event.id } });
  await p.logState.create({ data: { size: 1 } });
  await p.logLeaf.create({
    data: { leafIndex: 0, kind: 'capture', refId: capture.id, data: '{}', leafHash: new Uint8Array(32) },
  });
  await p.logCheckpoint.create({ data: { size: 1, rootHash: new Uint8Array(32), note: 'o\n1\n', verifierKey: 'k' } });
  await p.statusObservation.create({
    data: { postId: post.id, platform: 'x', platformId: post.platformId, status: 'first_seen', observedAt: new Date() },
  });
  await p.stream.create({ data: { name: 'x', state: 'connected', coveredAccountIds: [account.id] } });
  await p.streamRead.create({ data: { stream: 'x:activity', day: new Date('2026-03-04T00:00:00Z'), reads: 3 } });
  const media = await p.mediaFile.create({
    data: { url: 'https://pbs.twimg.com/media/Gabc.jpg', kind: 'photo', status: 'stored', sha256: 'd'.repeat(64) },
  });
  await p.versionMedia.create({ data: { versionId: version.id, mediaId: media.id, mediaKey: '3_1', position: 0 } });
  return { account, post, rule };
}

async function readEveryModel(db: Database) {
  const p = db.prisma;
  const counts = await Promise.all([
    p.account.count(),
    p.accountHandle.count(),
    p.actor.count(),
    p.actorChannel.count(),
    p.cursor.count(),
    p.pollRun.count(),
    p.capture.count(),
    p.ingestProblem.count(),
    p.post.count(),
    p.postVersion.count(),
    p.article.count(),
    p.articleSnapshot.count(),
    p.articleReference.count(),
    p.alertRule.count(),
    p.event.count(),
    p.delivery.count(),
    p.logState.count(),
    p.logLeaf.count(),
    p.logCheckpoint.count(),
    p.statusObservation.count(),
    p.stream.count(),
    p.streamRead.count(),
    p.mediaFile.count(),
    p.versionMedia.count(),
  ]);
  const post = await p.post.findFirstOrThrow({ include: { versions: true, references: true, events: true } });
  return { counts, post };
}

async function checkRoundTrip(db: Database) {
  const written = await writeEveryModel(db);
  const { counts, post } = await readEveryModel(db);
  expect(counts).toEqual(Array(24).fill(1));
  expect(post).toMatchObject({
    platformId: '1235243970720694456',
    text: 'Très précis: the statement',
    editIds: ['1235243970720694456'],
    urls: ['https://example.mil/a'],
    media: [{ key: '3_1', type: 'photo' }],
    status: 'available',
    versionCount: 1,
  });
  expect(post.versions).toHaveLength(1);
  expect(post.references[0]).toMatchObject({ kind: 'embed', confidence: 1, status: 'resolved' });
  expect(written.rule.events).toEqual(['new']);
  expect(written.rule.actors).toEqual(['USFOR-A spokesman']);
  // An actor's name is its key regardless of case.
  await expect(db.prisma.actor.create({ data: { name: 'usfor-a SPOKESMAN' } })).rejects.toThrow();
  // The generated search vector folds accents and stems English words.
  const hits = await db.prisma.$queryRaw<{ id: number }[]>`
    SELECT id FROM posts WHERE search_vector @@ websearch_to_tsquery('english', onrecord_unaccent('tres statements'))`;
  expect(hits.map((h) => h.id)).toEqual([written.post.id]);
}

describe('migrations on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  afterAll(() => db?.close());

  it('match the generated client: every model is written and read back', async () => {
    db = await createTestDatabase();
    await checkRoundTrip(db);
  });

  it('are recorded in _prisma_migrations with the sha256 of each file, and re-running applies nothing', async () => {
    const rows = await db.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null }[]>`
      SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    const files = await readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(files[i]!.checksum).toBe(row.checksum);
    }
    expect(await migrate(db)).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name) });
  });

  it('compress raw payloads with lz4 where the server has it', async () => {
    const body = JSON.stringify({ data: Array.from({ length: 200 }, (_, i) => ({ id: String(i), text: 'notice' })) });
    const capture = await db.prisma.capture.create({
      data: { platform: 'x', source: 'x:timeline', body, sha256: createHash('sha256').update(body).digest('hex') },
    });
    const [row] = await db.prisma.$queryRaw<{ method: string | null; body: string }[]>`
      SELECT pg_column_compression(body) AS method, body FROM captures WHERE id = ${capture.id}::int`;
    expect(row).toEqual({ method: 'lz4', body });
  });

  it('refuses to run when an applied migration was edited', async () => {
    await db.prisma.$executeRaw`UPDATE _prisma_migrations SET checksum = ${'0'.repeat(64)}`;
    await expect(migrate(db)).rejects.toThrow(/was changed after it was applied/);
  });
});

describe('migrations on the embedded PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onrecord-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('apply, match the generated client, and survive a reopen', async () => {
    const db = await openDatabase({ dataDir: dir });
    const first = await migrate(db);
    expect(first.applied.length).toBeGreaterThan(0);
    await checkRoundTrip(db);
    await db.close();

    const again = await openDatabase({ dataDir: dir });
    try {
      expect(await migrate(again)).toEqual({ applied: [], alreadyApplied: first.applied });
      expect(await again.prisma.post.count()).toBe(1);
      // This server has no lz4: its payloads keep the default compression.
      const [column] = await again.prisma.$queryRaw<{ compression: string }[]>`
        SELECT attcompression::text AS compression FROM pg_attribute
        WHERE attrelid = 'captures'::regclass AND attname = 'body'`;
      expect(column!.compression).toBe('');
    } finally {
      await again.close();
    }
  }, 120_000);
});
