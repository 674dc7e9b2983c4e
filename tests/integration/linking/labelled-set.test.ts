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
import { useTestDatabase } from '../../helpers/database.js';
import { snowflakeAt } from '../../../src/core/ids.js';
import { LABELLED_CASES, type LabelledCase } from '../../fixtures/linking/labelled-cases.js';

const PRECISION_FLOOR = 0.95;
const RECALL_FLOOR = 0.9;
const getDb = useTestDatabase();

let sequence = 0;

/** Rows straight into the tables linking reads (no captures or versions: fast enough for 40 cases). */
async function seed(db: Database, c: LabelledCase): Promise<Map<string, string>> {
  const accounts = new Map<string, number>();
  const ids = new Map<string, string>();
  for (const handle of new Set(c.posts.map((p) => p.handle))) {
    const former = c.posts.find((p) => p.handle === handle)?.formerHandles ?? [];
    const account = await db.prisma.account.create({
      data: {
        platform: 'x',
        handle,
        displayName: handle.replace('_', '-'),
        handles: { create: former.map((h) => ({ handle: h })) },
      },
    });
    accounts.set(handle, account.id);
  }
  const rows = c.posts.map((p) => {
    const id = (BigInt(snowflakeAt(new Date(p.createdAt))) + BigInt(++sequence)).toString();
    ids.set(p.key, id);
    return {
      platform: 'x',
      platformId: id,
      editIds: [id],
      accountId: accounts.get(p.handle)!,
      text: p.text,
      createdAt: new Date(p.createdAt),
    };
  });
  await db.prisma.post.createMany({ data: rows });
  return ids;
}

async function clear(db: Database): Promise<void> {
  await db.exec(`DELETE FROM article_references; DELETE FROM article_snapshots; DELETE FROM events; DELETE FROM articles;
    DELETE FROM posts; DELETE FROM account_handles; DELETE FROM accounts;`);
}

async function linkedKeys(c: LabelledCase): Promise<string[]> {
  const db = getDb();
  await clear(db);
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
