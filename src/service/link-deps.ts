// Builds what addArticle needs from a context: the configured status hosts,
// the safe fetcher, and the X source when a token is configured. Shared by
// the CLI and the HTTP API. Pages are read in a worker thread with a time
// limit. close() releases the X source's sockets and the worker.
import type { Context } from '../context.js';
import { safeFetch } from '../adapters/fetch/safe-fetch.js';
import { createXSource } from '../adapters/x/x-source.js';
import { createArticleExtractor } from '../adapters/articles/extract-pool.js';
import type { LinkArticleDeps } from '../jobs/link-article.js';

export function createLinkDeps(ctx: Context): LinkArticleDeps & { close(): Promise<void> } {
  const { config, logger } = ctx;
  const source = config.X_BEARER_TOKEN
    ? createXSource({
        baseUrl: config.X_API_BASE_URL,
        bearerToken: config.X_BEARER_TOKEN,
        timeoutMs: config.X_API_TIMEOUT,
        logger,
      })
    : undefined;
  const fetchOptions = {
    allowPrivate: config.ONRECORD_ALLOW_PRIVATE_FETCH,
    maxBytes: config.ONRECORD_FETCH_MAX_BYTES,
    timeoutMs: config.ONRECORD_FETCH_TIMEOUT,
    maxRedirects: config.ONRECORD_FETCH_MAX_REDIRECTS,
  };
  const extractor = createArticleExtractor({ timeoutMs: config.ONRECORD_EXTRACT_TIMEOUT });
  return {
    prisma: ctx.db.prisma,
    hosts: { previewHosts: config.ONRECORD_PREVIEW_HOSTS, nitterHosts: config.ONRECORD_NITTER_HOSTS },
    logger: logger.child({ component: 'articles' }),
    clock: ctx.clock,
    fetchPage: (url, signal) => safeFetch(url, fetchOptions, signal),
    extract: extractor.extract,
    ...(source ? { postSource: source } : {}),
    async close() {
      source?.close();
      await extractor.close();
    },
  };
}
