// The labelled set's TUNING split through addArticle against a real
// PostgreSQL: stored links and open references are scored per kind and held
// above the goals. The held-out split is measured by `npm run bench -- link`
// and never asserted here.
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { LABELLED_CASES, splitOf } from '../../fixtures/linking/labelled-cases.js';
import { misses, runCases, score } from '../../fixtures/linking/labelled-runner.js';

const getDb = useTestDatabase();
const TUNING = LABELLED_CASES.filter((c) => splitOf(c) === 'tuning');

describe('labelled set, tuning split', () => {
  it('is large, varied and split by the fixed rule', () => {
    expect(LABELLED_CASES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(LABELLED_CASES.map((c) => c.id)).size).toBe(LABELLED_CASES.length);
    expect(new Set(LABELLED_CASES.map((c) => c.lang)).size).toBeGreaterThanOrEqual(6);
    expect(LABELLED_CASES.filter((c) => c.cites.some((k) => k.startsWith('quote:'))).length).toBeGreaterThanOrEqual(40);
    expect(LABELLED_CASES.filter((c) => c.id.includes('-spoken-')).length).toBeGreaterThanOrEqual(30);
    const heldOut = LABELLED_CASES.length - TUNING.length;
    expect(heldOut / LABELLED_CASES.length).toBeGreaterThan(0.25);
    expect(heldOut / LABELLED_CASES.length).toBeLessThan(0.42);
  });

  it(
    'links embeds, links and posted quotations, and keeps only real citations open',
    { timeout: 600_000 },
    async () => {
      const outcomes = await runCases(getDb(), TUNING);
      const all = score(outcomes, 'tuning', 'all');
      const embed = score(outcomes, 'tuning', 'embed');
      const link = score(outcomes, 'tuning', 'link');
      const quote = score(outcomes, 'tuning', 'quote');
      console.log(
        [all, embed, link, quote]
          .map(
            (f) =>
              `${f.kind}: links P=${f.linkPrecision} R=${f.linkRecall} open P=${f.openPrecision} R=${f.openRecall}`,
          )
          .join('\n') + `\nspurious open per 10 articles: ${all.spuriousOpenPer10}\n${misses(outcomes).join('\n')}`,
      );
      expect(all.linkPrecision).toBeGreaterThanOrEqual(0.98);
      expect(embed.linkRecall).toBeGreaterThanOrEqual(0.95);
      expect(link.linkRecall).toBeGreaterThanOrEqual(0.95);
      expect(quote.linkRecall).toBeGreaterThanOrEqual(0.75);
      expect(all.spuriousOpenPer10).toBeLessThan(1);
      expect(all.openRecall).toBeGreaterThanOrEqual(0.75);
      expect(all.falseDiffers).toBe(0);
    },
  );
});
