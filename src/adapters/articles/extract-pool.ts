// Article extraction off the main thread, with a hard time limit. Parsing a
// hostile page (megabytes of markup, deep nesting) in jsdom and Readability
// can take seconds of CPU that no await interrupts: on the main thread it
// would freeze the HTTP server, health checks and polling. Each extraction
// runs in a worker thread (a piscina pool); past the time limit the worker is
// terminated (piscina stops the thread of an aborted task) and the page is
// refused with a clear error.
import { Piscina } from 'piscina';
import { InvalidInput } from '../../core/errors.js';
import { IS_BUILT } from '../../package-root.js';
import type { ExtractedArticle } from './extract.js';

export interface ExtractOptions {
  kind?: 'html' | 'text';
  url?: string;
}

export interface ArticleExtractor {
  extract(body: string, options: ExtractOptions, signal?: AbortSignal): Promise<ExtractedArticle>;
  close(): Promise<void>;
}

export interface ArticleExtractorOptions {
  /** Time limit of one extraction, waiting for a free worker included. */
  timeoutMs: number;
  /** Worker threads at most (default 1: extraction is rare, and the machine is shared with the service). */
  maxThreads?: number;
  /** How long an idle worker is kept for the next article. */
  idleTimeoutMs?: number;
}

export function createArticleExtractor(options: ArticleExtractorOptions): ArticleExtractor {
  const pool = new Piscina<{ body: string; options: ExtractOptions }, ExtractedArticle>({
    // Built, the task is a module beside this one (scripts/build-service.mjs).
    filename: new URL(IS_BUILT ? './extract-task.js' : './extract-worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: options.maxThreads ?? 1,
    idleTimeout: options.idleTimeoutMs ?? 60_000,
  });
  return {
    async extract(body, extractOptions, signal) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
      try {
        return await pool.run({ body, options: extractOptions }, { signal: combined });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (deadline.aborted) {
          throw new InvalidInput(
            `the article could not be read within ${options.timeoutMs} ms (ONRECORD_EXTRACT_TIMEOUT): the page is too large or too complex`,
          );
        }
        throw err;
      }
    },
    close: () => pool.destroy(),
  };
}
