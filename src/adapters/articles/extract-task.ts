// One extraction in a worker thread of the pool (extract-pool.ts): the module
// piscina loads, run from the built service; from the sources it is loaded by
// extract-worker.mjs, which registers the TypeScript loader first.
import { extractArticle } from './extract.js';
import type { ExtractOptions } from './extract-pool.js';

export default function extract({ body, options }: { body: string; options: ExtractOptions }) {
  return extractArticle(body, options);
}
