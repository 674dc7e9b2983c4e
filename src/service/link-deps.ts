// Builds what addArticle needs from a context: each platform's citation
// detector (with the configured status hosts), the safe fetcher, and the
// source of every platform whose settings are present (cited posts are looked
// up on theirs). Shared by the CLI and the HTTP API. Pages are read in a
// worker thread with a time limit. close() releases the sources' sockets and
// the worker.
import type { Context } from '../context.js';
import { platformBlocks } from '../config.js';
import { createCitationDetectors } from '../core/citation-detectors.js';
import { safeFetch } from '../adapters/fetch/safe-fetch.js';
import { createArticleExtractor } from '../adapters/articles/extract-pool.js';
import type { LinkArticleDeps } from '../jobs/link-article.js';
import { SOURCE_FACTORIES, type OpenSource } from './sources.js';

export function createLinkDeps(ctx: Context): LinkArticleDeps & { close(): Promise<void> } {
  const { config, logger } = ctx;
  const blocks = platformBlocks(config);
  const sources: OpenSource[] = Object.entries(SOURCE_FACTORIES)
    .filter(([platform]) => !blocks.has(platform))
    .map(([, create]) => create(config, logger));
  const fetchOptions = {
    allowPrivate: config.ONRECORD_ALLOW_PRIVATE_FETCH,
    maxBytes: config.ONRECORD_FETCH_MAX_BYTES,
    timeoutMs: config.ONRECORD_FETCH_TIMEOUT,
    maxRedirects: config.ONRECORD_FETCH_MAX_REDIRECTS,
  };
  const extractor = createArticleExtractor({ timeoutMs: config.ONRECORD_EXTRACT_TIMEOUT });
  return {
    prisma: ctx.db.prisma,
    detectors: createCitationDetectors({
      xStatusHosts: { previewHosts: config.ONRECORD_PREVIEW_HOSTS, nitterHosts: config.ONRECORD_NITTER_HOSTS },
    }),
    logger: logger.child({ component: 'articles' }),
    clock: ctx.clock,
    fetchPage: (url, signal) => safeFetch(url, fetchOptions, signal),
    extract: extractor.extract,
    postSources: sources,
    async close() {
      sources.forEach((s) => s.close());
      await extractor.close();
    },
  };
}
