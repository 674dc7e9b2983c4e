// The sources of every platform, built from configuration in one place for the
// service and `poll --once`: one registry line per platform. A platform whose
// settings are missing is left out (its block says what to set, see
// config.ts platformBlocks); the others are polled all the same.
import { createFeedSource } from '../adapters/feed/feed-source.js';
import { createBskySource } from '../adapters/bsky/bsky-source.js';
import { createXSource } from '../adapters/x/x-source.js';
import { createMastodonSource } from '../adapters/mastodon/mastodon-source.js';
import { createPostsRepository } from '../adapters/db/posts-repository.js';
import type { Prisma } from '../adapters/db/database.js';
import { platformBlocks, type Config } from '../config.js';
import type { PlatformBlock } from '../core/account-hold.js';
import type { Context } from '../context.js';
import type { PostSource } from '../ports/post-source.js';
import { restoreSourceGate } from '../jobs/source-gate.js';
import { createSourceRegistry, type SourceRegistry } from '../jobs/source-registry.js';
import type { Logger } from '../logger.js';

/** A source with the sockets it holds. */
export type OpenSource = PostSource & { close(): void };

/** What a source may ask of the archive. */
export interface SourceArchive {
  /** Which of these version IDs of a platform the archive holds (a source whose edits keep their ID asks). */
  knownVersions(platform: string, versionIds: string[]): Promise<Set<string>>;
}

type SourceFactory = (config: Config, logger: Logger, archive: SourceArchive) => OpenSource;

/** The archive as sources see it. */
export function sourceArchive(db: Prisma): SourceArchive {
  const posts = createPostsRepository(db);
  return { knownVersions: (platform, versionIds) => posts.knownVersionIds(platform, versionIds) };
}

/** The registry: how each platform's source is built from its settings. */
export const SOURCE_FACTORIES: Record<string, SourceFactory> = {
  x: (config, logger) =>
    createXSource({
      baseUrl: config.X_API_BASE_URL,
      bearerToken: config.X_BEARER_TOKEN!,
      timeoutMs: config.X_API_TIMEOUT,
      logger,
    }),
  mastodon: (config, logger, archive) =>
    createMastodonSource({
      baseUrls: config.MASTODON_BASE_URLS,
      tokens: config.MASTODON_TOKENS,
      timeoutMs: config.MASTODON_TIMEOUT,
      logger,
      knownVersions: (versionIds) => archive.knownVersions('mastodon', versionIds),
    }),
  feed: (config, logger) =>
    createFeedSource({
      fetch: {
        allowPrivate: config.ONRECORD_ALLOW_PRIVATE_FETCH,
        maxBytes: config.ONRECORD_FETCH_MAX_BYTES,
        maxRedirects: config.ONRECORD_FETCH_MAX_REDIRECTS,
      },
      timeoutMs: config.ONRECORD_FETCH_TIMEOUT,
      logger,
    }),
  bsky: (config, logger) =>
    createBskySource({ baseUrl: config.BSKY_APPVIEW_URL, timeoutMs: config.BSKY_APPVIEW_TIMEOUT, logger }),
};

export interface ConfiguredSources {
  registry: SourceRegistry;
  /** Platforms that cannot be polled with this configuration, and why. */
  blocks: Map<string, PlatformBlock>;
  close(): void;
}

/** Opens the source of every platform that is configured, each with its gate (limits met earlier are remembered). */
export async function openSources(ctx: Context): Promise<ConfiguredSources> {
  const blocks = platformBlocks(ctx.config);
  const archive = sourceArchive(ctx.db.prisma);
  const open: OpenSource[] = [];
  for (const [platform, create] of Object.entries(SOURCE_FACTORIES)) {
    if (!blocks.has(platform)) open.push(create(ctx.config, ctx.logger, archive));
  }
  const entries = await Promise.all(
    open.map(async (source) => ({
      source,
      gate: await restoreSourceGate(ctx.db.prisma, source.platform, ctx.clock),
    })),
  );
  return { registry: createSourceRegistry(entries), blocks, close: () => open.forEach((s) => s.close()) };
}
