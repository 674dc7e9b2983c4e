// The media downloader: claims due files from the queue (media_files rows,
// see adapters/db/media-repository.ts), downloads each through the
// address-checked fetcher into the store, and records the outcome:
//   stored   the bytes are in the store under their sha256; the row and its
//            leaf of the evidence log are written in one transaction
//   gone     404 or 410 (from the original-size address and the address as
//            given): the row and a media_gone observation per post showing it
//   refused  over ONRECORD_MEDIA_MAX_BYTES or not a public address: kept as
//            refused with the reason, never retried
//   retried  anything else, with back-off (core/media-capture.ts), until the
//            attempts run out (failed)
// Up to `concurrency` downloads run at once; a slot is refilled as soon as it
// frees, so one large video never holds up the photos behind it.
//
//   fetchDueMedia(deps)      downloads everything due now and returns (CLI)
//   startMediaWorker(deps)   runs until stopped (the service's `media` part)
import { FetchRefused, publicErrorSummary } from '../core/errors.js';
import { downloadCandidates, retryVerdict } from '../core/media-capture.js';
import type { Clock } from '../core/clock.js';
import { once, sleep, type Handle } from '../core/lifecycle.js';
import type { MediaDownload, MediaFetcher, MediaStore } from '../ports/media.js';
import type { ClaimedMedia, MediaRepository } from '../adapters/db/media-repository.js';
import type { Logger } from '../logger.js';

export interface MediaDeps {
  repo: MediaRepository;
  fetcher: MediaFetcher;
  store: MediaStore;
  clock: Clock;
  logger: Logger;
  /** This worker's name in lease_owner. */
  owner: string;
  /** How long a claim is held; longer than the longest download. */
  leaseMs: number;
  concurrency?: number;
  random?: () => number;
}

export const MEDIA_OUTCOMES = ['stored', 'deduplicated', 'gone', 'refused', 'retried', 'failed', 'lost'] as const;
export type MediaOutcome = (typeof MEDIA_OUTCOMES)[number];
export type MediaSummary = Record<MediaOutcome, number>;

const DEFAULT_CONCURRENCY = 4;

/** Downloads one claimed file and records what came of it. */
export async function captureMedia(deps: MediaDeps, claim: ClaimedMedia, signal: AbortSignal): Promise<MediaOutcome> {
  const log = deps.logger.child({ media: claim.id });
  try {
    const result = await download(deps.fetcher, claim, signal);
    if (result.kind === 'gone') {
      const at = deps.clock.now();
      const marked = await deps.repo.markGone(claim, deps.owner, { status: result.status, url: result.url, at });
      log.info({ url: claim.url, status: result.status }, 'media file gone');
      return marked ? 'gone' : 'lost';
    }
    const put = await deps.store.put(result);
    const stored = await deps.repo.markStored(claim, deps.owner, {
      sha256: result.sha256,
      bytes: result.bytes,
      contentType: result.contentType,
      fetchedFrom: result.url,
      httpStatus: result.status,
      fetchedAt: deps.clock.now(),
    });
    log.debug({ url: claim.url, sha256: result.sha256, bytes: result.bytes, existed: put.existed }, 'media stored');
    if (!stored) return 'lost';
    return put.existed ? 'deduplicated' : 'stored';
  } catch (err) {
    if (signal.aborted) {
      // Stopped, not failed: the file is due again at once, for this or another worker.
      await deps.repo.markFailed(claim, deps.owner, { error: 'stopped', retryAt: deps.clock.now(), final: null });
      throw err;
    }
    return recordFailure(deps, claim, err, log);
  }
}

/** The candidates in turn (original size first): a 404 of one sends to the next. */
async function download(fetcher: MediaFetcher, claim: ClaimedMedia, signal: AbortSignal): Promise<MediaDownload> {
  const candidates = downloadCandidates(claim.url, claim.kind);
  let result: MediaDownload | undefined;
  for (const url of candidates) {
    result = await fetcher.download(url, signal);
    if (result.kind === 'downloaded') return result;
  }
  return result!;
}

async function recordFailure(deps: MediaDeps, claim: ClaimedMedia, err: unknown, log: Logger) {
  const { message } = publicErrorSummary(err, 'the download failed');
  if (err instanceof FetchRefused) {
    await deps.repo.markFailed(claim, deps.owner, { error: message, retryAt: null, final: 'refused' });
    log.warn({ url: claim.url, reason: message }, 'media file refused');
    return 'refused';
  }
  const verdict = retryVerdict(claim.attempts, deps.clock.now(), deps.random);
  if (verdict.kind === 'failed') {
    await deps.repo.markFailed(claim, deps.owner, { error: message, retryAt: null, final: 'failed' });
    log.error({ url: claim.url, err, attempts: claim.attempts }, 'media file failed for good');
    return 'failed';
  }
  await deps.repo.markFailed(claim, deps.owner, { error: message, retryAt: verdict.at, final: null });
  log.info({ url: claim.url, reason: message, retryAt: verdict.at }, 'media download failed; will retry');
  return 'retried';
}

function emptySummary(): MediaSummary {
  return Object.fromEntries(MEDIA_OUTCOMES.map((o) => [o, 0])) as MediaSummary;
}

/** Claims and downloads until nothing is due and nothing runs; returns what happened. */
async function drain(deps: MediaDeps, signal: AbortSignal, summary: MediaSummary): Promise<void> {
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const inFlight = new Set<Promise<void>>();
  try {
    while (!signal.aborted) {
      const free = concurrency - inFlight.size;
      const now = deps.clock.now();
      const claimed =
        free > 0
          ? await deps.repo.claimDue({ now, owner: deps.owner, leaseUntil: new Date(+now + deps.leaseMs), limit: free })
          : [];
      for (const claim of claimed) {
        const p: Promise<void> = captureMedia(deps, claim, signal)
          .then((outcome) => void summary[outcome]++)
          .catch((err: unknown) => {
            if (!signal.aborted) deps.logger.error({ err, media: claim.id }, 'media capture crashed');
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (inFlight.size === 0) return;
      await Promise.race(inFlight);
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
}

/** Downloads every file due now (retries that fail again wait for a later run). */
export async function fetchDueMedia(deps: MediaDeps, signal?: AbortSignal): Promise<MediaSummary> {
  const summary = emptySummary();
  await drain(deps, signal ?? new AbortController().signal, summary);
  return summary;
}

/** Runs the downloader until stop(): checks the queue every `tickMs`; stop() aborts downloads in flight. */
export function startMediaWorker(deps: MediaDeps, options: { tickMs?: number } = {}): Handle {
  const aborter = new AbortController();
  const tickMs = options.tickMs ?? 5000;
  const summary = emptySummary();
  const loop = (async () => {
    let failures = 0;
    while (!aborter.signal.aborted) {
      try {
        await drain(deps, aborter.signal, summary);
        failures = 0;
      } catch (err) {
        failures += 1;
        deps.logger.error({ err }, 'media worker cycle failed; retrying');
      }
      await sleep(failures > 0 ? Math.min(60_000, tickMs * 2 ** failures) : tickMs, aborter.signal);
    }
  })();
  const stop = once(async () => {
    aborter.abort(new Error('the media worker is stopping'));
    await loop;
  });
  return { stop, done: loop.then(() => stop()) };
}
