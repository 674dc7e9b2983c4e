// What the feed adapter tests share: the fake feed server, the real feed
// source pointed at it (only the fake's own private address let through, so
// every other private address stays refused), a fixed clock, and a feed per test.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createFeedSource, type FeedSource, type FeedSourceOptions } from '../../../src/adapters/feed/feed-source.js';
import { createLogger } from '../../../src/logger.js';
import { startFakeFeeds, type FakeFeedSpec, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

export const NOW = new Date('2026-03-21T12:00:00Z');
export const logger = createLogger({ level: 'silent' });

export function feedSourceFor(overrides: Partial<FeedSourceOptions> = {}): FeedSource {
  return createFeedSource({
    fetch: { allowPrivate: false, allowAddresses: ['127.0.0.1'], maxBytes: 200_000 },
    timeoutMs: 3_000,
    logger,
    now: () => NOW,
    ...overrides,
  });
}

export interface FeedHarness {
  fake: RunningFakeFeeds;
  source: FeedSource;
  /** A new feed on the fake (each test its own path): its URL, path and account. */
  serve(spec?: Partial<FakeFeedSpec>): { url: string; path: string; account: { platformUserId: string } };
}

export function useFeedHarness(): () => FeedHarness {
  let harness: FeedHarness | undefined;
  let nextPath = 0;
  beforeAll(async () => {
    const fake = await startFakeFeeds();
    const serve = (spec: Partial<FakeFeedSpec> = {}) => {
      const path = spec.path ?? `/feeds/${++nextPath}/press.${spec.format ?? 'rss'}`;
      const url = fake.addFeed({ format: 'rss', items: pressReleases(3), ...spec, path });
      return { url, path, account: { platformUserId: url } };
    };
    harness = { fake, source: feedSourceFor(), serve };
  });
  afterEach(() => harness?.fake.clearFaults());
  afterAll(async () => {
    harness?.source.close();
    await harness?.fake.close();
  });
  return () => harness!;
}

/** The error a promise rejects with (fails the test when it resolves). */
export function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as Error,
  );
}
