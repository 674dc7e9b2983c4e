// The worker thread that extracts articles (see extract-pool.ts). The sources
// are TypeScript run through tsx with no build step, and a worker does not
// inherit the main thread's loader: it registers tsx itself, then loads the
// extractor.
import { register } from 'tsx/esm/api';

register();
const { extractArticle } = await import('./extract.ts');

/** @param {{ body: string, options: { kind?: 'html' | 'text', url?: string } }} task */
export default function extract({ body, options }) {
  return extractArticle(body, options);
}
