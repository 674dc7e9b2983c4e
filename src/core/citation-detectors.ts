// The citation detector of every platform, one line each (see
// CitationDetector in core/article-detect.ts). Pure.
import type { CitationDetector } from './article-detect.js';
import { createMastodonCitationDetector } from './mastodon-citations.js';
import { createFeedCitationDetector } from './feed-citations.js';
import { createBskyCitationDetector } from './bsky-citations.js';
import { createXCitationDetector } from './x-citations.js';
import type { StatusHosts } from './x-status-url.js';

/** What the detectors are configured with (each platform's own settings). */
export interface CitationSettings {
  /** X: the preview proxies and nitter instances whose status URLs count as X links. */
  xStatusHosts?: StatusHosts;
}

export function createCitationDetectors(settings: CitationSettings = {}): CitationDetector[] {
  return [
    createXCitationDetector(settings.xStatusHosts),
    createBskyCitationDetector(),
    createMastodonCitationDetector(),
    createFeedCitationDetector(),
  ];
}
