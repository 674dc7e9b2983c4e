// The binary mode of the address-checked fetcher: one media file streamed to
// a temporary file while it is hashed, never held whole in memory. The same
// policy as safeFetch (safe-fetch.ts): http(s) only, every resolved address
// public unless allowed (checked in the socket's own DNS lookup), redirects
// followed by hand and each re-checked, a size limit (the declared length
// first, then the bytes as they arrive; a file over it is refused and its
// partial copy removed). Time is bounded per wait (connect, headers, the gap
// between two chunks) and per download, so a large video on a slow link
// completes while a stalled one does not hang.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { FetchRefused, SourceUnavailable } from '../../core/errors.js';
import { GONE_HTTP_STATUSES } from '../../core/media-capture.js';
import type { MediaDownload, MediaFetcher } from '../../ports/media.js';
import { checkUrl, decoded, guardedLookup } from './safe-fetch.js';

export interface SafeDownloadOptions {
  allowPrivate: boolean;
  /** Addresses reachable even when private addresses are refused (e.g. a media mirror on the local network). */
  allowedAddresses?: readonly string[];
  maxBytes: number;
  /** Longest wait for a connection, the headers, or the next chunk of the body. */
  idleTimeoutMs: number;
  /** Longest one whole download may take. */
  totalTimeoutMs: number;
  maxRedirects: number;
  userAgent?: string;
}

export function createMediaFetcher(options: SafeDownloadOptions, tempDir: string): MediaFetcher {
  return { download: (url, signal) => safeDownload(url, tempDir, options, signal) };
}

/** Downloads one file into `dir` (a `.part` file named at random); see MediaDownload for outcomes. */
export async function safeDownload(
  rawUrl: string,
  dir: string,
  options: SafeDownloadOptions,
  signal?: AbortSignal,
): Promise<MediaDownload> {
  const allowed = options.allowedAddresses ?? [];
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.allowPrivate, allowed), timeout: options.idleTimeoutMs },
    headersTimeout: options.idleTimeoutMs,
    bodyTimeout: options.idleTimeoutMs,
  });
  const total = AbortSignal.timeout(options.totalTimeoutMs);
  const combined = signal ? AbortSignal.any([signal, total]) : total;
  try {
    let url = checkUrl(rawUrl, options.allowPrivate, allowed);
    for (let hop = 0; ; hop++) {
      const answer = await send(agent, url, dir, options, combined);
      if (answer.kind !== 'redirect') return answer;
      if (hop >= options.maxRedirects)
        throw new FetchRefused(`more than ${options.maxRedirects} redirects from ${rawUrl}`);
      url = checkUrl(new URL(answer.location, url).toString(), options.allowPrivate, allowed);
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw translate(err, rawUrl, total.aborted);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

type Answer = MediaDownload | { kind: 'redirect'; location: string };

async function send(
  agent: Agent,
  url: URL,
  dir: string,
  options: SafeDownloadOptions,
  signal: AbortSignal,
): Promise<Answer> {
  const res = await request(url, {
    dispatcher: agent,
    signal,
    headers: {
      'user-agent': options.userAgent ?? 'onrecord (news archive)',
      accept: 'image/*,video/*,*/*;q=0.5',
      'accept-encoding': 'identity',
    },
  });
  const where = url.toString();
  const status = res.statusCode;
  if (status >= 300 && status < 400 && res.headers.location) {
    await res.body.dump();
    return { kind: 'redirect', location: String(res.headers.location) };
  }
  if (GONE_HTTP_STATUSES.has(status)) {
    await res.body.dump();
    return { kind: 'gone', url: where, status };
  }
  if (status !== 200) {
    await res.body.dump();
    throw new SourceUnavailable(`${where} answered HTTP ${status}`);
  }
  const contentType = res.headers['content-type'] ? String(res.headers['content-type']) : null;
  if (/^text\/html\b/i.test(contentType ?? '')) {
    await res.body.dump();
    throw new SourceUnavailable(`${where} answered an HTML page, not a media file`);
  }
  const declared = Number(res.headers['content-length']);
  if (declared > options.maxBytes) {
    await res.body.dump();
    throw new FetchRefused(`${where} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
  }
  const encoding = String(res.headers['content-encoding'] ?? '');
  const written = await writeHashed(decoded(res.body, encoding, url), dir, where, options.maxBytes);
  return { kind: 'downloaded', url: where, status, contentType, ...written };
}

/** Streams the body to a new file in `dir`, hashing and counting; removes the file on any failure. */
async function writeHashed(body: Readable, dir: string, url: string, maxBytes: number) {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return callback(new FetchRefused(`${url} is over the ${maxBytes}-byte limit`));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    // flush: the file is fsynced before it closes, so a stored file is on disk before its row says so.
    await pipeline(body, count, createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true }));
  } catch (err) {
    body.destroy();
    await rm(path, { force: true });
    throw err;
  }
  return { bytes, sha256: hash.digest('hex'), path };
}

function translate(err: unknown, url: string, timedOut: boolean): Error {
  if (err instanceof FetchRefused || err instanceof SourceUnavailable) return err;
  // The lookup's refusal arrives wrapped by the socket layer.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof FetchRefused) return cause;
  const code = String((err as { code?: unknown })?.code ?? '');
  if (/^(Z_|ERR__ERROR_)/.test(code)) return new FetchRefused(`${url} does not decode`, { cause: err });
  if (timedOut) return new SourceUnavailable(`${url} did not finish within the time limit`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new SourceUnavailable(`downloading ${url} failed: ${message}`, { cause: err });
}
