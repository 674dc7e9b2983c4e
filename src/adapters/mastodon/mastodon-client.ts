// One GET to a Mastodon server's API through undici: the body kept exactly as
// received (text and content type) in a RawCapture, the JSON parsed from it,
// the `Link` header's targets and the rate-limit state. Each server is reached
// at its base URL (MASTODON_BASE_URLS, else https://<server>) with its own
// optional access token, sent only in the Authorization header. 2xx, 404 and
// 410 are returned; every other answer and every transport failure is thrown
// as the taxonomy's error (mastodon-errors.ts).
import { Agent, request } from 'undici';
import { BadPayload } from '../../core/errors.js';
import { parseLinkHeader } from '../../core/link-header.js';
import { mastodonBaseUrl } from '../../core/mastodon-settings.js';
import type { Logger } from '../../logger.js';
import type { RateLimitState, RawCapture } from '../../ports/post-source.js';
import { headerValue, readRateLimit, statusError, transportError, type Headers } from './mastodon-errors.js';
import { createDeadline } from '../fetch/request-deadline.js';

export interface MastodonClientOptions {
  /** server → base URL (http(s)://host[:port][/path]); others are https://<server>. */
  baseUrls: ReadonlyMap<string, string>;
  /** server → access token, for servers that answer only authenticated clients. */
  tokens: ReadonlyMap<string, string>;
  /** Whole-request timeout (connect, headers and body). */
  timeoutMs: number;
  logger: Logger;
  now?: () => Date;
  /** Extra CA to trust for https:// bases (tests). */
  ca?: string;
}

export interface MastodonResponse {
  capture: RawCapture;
  /** The parsed JSON body (2xx only; 404/410 bodies are not parsed). */
  json: unknown;
  /** The `Link` header's targets by rel (`next`, `prev`). */
  links: Map<string, string>;
  rateLimit?: RateLimitState;
}

export interface MastodonClient {
  get(
    server: string,
    source: string,
    path: string,
    query?: URLSearchParams,
    signal?: AbortSignal,
  ): Promise<MastodonResponse>;
  close(): void;
}

/** A timeline page is some hundred kilobytes; nothing the API sends comes near this. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function parseJson(capture: RawCapture, server: string): unknown {
  const type = capture.contentType ?? '';
  if (!/\bjson\b/i.test(type)) {
    throw new BadPayload(`${server} answered ${type || 'no content type'} instead of JSON`, { capture });
  }
  try {
    return JSON.parse(capture.body);
  } catch (err) {
    const reason = capture.body === '' ? 'an empty body' : `malformed JSON (${(err as Error).message})`;
    throw new BadPayload(`${server} answered ${reason}`, { capture });
  }
}

export function createMastodonClient(options: MastodonClientOptions): MastodonClient {
  const now = options.now ?? (() => new Date());
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    maxResponseSize: MAX_BODY_BYTES,
    ...(options.ca ? { connect: { ca: options.ca } } : {}),
  });
  const logger = options.logger.child({ component: 'mastodon-source' });

  async function send(url: string, token: string | undefined, signal: AbortSignal) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await request(url, { method: 'GET', headers, signal, dispatcher: agent });
    const body = await response.body.text();
    return { status: response.statusCode, headers: response.headers as Headers, body };
  }

  async function get(server: string, source: string, path: string, query?: URLSearchParams, signal?: AbortSignal) {
    signal?.throwIfAborted();
    const search = query?.toString();
    const requestUrl = `${mastodonBaseUrl(options.baseUrls, server)}${path}${search ? `?${search}` : ''}`;
    const token = options.tokens.get(server);
    const deadline = createDeadline(options.timeoutMs, signal);
    const started = performance.now();
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(requestUrl, token, deadline.signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const mapped = transportError(err, { server, timedOut: deadline.timedOut(), timeoutMs: options.timeoutMs });
      logger.debug({ server, source, path, err: mapped }, 'Mastodon request failed');
      throw mapped;
    } finally {
      deadline.dispose();
    }
    const capture: RawCapture = {
      source,
      requestUrl,
      httpStatus: answer.status,
      contentType: headerValue(answer.headers['content-type']),
      body: answer.body,
    };
    const rateLimit = readRateLimit(answer.headers);
    const ms = Math.round(performance.now() - started);
    logger.debug(
      { server, source, path, status: answer.status, ms, remaining: rateLimit?.remaining },
      'Mastodon request',
    );
    const isSuccess = answer.status >= 200 && answer.status < 300;
    if (!isSuccess && answer.status !== 404 && answer.status !== 410) {
      throw statusError(capture, answer.headers, { server, hasToken: token !== undefined, now });
    }
    const json = isSuccess ? parseJson(capture, server) : undefined;
    const links = parseLinkHeader(headerValue(answer.headers.link));
    return { capture, json, links, ...(rateLimit ? { rateLimit } : {}) };
  }

  return { get, close: () => void agent.destroy() };
}
