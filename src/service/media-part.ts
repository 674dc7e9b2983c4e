// The service part 'media' (the downloader, jobs/fetch-media.ts) and the
// wiring that the CLI (`media fetch --once`, `verify`, `evidence`, `export`)
// and the HTTP media route share: the media store of this configuration (a
// directory under ONRECORD_DATA_DIR, or the bucket of ONRECORD_MEDIA_S3_URL)
// and the address-checked fetcher.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { ConfigError } from '../core/errors.js';
import { once, type Handle } from '../core/lifecycle.js';
import type { MediaStore } from '../ports/media.js';
import { createMediaFetcher } from '../adapters/fetch/safe-download.js';
import { createFsMediaStore, removeStaleParts } from '../adapters/media/fs-media-store.js';
import { createS3MediaStore, parseS3Url } from '../adapters/media/s3-media-store.js';
import { createMediaRepository } from '../adapters/db/media-repository.js';
import { startMediaWorker, type MediaDeps } from '../jobs/fetch-media.js';
import type { ServicePart } from './service.js';

/** The longest one download may take; claims are held a little longer. */
export const MEDIA_DOWNLOAD_LIMIT_MS = 30 * 60_000;
const MEDIA_LEASE_MS = MEDIA_DOWNLOAD_LIMIT_MS + 5 * 60_000;

export function mediaStoreFromConfig(config: Config): MediaStore {
  const local = join(config.ONRECORD_DATA_DIR, 'media');
  if (!config.ONRECORD_MEDIA_S3_URL) return createFsMediaStore(local);
  if (!config.AWS_ACCESS_KEY_ID || !config.AWS_SECRET_ACCESS_KEY)
    throw new ConfigError('ONRECORD_MEDIA_S3_URL needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const location = parseS3Url(config.ONRECORD_MEDIA_S3_URL, config.AWS_REGION);
  return createS3MediaStore(
    location,
    {
      accessKeyId: config.AWS_ACCESS_KEY_ID,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      sessionToken: config.AWS_SESSION_TOKEN,
    },
    { tempDir: join(local, 'tmp') },
  );
}

/** What the downloader needs; the caller closes `store` when done. */
export function mediaDepsFromContext(ctx: Context, store: MediaStore): MediaDeps {
  const owner = `${ctx.config.instanceId}/${randomUUID().slice(0, 8)}`;
  const fetcher = createMediaFetcher(
    {
      allowPrivate: ctx.config.ONRECORD_ALLOW_PRIVATE_FETCH,
      maxBytes: ctx.config.ONRECORD_MEDIA_MAX_BYTES,
      idleTimeoutMs: ctx.config.ONRECORD_MEDIA_TIMEOUT,
      totalTimeoutMs: MEDIA_DOWNLOAD_LIMIT_MS,
      maxRedirects: ctx.config.ONRECORD_FETCH_MAX_REDIRECTS,
    },
    store.tempDir,
  );
  return {
    repo: createMediaRepository(ctx.db.prisma),
    fetcher,
    store,
    clock: ctx.clock,
    logger: ctx.logger.child({ component: 'media', owner }),
    owner,
    leaseMs: MEDIA_LEASE_MS,
  };
}

export async function startMedia(ctx: Context, options: { tickMs?: number } = {}): Promise<Handle> {
  const store = mediaStoreFromConfig(ctx.config);
  await removeStaleParts(store.tempDir, ctx.clock.now());
  const worker = startMediaWorker(mediaDepsFromContext(ctx, store), options);
  const stop = once(async () => {
    await worker.stop();
    await store.close();
  });
  return { stop, done: worker.done.then(() => stop()) };
}

export const mediaPart: ServicePart = { name: 'media', start: (ctx) => startMedia(ctx) };
