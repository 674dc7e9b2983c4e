// The model case on the embedded PostgreSQL (PGlite): pg_trgm, the batched
// candidate query and the one-statement upserts behave as on the server.
import { describe, expect, it } from 'vitest';
import { usePgliteDatabase } from '../../helpers/database.js';
import { addArticle } from '../../../src/jobs/link-article.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { MODEL_ARTICLE } from '../../fixtures/linking/model-case.js';
import { seedModelCase } from '../../fixtures/linking/seed.js';

const getDb = usePgliteDatabase();

describe('linking on PGlite', () => {
  it('links exactly the two embedded posts of the model case, and re-adding changes nothing', async () => {
    const seeded = await seedModelCase(getDb());
    const deps = {
      prisma: getDb().prisma,
      detectors: createCitationDetectors(),
      logger: createLogger({ level: 'silent', pretty: false }),
      clock: systemClock,
      fetchPage: async () => {
        throw new FetchRefused('no network');
      },
    };
    const first = await addArticle(deps, { source: MODEL_ARTICLE, publishedAt: '2020-03-04T18:00:00Z' });
    const again = await addArticle(deps, { source: MODEL_ARTICLE, publishedAt: '2020-03-04T18:00:00Z' });
    const linked = (r: typeof first) => r.references.map((x) => [x.post.id, x.kind, x.status]);
    expect(linked(first)).toEqual([
      [seeded.strike.platformId, 'embed', 'resolved'],
      [seeded.commitment.platformId, 'embed', 'resolved'],
    ]);
    expect([again.created, again.contentChanged, again.article.id, linked(again)]).toEqual([
      false,
      false,
      first.article.id,
      linked(first),
    ]);
    expect(await getDb().prisma.event.count({ where: { kind: 'cited' } })).toBe(2);
  });
});
