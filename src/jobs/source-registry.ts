// The sources a poller reads, one per platform, each with its own gate: a rate
// limit, usage cap or outage of one platform never holds up another. The
// registry is built once from configuration (src/service/sources.ts) and given
// to the scheduler and the poll job, which pick by the account's platform.
import type { PostSource } from '../ports/post-source.js';
import type { SourceGate } from './source-gate.js';

export interface RegisteredSource {
  source: PostSource;
  gate: SourceGate;
}

export interface SourceRegistry {
  /** The platforms that can be polled. */
  platforms(): string[];
  get(platform: string): RegisteredSource | undefined;
}

export function createSourceRegistry(entries: RegisteredSource[]): SourceRegistry {
  const byPlatform = new Map(entries.map((e) => [e.source.platform, e]));
  if (byPlatform.size !== entries.length) throw new Error('one source per platform');
  return {
    platforms: () => [...byPlatform.keys()],
    get: (platform) => byPlatform.get(platform),
  };
}
