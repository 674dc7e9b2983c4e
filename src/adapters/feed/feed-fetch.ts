// One conditional GET of a feed through the safe fetcher (address-checked,
// size- and time-capped, redirects re-checked): If-None-Match with the stored
// ETag, If-Modified-Since with the stored Last-Modified. The content type is
// not trusted (servers send feeds as text/html, text/plain or
// application/octet-stream): anything but an obviously binary type is read and
// the parser decides. The body is decoded from its BOM, its XML declaration,
// the header's charset, else UTF-8. HTTP errors and time-outs become the
// taxonomy's.
import iconv from 'iconv-lite';
import { BadPayload, FetchRefused, SourceAuth, SourceRateLimited, SourceUnavailable } from '../../core/errors.js';
import { retryAfterAt } from '../../core/retry-after.js';
import type { RawCapture } from '../../ports/post-source.js';
import { FetchTimedOut, safeRequest, type ResponseHead, type SafeFetchOptions } from '../fetch/safe-fetch.js';

export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

/** How long a 429 without a usable Retry-After holds the account back. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60_000;

/** Types no feed is served as: refused before the body is read. */
const BINARY_TYPES = /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-gzip|x-tar|vnd\.|msword)/i;

export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface FeedResponse extends FeedValidators {
  /** 2xx (a document), 304 (unchanged), 404 or 410 (gone). */
  status: number;
  /** The URL finally read, after redirects. */
  url: string;
  capture: RawCapture;
}

export interface FeedFetchDeps {
  fetch: SafeFetchOptions;
  now(): Date;
}

export async function fetchFeedDocument(
  url: string,
  validators: FeedValidators | null,
  source: string,
  deps: FeedFetchDeps,
  signal?: AbortSignal,
): Promise<FeedResponse> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  const res = await safeRequest(url, deps.fetch, { accept: FEED_ACCEPT, headers, admit: admitFeed }, signal).catch(
    (err: unknown) => {
      // A feed server too slow this time is an outage to retry, not a refusal.
      throw err instanceof FetchTimedOut ? new SourceUnavailable(err.message, { cause: err }) : err;
    },
  );
  const capture: RawCapture = {
    source,
    requestUrl: res.url,
    httpStatus: res.status,
    contentType: res.contentType || null,
    body: res.status === 304 ? '' : decodeFeedBytes(res.bytes, res.contentType).text,
  };
  throwForStatus(res, capture, deps.now());
  const etag = res.headers.etag ?? null;
  const lastModified = res.headers['last-modified'] ?? null;
  // A 304 carries no body: the validators it repeats (or omits) change nothing.
  if (res.status === 304) return { status: 304, url: res.url, capture, ...(validators ?? { etag, lastModified }) };
  return { status: res.status, url: res.url, capture, etag, lastModified };
}

function admitFeed({ url, status, contentType }: ResponseHead): void {
  const type = contentType.trim();
  if (status >= 200 && status < 300 && BINARY_TYPES.test(type) && !/\+(xml|json)\b/i.test(type))
    throw new FetchRefused(`${url} is ${contentType}, not a feed`);
}

/** Statuses other than a document, 304 and gone, as the taxonomy's errors. */
function throwForStatus(res: ResponseHead, capture: RawCapture, now: Date): void {
  const { status, url } = res;
  if ((status >= 200 && status < 300) || status === 304 || status === 404 || status === 410) return;
  const retryAfter = res.headers['retry-after'];
  const message = `${url} answered HTTP ${status}`;
  if (status === 429) {
    const resetAt = retryAfterAt(retryAfter, now) ?? new Date(now.getTime() + DEFAULT_RATE_LIMIT_WAIT_MS);
    throw new SourceRateLimited(`${message} (retry after ${resetAt.toISOString()})`, resetAt);
  }
  // A 503 that says when to come back (RFC 9110 §10.2.3) holds the account until
  // then, as a rate limit does, instead of being asked again within the poll.
  const comeBackAt = status === 503 ? retryAfterAt(retryAfter, now) : null;
  if (comeBackAt) throw new SourceRateLimited(`${message} (retry after ${comeBackAt.toISOString()})`, comeBackAt);
  if (status === 401 || status === 403 || status === 407)
    throw new SourceAuth(`${message}: the feed does not let this reader in`);
  if (status === 408 || status >= 500)
    throw new SourceUnavailable(retryAfter ? `${message} (Retry-After: ${retryAfter})` : message);
  throw new BadPayload(`${message}, not a feed`, { capture });
}

/**
 * The body's text. A BOM wins; a JSON body is UTF-8; then the XML declaration (written by the
 * program that wrote the bytes; a server's charset is often its default for
 * every file, as with text/html served for a UTF-8 feed); then the header's
 * charset; then UTF-8, which JSON Feed requires.
 */
export function decodeFeedBytes(bytes: Buffer, contentType: string): { text: string; charset: string } {
  const charset = [bomCharset(bytes), jsonCharset(bytes), xmlDeclaredCharset(bytes), headerCharset(contentType)].find(
    (c): c is string => !!c && iconv.encodingExists(c),
  );
  const chosen = charset?.toLowerCase() ?? 'utf-8';
  return { text: iconv.decode(bytes, chosen), charset: chosen };
}

function bomCharset(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** JSON Feed is UTF-8 (RFC 8259 §8.1), whatever a server's default charset says. */
function jsonCharset(bytes: Buffer): string | undefined {
  return /^\s*[{[]/.test(bytes.subarray(0, 64).toString('latin1')) ? 'utf-8' : undefined;
}

function xmlDeclaredCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 512).toString('latin1');
  return /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
}

function headerCharset(contentType: string): string | undefined {
  return /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1];
}
