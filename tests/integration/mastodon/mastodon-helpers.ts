// Shared set-up of the Mastodon adapter tests: a fake server, a source that
// reaches it under the server's own name, and a read that follows page tokens
// the way the poll job does.
import { createLogger } from '../../../src/logger.js';
import {
  createMastodonSource,
  type MastodonSource,
  type MastodonSourceOptions,
} from '../../../src/adapters/mastodon/mastodon-source.js';
import type { NormalizedPage } from '../../../src/ports/post-source.js';
import type { RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';

export function sourceFor(
  fakes: RunningFakeMastodon[],
  options: Partial<MastodonSourceOptions> & { withTokens?: boolean } = {},
): MastodonSource {
  const { withTokens = false, ...rest } = options;
  return createMastodonSource({
    baseUrls: new Map(fakes.map((f) => [f.domain, f.url])),
    tokens: new Map(withTokens ? fakes.map((f) => [f.domain, f.token]) : []),
    timeoutMs: 5_000,
    logger: createLogger({ level: 'silent' }),
    ...rest,
  });
}

/** Every page of one read, following nextPageToken (the first page from `first`). */
export async function readAll(
  source: MastodonSource,
  first: () => Promise<NormalizedPage>,
  platformUserId = '',
): Promise<NormalizedPage[]> {
  const pages = [await first()];
  while (pages.at(-1)!.nextPageToken) {
    pages.push(await source.fetchPage({ platformUserId }, null, pages.at(-1)!.nextPageToken));
  }
  return pages;
}

/** A whole timeline read from a cursor (null: the backfill). */
export function readTimeline(source: MastodonSource, platformUserId: string, cursor: string | null) {
  return readAll(source, () => source.fetchPage({ platformUserId }, cursor, undefined), platformUserId);
}

/** The newest cursor of a read, as the poll job folds it. */
export function newestOf(source: MastodonSource, pages: NormalizedPage[], from: string | null = null) {
  return pages.reduce((c, p) => source.newerCursor(c, p.newestCursor), from);
}
