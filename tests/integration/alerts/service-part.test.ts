// The service's `alerts` part: started like the service starts it, it
// delivers within a second of the commit, and on stop it leaves no LISTEN
// connection behind.
import { describe, expect, it } from 'vitest';
import { createAlertsRepository } from '../../../src/adapters/db/alerts-repository.js';
import { alertsPart } from '../../../src/service/alerts-part.js';
import { serviceParts } from '../../../src/service/parts.js';
import { startService } from '../../../src/service/service.js';
import { useTestDatabase } from '../../helpers/database.js';
import { alertContext, recordPostEvent, startReceiver } from './harness.js';

const getDb = useTestDatabase();

async function listeners(): Promise<number> {
  const [row] = await getDb().prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'LISTEN%'`;
  return row!.n;
}

describe('alerts service part', () => {
  it('is one of the service parts', () => {
    expect(serviceParts().map((p) => p.name)).toContain('alerts');
  });

  it('delivers within a second of the commit and stops cleanly', async () => {
    const hook = await startReceiver();
    try {
      await createAlertsRepository(getDb().prisma).addRule({
        channel: 'webhook',
        target: hook.url,
        secret: 'service-s3cret',
        accounts: [],
        keywords: [],
        regex: null,
        events: ['new'],
        digest: 'none',
      });
      const service = await startService(alertContext(getDb()), [alertsPart]);
      expect(service.parts).toEqual(['alerts']);
      for (let i = 0; i < 50 && (await listeners()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await listeners()).toBe(1);
      const latencies: number[] = [];
      for (let i = 0; i < 3; i++) {
        await recordPostEvent(getDb(), { text: `statement ${i}` });
        const committed = Date.now(); // the commit is the last step of recordPostEvent
        const req = (await hook.waitFor(i + 1, 2000))[i]!;
        latencies.push(req.at - committed);
      }
      await service.stop();
      expect(Math.max(...latencies)).toBeLessThan(1000);
      expect(await listeners()).toBe(0);
    } finally {
      await hook.close();
    }
  });
});
