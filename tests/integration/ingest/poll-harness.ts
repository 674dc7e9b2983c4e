// What the poll tests share: the fake X API over HTTPS with its test CA, the
// real X adapter pointed at it, a test database, and a clock tests can move.
import { afterAll, beforeAll } from 'vitest';
import { createXSource } from '../../../src/adapters/x/x-source.js';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import type { Database } from '../../../src/adapters/db/database.js';
import type { Clock } from '../../../src/core/clock.js';
import { createLogger } from '../../../src/logger.js';
import type { PostSource } from '../../../src/ports/post-source.js';
import { pollAccount, type PollDeps, type PollOptions } from '../../../src/jobs/poll-account.js';
import { createSourceGate } from '../../../src/jobs/source-gate.js';
import { createSourceRegistry, type RegisteredSource } from '../../../src/jobs/source-registry.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';

export const BEARER = 'fake-x-bearer-token';
export const logger = createLogger({ level: 'silent' });

/** A clock that follows real time, shifted by `offsetMs` (to jump past a reset). */
export function movableClock(): Clock & { offsetMs: number } {
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  return clock;
}

export function useFakeX(): () => RunningFakeX {
  let fake: RunningFakeX | undefined;
  beforeAll(async () => {
    fake = await startFakeX({ bearerToken: BEARER });
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => fake!;
}

export function sourceFor(fake: RunningFakeX, bearerToken = BEARER) {
  return createXSource({ baseUrl: fake.url, bearerToken, timeoutMs: 5000, logger, ca: fake.caPem });
}

export interface Poller {
  deps: PollDeps;
  /** The one registered source and its gate (a test may swap the source). */
  entry: RegisteredSource;
  clock: Clock & { offsetMs: number };
  poll(accountId: number, options?: PollOptions): ReturnType<typeof pollAccount>;
}

export function poller(db: Database, source: PostSource): Poller {
  const clock = movableClock();
  const entry: RegisteredSource = { source, gate: createSourceGate(clock) };
  const deps: PollDeps = {
    db: db.prisma,
    sources: createSourceRegistry([entry]),
    clock,
    logger,
    retry: { attempts: 4, baseMs: 5, maxMs: 20 },
    random: () => 0.5,
  };
  return { deps, entry, clock, poll: (id, options) => pollAccount(deps, id, { trigger: 'test', ...options }) };
}

export async function addAccount(db: Database, handle: string) {
  const { account } = await createAccountsRepository(db.prisma).add(
    { platform: 'x', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  return account;
}

export async function tableCounts(db: Database) {
  const p = db.prisma;
  return {
    captures: await p.capture.count(),
    posts: await p.post.count(),
    versions: await p.postVersion.count(),
    problems: await p.ingestProblem.count(),
    events: await p.event.count(),
    cursors: await p.cursor.count(),
  };
}
