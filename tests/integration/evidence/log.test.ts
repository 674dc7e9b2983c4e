// The evidence log on a real PostgreSQL: leaves appended with the rows they
// cover (in the same transaction), gap-free indices under concurrent writers,
// signed checkpoints, proofs over HTTP, and the signing key's life.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createArticlesRepository } from '../../../src/adapters/db/articles-repository.js';
import { loadLogKey } from '../../../src/adapters/evidence/log-key.js';
import { leafEntry, type LeafKind } from '../../../src/core/log-leaf.js';
import { loadLeafRows } from '../../../src/adapters/db/log-rows.js';
import { leafHash, rootHash, verifyConsistency, verifyInclusion } from '../../../src/core/merkle.js';
import {
  formatSignerKey,
  formatVerifierKey,
  openCheckpoint,
  parseVerifierKey,
  signerFromSeed,
} from '../../../src/core/signed-note.js';
import { createLogTree, signCheckpoint } from '../../../src/jobs/evidence-log.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { batchOf, captureOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const ORIGIN = 'archive.test/log';
const signer = signerFromSeed(ORIGIN, Buffer.alloc(32, 3));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function store(d: Database, body: unknown, now = NOW) {
  const posts = createPostsRepository(d.prisma);
  return d.prisma.$transaction((tx) =>
    posts.storeBatch(
      { accountId: null, ...batchOf(body), capture: captureOf(body, now), firstSeenBy: 'poll', raiseNew: false, now },
      tx,
    ),
  );
}

async function leaves(d: Database) {
  const rows = await d.prisma.logLeaf.findMany({ orderBy: { leafIndex: 'asc' } });
  return rows.map((r) => ({ index: r.leafIndex, kind: r.kind, refId: r.refId, data: JSON.parse(r.data) }));
}

const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');

