// One GET to the X API v2 through twitter-api-v2, returned as a RawCapture
// (non-JSON bodies as received, JSON bodies re-serialized after parsing: the
// library does not hand out the bytes), the parsed JSON and the rate-limit state.
// The library speaks only to https://api.x.com: a plugin points it at the
// configured base and gives every request a timeout and the caller's signal.
import http from 'node:http';
import https from 'node:https';
import { TwitterApi, type ITwitterApiClientPlugin, type TwitterRateLimit } from 'twitter-api-v2';
import { BadPayload } from '../../core/errors.js';
import type { Logger } from '../../logger.js';
import type { RateLimitState, RawCapture } from '../../ports/post-source.js';
import { headerValue, mapXError } from './x-errors.js';
import { createDeadline } from '../fetch/request-deadline.js';

export interface XClientOptions {
  /** e.g. https://api.x.com, or http://127.0.0.1:4010 for a local server. */
  baseUrl: string;
  bearerToken: string;
  /** Whole-request timeout (connect, headers and body). */
  timeoutMs: number;
  logger: Logger;
  /** Extra CA to trust for an https:// base (tests); child processes use NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  now?: () => Date;
}

export interface XResponse {
  capture: RawCapture;
  /** The parsed JSON body: an object, never trusted further than that. */
  body: Record<string, unknown>;
  rateLimit?: RateLimitState;
}

export interface XClient {
  get(source: string, path: string, query: Record<string, string>, signal?: AbortSignal): Promise<XResponse>;
  close(): void;
}

const LIBRARY_BASE = /^https:\/\/api\.(x|twitter)\.com/;

export function basePlugin(baseUrl: string, timeoutMs: number): ITwitterApiClientPlugin {
  return {
    // Streams are requested through their own hook.
    onBeforeStreamRequestConfig({ params }) {
      params.url = params.url.replace(LIBRARY_BASE, baseUrl);
    },
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(LIBRARY_BASE, baseUrl);
      // An idle-socket timeout inside the library; the AbortSignal below bounds the whole request.
      params.timeout ??= timeoutMs;
    },
    onBeforeRequest({ params, requestOptions }) {
      const signal = (params as { signal?: AbortSignal }).signal;
      if (signal) requestOptions.signal = signal;
    },
  };
}

function toRateLimit(rateLimit: TwitterRateLimit | undefined): RateLimitState | undefined {
  if (!rateLimit || ![rateLimit.limit, rateLimit.remaining, rateLimit.reset].every(Number.isFinite)) return undefined;
  return { limit: rateLimit.limit, remaining: rateLimit.remaining, resetAt: new Date(rateLimit.reset * 1000) };
}

/**
 * The parsed body, or a BadPayload carrying the capture. The library parses
 * JSON only for a JSON content type; anything else arrives as text.
 */
export function checkBody(data: unknown, capture: RawCapture): Record<string, unknown> {
  if (data === undefined || data === '') throw new BadPayload('X answered an empty body', { capture });
  if (typeof data === 'string') {
    throw new BadPayload(`X answered ${capture.contentType ?? 'no content type'} instead of a JSON object`, {
      capture,
    });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new BadPayload('X answered JSON that is not an object', { capture });
  }
  return data as Record<string, unknown>;
}

/** The agent for a base URL: http.Agent for http://, https.Agent (with the optional extra CA) otherwise. */
export function agentFor(baseUrl: string, ca: string | Buffer | undefined, keepAlive: boolean): http.Agent {
  return baseUrl.startsWith('http:')
    ? new http.Agent({ keepAlive })
    : new https.Agent({ keepAlive, ...(ca ? { ca } : {}) });
}

export function createXClient(options: XClientOptions): XClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const agent = agentFor(baseUrl, options.ca, true);
  const client = new TwitterApi(options.bearerToken, {
    httpAgent: agent,
    plugins: [basePlugin(baseUrl, options.timeoutMs)],
  }).readOnly;
  const logger = options.logger.child({ component: 'x-source' });

  async function get(source: string, path: string, query: Record<string, string>, signal?: AbortSignal) {
    signal?.throwIfAborted();
    const search = new URLSearchParams(query).toString();
    const requestUrl = `${baseUrl}/2/${path}${search ? `?${search}` : ''}`;
    const deadline = createDeadline(options.timeoutMs, signal);
    const settings = { fullResponse: true as const, timeout: options.timeoutMs, signal: deadline.signal };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await client.v2.get<unknown>(path, query, settings);
      const { data } = response;
      const capture: RawCapture = {
        source,
        requestUrl,
        // The library resolves only for statuses below 400 and does not expose them; X answers 200.
        httpStatus: 200,
        contentType: headerValue(response.headers['content-type']),
        // Parsed JSON is kept re-serialized (same content, X's whitespace aside); other bodies as received.
        body: typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data),
      };
      const rateLimit = toRateLimit(response.rateLimit);
      logger.debug({ source, path, ms: elapsed(), remaining: rateLimit?.remaining }, 'X request');
      return { capture, body: checkBody(data, capture), rateLimit };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = deadline.timedOut();
      const mapped = mapXError(err, { source, requestUrl, timeoutMs: options.timeoutMs, timedOut, now });
      logger.debug({ source, path, ms: elapsed(), err: mapped }, 'X request failed');
      throw mapped;
    } finally {
      deadline.dispose();
    }
  }

  return { get, close: () => agent.destroy() };
}
