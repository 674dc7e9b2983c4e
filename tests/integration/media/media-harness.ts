// What the media tests share: X timeline pages whose posts carry media (in
// the documented shape: attachments.media_keys, includes.media with `url` for
// photos, `preview_image_url` and `variants` for videos and GIFs) served by
// the local fake CDN, storing them as a poll does, and the downloader's deps.
import type { Database } from '../../../src/adapters/db/database.js';
import { createMediaRepository } from '../../../src/adapters/db/media-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createMediaFetcher } from '../../../src/adapters/fetch/safe-download.js';
import type { MediaDeps } from '../../../src/jobs/fetch-media.js';
import type { MediaStore } from '../../../src/ports/media.js';
import { createLogger } from '../../../src/logger.js';
import { batchOf, page, tweet } from '../ingest/pages.js';

export interface MediaSpec {
  key: string;
  type: 'photo' | 'video' | 'animated_gif';
  /** Photo: its url. */
  url?: string;
  preview?: string;
  /** [url, bit_rate] of each MP4 variant (an HLS playlist is added in front). */
  variants?: [string, number][];
}

export function mediaTweet(id: string, text: string, media: MediaSpec[]) {
  return { ...tweet(id, text), attachments: { media_keys: media.map((m) => m.key) } };
}

export function includesMedia(media: MediaSpec[]) {
  return media.map((m) => ({
    media_key: m.key,
    type: m.type,
    ...(m.url ? { url: m.url } : {}),
    ...(m.preview ? { preview_image_url: m.preview } : {}),
    ...(m.variants
      ? {
          variants: [
            { content_type: 'application/x-mpegURL', url: `${m.variants[0]![0]}.m3u8` },
            ...m.variants.map(([url, bitRate]) => ({ bit_rate: bitRate, content_type: 'video/mp4', url })),
          ],
        }
      : {}),
  }));
}

/** A timeline page of posts with media, as X sends it. */
export function mediaPage(posts: { id: string; text: string; media: MediaSpec[] }[]) {
  const body = page(posts.map((p) => mediaTweet(p.id, p.text, p.media)));
  const all = posts.flatMap((p) => p.media);
  return {
    ...body,
    includes: { ...body.includes, media: includesMedia([...new Map(all.map((m) => [m.key, m])).values()]) },
  };
}

/** Stores a page as a poll does (one transaction), at `now`. */
export function storePage(db: Database, body: unknown, now: Date) {
  const posts = createPostsRepository(db.prisma);
  return db.prisma.$transaction((tx) =>
    posts.storeBatch({ accountId: null, ...batchOf(body), firstSeenBy: 'poll', raiseNew: false, now }, tx),
  );
}

export const silentLogger = createLogger({ level: 'silent' });

/** A clock the test moves. */
export function testClock(start: string) {
  let now = new Date(start);
  return { now: () => now, set: (iso: string | Date) => void (now = new Date(iso)) };
}

export function mediaDeps(
  db: Database,
  store: MediaStore,
  clock: { now(): Date },
  options: { maxBytes?: number; owner?: string; leaseMs?: number } = {},
): MediaDeps {
  return {
    repo: createMediaRepository(db.prisma),
    fetcher: createMediaFetcher(
      {
        allowPrivate: true,
        maxBytes: options.maxBytes ?? 1_000_000,
        idleTimeoutMs: 2000,
        totalTimeoutMs: 20_000,
        maxRedirects: 3,
      },
      store.tempDir,
    ),
    store,
    clock,
    logger: silentLogger,
    owner: options.owner ?? 'test-worker',
    leaseMs: options.leaseMs ?? 60_000,
    random: () => 1,
  };
}