describe('evidence log', () => {
  beforeEach(() => truncateAll(db()));

  it('appends a capture leaf and a first_seen observation per new post; the same page again appends nothing', async () => {
    const body = page([tweet(B, 'Second statement'), tweet(A, 'First statement')]);
    const stored = await store(db(), body);
    const capture = await db().prisma.capture.findFirstOrThrow();
    const observations = await db().prisma.statusObservation.findMany({ orderBy: { id: 'asc' } });
    expect(observations.map((o) => [o.platformId, o.status, o.observedAt])).toEqual(
      expect.arrayContaining([
        [A, 'first_seen', NOW],
        [B, 'first_seen', NOW],
      ]),
    );
    expect(await leaves(db())).toEqual([
      {
        index: 0,
        kind: 'capture',
        refId: stored.captureId,
        data: {
          v: 1,
          kind: 'capture',
          id: stored.captureId,
          platform: 'x',
          source: 'x:timeline',
          requestUrl: capture.requestUrl,
          httpStatus: 200,
          contentType: 'application/json; charset=utf-8',
          capturedAt: NOW.toISOString(),
          sha256: capture.sha256,
        },
      },
      ...observations.map((o, i) => ({
        index: i + 1,
        kind: 'observation',
        refId: o.id,
        data: {
          v: 1,
          kind: 'observation',
          id: o.id,
          platform: 'x',
          platformId: o.platformId,
          status: 'first_seen',
          detail: null,
          observedAt: NOW.toISOString(),
        },
      })),
    ]);
    const [row] = await db().prisma.logLeaf.findMany({ where: { leafIndex: 0 } });
    expect(Buffer.from(row!.leafHash).equals(leafHash(row!.data))).toBe(true);
    await store(db(), body);
    expect(await db().prisma.logLeaf.count()).toBe(3);
    expect(await createLogTree(db().prisma).repo.size()).toBe(3);
  });

  it('observes a deletion and a restoration, each as a leaf', async () => {
    await store(db(), page([tweet(A, 'First statement')]));
    const posts = createPostsRepository(db().prisma);
    const later = new Date('2026-03-06T00:00:00Z');
    await db().prisma.$transaction((tx) =>
      posts.markUnavailable('x', [{ id: A, status: 'deleted', detail: 'Could not find tweet' }], later, tx),
    );
    const again = new Date('2026-03-07T00:00:00Z');
    await store(db(), page([tweet(A, 'First statement')], { meta: { result_count: 1, newest_id: A } }), again);
    const observed = (await leaves(db())).filter((l) => l.kind === 'observation').map((l) => l.data);
    expect(observed.map((o) => [o.platformId, o.status, o.detail, o.observedAt])).toEqual([
      [A, 'first_seen', null, NOW.toISOString()],
      [A, 'deleted', 'Could not find tweet', later.toISOString()],
      [A, 'restored', null, again.toISOString()],
      // Seen again on a later day than it was last seen.
      [A, 'last_seen', null, again.toISOString()],
    ]);
  });

  it('writes each observation leaf as leafData of its row, hashed as leafHash, whatever its text holds', async () => {
    await store(db(), page([tweet(A, 'First statement'), tweet(B, 'Second statement')]));
    const posts = createPostsRepository(db().prisma);
    const detail = 'says "gone"\n\u0001\t\\ é ✓ 𝕏 \u2028';
    await db().prisma.$transaction((tx) =>
      posts.markUnavailable('x', [{ id: A, status: 'deleted', detail }], new Date('2026-03-06T00:00:00Z'), tx),
    );
    await store(
      db(),
      page([tweet(A, 'First statement'), tweet(B, 'Second statement')]),
      new Date('2026-03-07T00:00:00Z'),
    );
    const observations = await db().prisma.statusObservation.findMany({ orderBy: { id: 'asc' } });
    const rows = await db().prisma.logLeaf.findMany({ where: { kind: 'observation' }, orderBy: { leafIndex: 'asc' } });
    expect(observations.map((o) => o.status)).toEqual([
      'first_seen',
      'first_seen',
      'deleted',
      'restored',
      'last_seen',
      'last_seen',
    ]);
    expect(observations.find((o) => o.status === 'deleted')!.detail).toBe(detail);
    expect(rows.map((r) => r.refId)).toEqual(observations.map((o) => o.id));
    for (const [i, o] of observations.entries()) {
      const expected = leafEntry({ kind: 'observation', ...o });
      expect(rows[i]!.data).toBe(expected.data);
      expect(Buffer.from(rows[i]!.leafHash).equals(expected.hash)).toBe(true);
    }
    const indices = (await leaves(db())).map((l) => l.index);
    expect(indices).toEqual([...indices.keys()]);
  });

  it('logs several pages stored in one statement: each new capture once, in order, then the new posts', async () => {
    const first = page([tweet(A, 'First statement')]);
    const second = page([tweet(B, 'Second statement')]);
    const input = (body: unknown) => ({
      accountId: null,
      ...batchOf(body),
      capture: captureOf(body, NOW),
      firstSeenBy: 'import' as const,
      raiseNew: false,
      now: NOW,
    });
    const stored = await db().prisma.$transaction((tx) =>
      createPostsRepository(db().prisma).storePages([input(first), input(first), input(second)], tx),
    );
    const logged = await leaves(db());
    expect(logged.map((l) => [l.index, l.kind, l.refId])).toEqual([
      [0, 'capture', stored.captureIds[0]],
      [1, 'capture', stored.captureIds[2]],
      [2, 'observation', expect.any(Number)],
      [3, 'observation', expect.any(Number)],
    ]);
    expect(stored.captureIds[1]).toBe(stored.captureIds[0]);
    expect(logged.slice(2).map((l) => [l.data.platformId, l.data.status])).toEqual([
      [A, 'first_seen'],
      [B, 'first_seen'],
    ]);
    // Each leaf is what verify recomputes from its row.
    for (const leaf of await db().prisma.logLeaf.findMany({ orderBy: { leafIndex: 'asc' } })) {
      const rows = await loadLeafRows(db().prisma, leaf.kind as LeafKind, [leaf.refId]);
      const expected = leafEntry(rows.get(leaf.refId)!);
      expect(leaf.data).toBe(expected.data);
      expect(Buffer.from(leaf.leafHash).equals(expected.hash)).toBe(true);
    }
  });

  it('appends an article snapshot leaf when the content is new', async () => {
    const input = {
      key: 'https://news.example/a',
      url: 'https://news.example/a',
      canonicalUrl: 'https://news.example/a',
      title: 'A report',
      byline: null,
      siteName: null,
      publishedAt: null,
      text: 'A report about a statement.',
      contentSha256: 'c1',
      snapshot: {
        sha256: 's1',
        body: '<p>A report about a statement.</p>',
        contentType: 'text/html',
        fetchedFrom: null,
      },
    };
    const { id } = await db().prisma.$transaction((tx) =>
      createArticlesRepository(db().prisma).upsertArticle(input, tx),
    );
    await db().prisma.$transaction((tx) => createArticlesRepository(db().prisma).upsertArticle(input, tx));
    const snapshot = await db().prisma.articleSnapshot.findFirstOrThrow();
    const logged = await leaves(db());
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: 'article_snapshot', refId: snapshot.id, data: { articleId: id } });
    expect(logged[0]!.data.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves no leaf behind when the transaction that stores the row fails, and no row without its leaf', async () => {
    const posts = createPostsRepository(db().prisma);
    const failing = db().prisma.$transaction(async (tx) => {
      await posts.storeBatch(
        {
          accountId: null,
          ...batchOf(page([tweet(A, 'x')])),
          firstSeenBy: 'poll',
          raiseNew: false,
          now: NOW,
        },
        tx,
      );
      throw new Error('crash after the rows');
    });
    await expect(failing).rejects.toThrow('crash after the rows');
    expect([await db().prisma.capture.count(), await db().prisma.logLeaf.count()]).toEqual([0, 0]);
    expect(await createLogTree(db().prisma).repo.size()).toBe(0);
    await store(db(), page([tweet(B, 'y')]));
    expect((await leaves(db())).map((l) => l.index)).toEqual([0, 1]);
  });

  it('gives gap-free, distinct indices to concurrent writers', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) =>
      page([tweet(idAt(`2026-03-04T1${i}:30:00Z`), `Statement ${i}`)]),
    );
    await Promise.all(bodies.map((b) => store(db(), b)));
    const all = await leaves(db());
    expect(all.map((l) => l.index)).toEqual([...Array(16).keys()]);
    expect(all.filter((l) => l.kind === 'capture')).toHaveLength(8);
  });

  it('signs checkpoints whose proofs verify, over HTTP too', async () => {
    await store(db(), page([tweet(A, 'First statement')]));
    const tree = createLogTree(db().prisma);
    const first = await signCheckpoint(tree, signer, ORIGIN);
    expect(first.created).toBe(true);
    expect((await signCheckpoint(tree, signer, ORIGIN)).created).toBe(false);
    await store(db(), page([tweet(B, 'Second statement')]));
    const second = (await signCheckpoint(tree, signer, ORIGIN)).checkpoint;
    const opened = openCheckpoint(second.note, signer);
    expect(opened).toEqual({ origin: ORIGIN, size: 4, rootHash: second.rootHash });

    const app = await buildTestApp(db());
    try {
      const note = await app.inject({ url: '/api/log/checkpoint' });
      expect([note.statusCode, note.headers['content-type'], note.body]).toEqual([
        200,
        'text/plain; charset=utf-8',
        second.note,
      ]);
      const inc = (await app.inject({ url: '/api/log/proof/inclusion?leaf=2&size=4' })).json();
      const leaf = Buffer.from(inc.leafHash, 'base64');
      const proof = inc.proof.map((p: string) => Buffer.from(p, 'base64'));
      expect(verifyInclusion(2, 4, leaf, proof, opened.rootHash)).toBe(true);
      const con = (await app.inject({ url: `/api/log/proof/consistency?from=2&to=4` })).json();
      const cproof = con.proof.map((p: string) => Buffer.from(p, 'base64'));
      expect(verifyConsistency(2, 4, first.checkpoint.rootHash, second.rootHash, cproof)).toBe(true);
      const bad = await app.inject({ url: '/api/log/proof/inclusion?leaf=4&size=4' });
      expect([bad.statusCode, bad.json().error]).toEqual([400, 'invalid_input']);
      expect((await app.inject({ url: '/api/log/proof/consistency?from=1&to=9' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('refuses to sign a tree whose stored leaves no longer match the last checkpoint', async () => {
    await store(db(), page([tweet(A, 'First statement')]));
    await signCheckpoint(createLogTree(db().prisma), signer, ORIGIN);
    await db().exec(`UPDATE log_leaves SET leaf_hash = sha256('forged') WHERE leaf_index = 0`);
    await store(db(), page([tweet(B, 'Second statement')]));
    await expect(signCheckpoint(createLogTree(db().prisma), signer, ORIGIN)).rejects.toThrow(/no longer match/);
  });

  it('keeps checkpoints verifiable across a key rotation', async () => {
    await store(db(), page([tweet(A, 'First statement')]));
    const tree = createLogTree(db().prisma);
    const old = (await signCheckpoint(tree, signer, ORIGIN)).checkpoint;
    const rotated = signerFromSeed(ORIGIN, Buffer.alloc(32, 9));
    const fresh = (await signCheckpoint(tree, rotated, ORIGIN)).checkpoint;
    expect(fresh.size).toBe(old.size);
    expect(fresh.verifierKey).toBe(formatVerifierKey(rotated));
    expect(openCheckpoint(old.note, parseVerifierKey(old.verifierKey)).rootHash).toEqual(old.rootHash);
    expect(() => openCheckpoint(old.note, rotated)).toThrow(/signature/);
  });
});

describe('log signing key', () => {
  it('is created once in the data directory (mode 0600) and read back after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onrecord-key-'));
    dirs.push(dir);
    const created = loadLogKey({ dataDir: dir, name: ORIGIN });
    const again = loadLogKey({ dataDir: dir, name: 'other' });
    expect(formatSignerKey(again)).toBe(formatSignerKey(created));
    expect(readFileSync(join(dir, 'log-key'), 'utf8')).toBe(`${formatSignerKey(created)}\n`);
    expect(rootHash([]).length).toBe(32);
  });

  it('comes from ONRECORD_LOG_KEY when supplied, and a malformed one is a configuration error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onrecord-key-'));
    dirs.push(dir);
    expect(loadLogKey({ keyText: formatSignerKey(signer), dataDir: dir, name: 'x' }).publicKey).toEqual(
      signer.publicKey,
    );
    expect(() => loadLogKey({ keyText: 'PRIVATE+KEY+nope', dataDir: dir, name: 'x' })).toThrow(/ONRECORD_LOG_KEY/);
  });
});
