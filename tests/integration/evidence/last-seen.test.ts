// Observations of what the platform shows: a post it shows again (a re-check,
// a lookup) gets one last_seen observation, a leaf of the log, per UTC day it
// is seen after the day it was last seen (seeing it again the same day adds
// none); a post it withholds, or withholds elsewhere, or no longer, gets a
// withheld (or restored) observation.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const A = idAt('2026-03-04T10:00:00Z');
const B = idAt('2026-03-04T11:00:00Z');

function store(body: unknown, iso: string) {
  const posts = createPostsRepository(db().prisma);
  return db().prisma.$transaction((tx) =>
    posts.storeBatch(
      {
        accountId: null,
        ...batchOf(body),
        firstSeenBy: 'lookup',
        raiseNew: false,
        now: new Date(iso),
      },
      tx,
    ),
  );
}

describe('observations of what the platform shows', () => {
  beforeEach(() => truncateAll(db()));

  it('one per post and UTC day it is seen again, each a leaf', async () => {
    await store(page([tweet(A, 'A statement')]), '2026-03-05T08:00:00Z');
    await store(page([tweet(A, 'A statement')]), '2026-03-05T23:59:00Z'); // same UTC day
    await store(page([tweet(B, 'Another'), tweet(A, 'A statement')]), '2026-03-06T00:01:00Z');
    await store(page([tweet(B, 'Another'), tweet(A, 'A statement')]), '2026-03-06T12:00:00Z');
    await store(page([tweet(B, 'Another')]), '2026-03-07T09:00:00Z');
    const observations = await db().prisma.statusObservation.findMany({ orderBy: { id: 'asc' } });
    expect(observations.map((o) => [o.platformId, o.status, o.observedAt.toISOString()])).toEqual([
      [A, 'first_seen', '2026-03-05T08:00:00.000Z'],
      [B, 'first_seen', '2026-03-06T00:01:00.000Z'],
      [A, 'last_seen', '2026-03-06T00:01:00.000Z'],
      [B, 'last_seen', '2026-03-07T09:00:00.000Z'],
    ]);
    const leaves = await db().prisma.logLeaf.findMany({ where: { kind: 'observation' } });
    expect(leaves.map((l) => l.refId).sort((a, b) => a - b)).toEqual(observations.map((o) => o.id));
    const posts = await db().prisma.post.findMany({ orderBy: { platformId: 'asc' } });
    expect(posts.map((p) => [p.platformId, p.lastSeenAt.toISOString()])).toEqual([
      [A, '2026-03-06T00:01:00.000Z'],
      [B, '2026-03-07T09:00:00.000Z'],
    ]);
  });

  it('withheld: when a post arrives withheld, when its countries change, and when it is no longer withheld', async () => {
    const withheld = (countries: string[]) => ({
      ...tweet(A, 'A statement'),
      withheld: { copyright: false, country_codes: countries, scope: 'tweet' },
    });
    await store(page([withheld(['DE'])]), '2026-03-05T08:00:00Z');
    await store(page([withheld(['DE'])]), '2026-03-05T09:00:00Z'); // unchanged: nothing
    await store(page([withheld(['DE', 'FR'])]), '2026-03-05T10:00:00Z');
    await store(page([tweet(A, 'A statement')]), '2026-03-05T11:00:00Z');
    const observations = await db().prisma.statusObservation.findMany({ orderBy: { id: 'asc' } });
    expect(observations.map((o) => [o.status, o.detail, o.observedAt.toISOString()])).toEqual([
      ['first_seen', null, '2026-03-05T08:00:00.000Z'],
      ['withheld', 'in DE', '2026-03-05T08:00:00.000Z'],
      ['withheld', 'in DE, FR', '2026-03-05T10:00:00.000Z'],
      ['restored', 'no longer withheld', '2026-03-05T11:00:00.000Z'],
    ]);
    const leaves = await db().prisma.logLeaf.count({ where: { kind: 'observation' } });
    expect(leaves).toBe(observations.length);
    expect((await db().prisma.post.findFirstOrThrow()).status).toBe('available');
  });
});
