// The service's `checkpoints` part: it creates the log key in the data
// directory on first start, signs a checkpoint at once and then on its
// schedule, and leaves no cron task behind when stopped.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../src/context.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createLogger } from '../../../src/logger.js';
import { openCheckpoint, parseVerifierKey } from '../../../src/core/signed-note.js';
import { serviceParts } from '../../../src/service/parts.js';
import { startCheckpoints } from '../../../src/service/checkpoint-part.js';
import { useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoints service part', () => {
  it('is one of the service parts', () => {
    expect(serviceParts().map((p) => p.name)).toContain('checkpoints');
  });

  it('creates the key, signs at start and on schedule, and stops cleanly', async () => {
    const ctx = {
      config: configFromEnv({ DATABASE_URL: db().url, ONRECORD_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
      logger: createLogger({ level: 'silent' }),
      db: db(),
      clock: { now: () => new Date() },
    };
    const tasksBefore = cron.getTasks().size;
    const handle = await startCheckpoints(ctx, '* * * * * *');
    expect(existsSync(join(dir, 'log-key'))).toBe(true);
    const first = await db().prisma.logCheckpoint.findMany();
    expect(first.map((c) => c.size)).toEqual([0]);
    const posts = createPostsRepository(db().prisma);
    await db().prisma.$transaction((tx) =>
      posts.storeBatch(
        {
          accountId: null,
          ...batchOf(page([tweet(idAt('2026-03-04T10:00:00Z'), 'A statement')])),
          firstSeenBy: 'poll',
          raiseNew: false,
          now: new Date(),
        },
        tx,
      ),
    );
    let latest = null;
    for (let i = 0; i < 100 && !latest; i++) {
      latest = await db().prisma.logCheckpoint.findFirst({ where: { size: 2 } });
      if (!latest) await new Promise((r) => setTimeout(r, 50));
    }
    expect(latest).not.toBeNull();
    expect(openCheckpoint(latest!.note, parseVerifierKey(latest!.verifierKey)).size).toBe(2);
    await handle.stop();
    await handle.done;
    expect(cron.getTasks().size).toBe(tasksBefore);
  });
});
