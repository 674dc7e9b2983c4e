// What the stream tests share: the fake X, a scheduler on the test database
// (ticked by hand), and stream jobs with short timings.
import { createXActivityStream } from '../../../src/adapters/x/x-activity-stream.js';
import { createXFilteredStream } from '../../../src/adapters/x/x-filtered-stream.js';
import { createXStreamClient, type XStreamClient } from '../../../src/adapters/x/x-stream-client.js';
import type { AccountLocks } from '../../../src/adapters/db/account-locks.js';
import type { Database } from '../../../src/adapters/db/database.js';
import { createStreamsRepository } from '../../../src/adapters/db/streams-repository.js';
import { startScheduler, type SchedulerHandle } from '../../../src/jobs/scheduler.js';
import { createStreamCoverage } from '../../../src/jobs/stream-coverage.js';
import { startStreamJob, type StreamJobHandle, type StreamJobOptions } from '../../../src/jobs/stream-posts.js';
import type { PostStream } from '../../../src/ports/post-stream.js';
import type { RunningFakeX } from '../../fake-x/fake-x-server.js';
import { logger, poller, sourceFor } from '../ingest/poll-harness.js';

export const FAST = { leaseRetryMs: 100, heartbeatMs: 100, syncEveryMs: 200, blockedRetryMs: 1000 };
const NEVER = '0 0 1 1 *';

export interface Rig {
  scheduler: SchedulerHandle;
  job: StreamJobHandle;
  client: XStreamClient;
  leases: AccountLocks;
  stop(): Promise<void>;
}

export function channelsFor(fake: RunningFakeX, mode: 'auto' | 'activity' | 'filtered') {
  const client = createXStreamClient(
    {
      baseUrl: fake.url,
      bearerToken: fake.bearerToken,
      timeoutMs: 5000,
      keepAliveTimeoutMs: 2000,
      logger,
      ca: fake.caPem,
    },
    logger,
  );
  const activity = createXActivityStream(client, logger);
  const filtered = createXFilteredStream(client, logger);
  const channels: PostStream[] = { auto: [activity, filtered], activity: [activity], filtered: [filtered] }[mode];
  return { client, channels };
}

/** A scheduler (ticked by the test or by catch-up requests) and a stream job on one database. */
export function startRig(
  db: Database,
  fake: RunningFakeX,
  options: {
    mode?: 'auto' | 'activity' | 'filtered';
    holder?: string;
    reconcileMs?: number;
  } & Partial<StreamJobOptions> = {},
): Rig {
  const holder = options.holder ?? 'instance-a';
  const p = poller(db, sourceFor(fake));
  const locks = db.accountLocks(holder);
  const intervals = createStreamCoverage(db.prisma, p.clock, options.reconcileMs ?? 3_600_000);
  const scheduler = startScheduler({ ...p.deps, locks, intervals, tickPattern: NEVER, pollOnStart: false });
  const { client, channels } = channelsFor(fake, options.mode ?? 'filtered');
  const leases = db.streamLeases(holder);
  const job = startStreamJob({
    db: db.prisma,
    clock: p.clock,
    logger,
    name: 'x',
    platform: 'x',
    channels,
    leases,
    holder,
    catchUp: (ids, reason) => scheduler.requestPolls(ids, `catch-up: ${reason}`, { recheck: true }),
    timing: FAST,
    ...options,
  });
  return {
    scheduler,
    job,
    client,
    leases,
    async stop() {
      await job.stop();
      await scheduler.stop();
      await leases.close();
      await locks.close();
      client.close();
    },
  };
}

export async function streamRow(db: Database) {
  return (await createStreamsRepository(db.prisma).list()).find((r) => r.name === 'x');
}
