// Precision and recall of article linking over the labelled set in
// tests/fixtures/linking: every case runs through addArticle against a real
// PostgreSQL; the numbers are printed and held above a floor.
import { describe, expect, it } from 'vitest';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { DEFAULT_STATUS_HOSTS } from '../../../src/core/status-url.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import type { Database } from '../../../src/adapters/db/database.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { LABELLED_CASES, type LabelledCase } from '../../fixtures/linking/labelled-cases.js';

const PRECISION_FLOOR = 0.95;
const RECALL_FLOOR = 0.9;
const getDb = useTestDatabase();

async function seed(db: Database, c: LabelledCase): Promise<Map<string, string>> {
  const accounts = new Map<string, number>();
  const ids = new Map<string, string>();
  for (const p of c.posts) {
    if (!accounts.has(p.handle)) {
      const account = await insertAccount(db, { handle: p.handle, displayName: p.handle.replace('_', '-') });
      for (const old of p.formerHandles ?? [])
        await db.prisma.accountHandle.create({ data: { accountId: account.id, handle: old } });
      accounts.set(p.handle, account.id);
    }
    const post = await insertPost(db, { accountId: accounts.get(p.handle)!, createdAt: p.createdAt, text: p.text });
    ids.set(p.key, post.platformId);
  }
  return ids;
}

async function linkedKeys(c: LabelledCase): Promise<string[]> {
  const db = getDb();
  await truncateAll(db);
  const ids = await seed(db, c);
  const source = c.article.replace(/\{id:(\w+)\}/g, (_m, key: string) => ids.get(key)!);
  const deps: LinkArticleDeps = {
    prisma: db.prisma,
    hosts: DEFAULT_STATUS_HOSTS,
    logger: createLogger({ level: 'silent', pretty: false }),
    clock: systemClock,
    fetchPage: async () => {
      throw new FetchRefused('no network');
    },
  };
  const { references } = await addArticle(deps, { source, ...(c.publishedAt ? { publishedAt: c.publishedAt } : {}) });
  const keyOf = new Map([...ids].map(([k, v]) => [v, k]));
  return references.filter((r) => r.status === 'resolved').map((r) => keyOf.get(r.post.id!) ?? `?${r.post.id}`);
}

describe('labelled set', () => {
  it(`links with precision >= ${PRECISION_FLOOR} and recall >= ${RECALL_FLOOR}`, async () => {
    expect(LABELLED_CASES.length).toBeGreaterThanOrEqual(30);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const misses: string[] = [];
    for (const c of LABELLED_CASES) {
      const got = await linkedKeys(c);
      const caseTp = got.filter((k) => c.cites.includes(k)).length;
      tp += caseTp;
      fp += got.length - caseTp;
      fn += c.cites.length - caseTp;
      if (got.length !== caseTp || caseTp !== c.cites.length)
        misses.push(`${c.name}: expected [${c.cites}] got [${got}]`);
    }
    const precision = tp / (tp + fp || 1);
    const recall = tp / (tp + fn || 1);
    console.log(
      `labelled set: ${LABELLED_CASES.length} cases, tp=${tp} fp=${fp} fn=${fn}, precision=${precision.toFixed(3)} recall=${recall.toFixed(3)}` +
        (misses.length ? `\n  ${misses.join('\n  ')}` : ''),
    );
    expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });
});
