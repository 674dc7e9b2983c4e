// The sources of every platform, built from configuration in one place for the
// service and `poll --once`: one registry line per platform. A platform whose
// settings are missing is left out (its block says what to set, see
// config.ts platformBlocks); the others are polled all the same.
import { createBskySource } from '../adapters/bsky/bsky-source.js';
import { createXSource } from '../adapters/x/x-source.js';
import { platformBlocks, type Config } from '../config.js';
import type { PlatformBlock } from '../core/account-hold.js';
import type { Context } from '../context.js';
import type { PostSource } from '../ports/post-source.js';
import { restoreSourceGate } from '../jobs/source-gate.js';
import { createSourceRegistry, type SourceRegistry } from '../jobs/source-registry.js';
import type { Logger } from '../logger.js';

/** A source with the sockets it holds. */
export type OpenSource = PostSource & { close(): void };

type SourceFactory = (config: Config, logger: Logger) => OpenSource;

/** The registry: how each platform's source is built from its settings. */
export const SOURCE_FACTORIES: Record<string, SourceFactory> = {
  x: (config, logger) =>
    createXSource({
      baseUrl: config.X_API_BASE_URL,
      bearerToken: config.X_BEARER_TOKEN!,
      timeoutMs: config.X_API_TIMEOUT,
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
  const open: OpenSource[] = [];
  for (const [platform, create] of Object.entries(SOURCE_FACTORIES)) {
    if (!blocks.has(platform)) open.push(create(ctx.config, ctx.logger));
  }
  const entries = await Promise.all(
    open.map(async (source) => ({
      source,
      gate: await restoreSourceGate(ctx.db.prisma, source.platform, ctx.clock),
    })),
  );
  return { registry: createSourceRegistry(entries), blocks, close: () => open.forEach((s) => s.close()) };
}
