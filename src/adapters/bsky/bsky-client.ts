// One XRPC query to a Bluesky AppView through @atproto/api, kept exactly as
// received. The library parses bodies itself (and turns `$link` objects into
// CID instances), so it is given a fetch handler of our own: undici with a
// keep-alive agent that close() can end, reading each response's bytes once,
// keeping them as the raw capture, and handing the library a copy. (The
// library's own handler would also drop any path of the base URL.) It still
// builds the request and checks the answer against the method's lexicon; a
// lexicon violation is reported with the body, which is then read item by
// item, so one bad post never hides the others.
import { Agent } from '@atproto/api';
import { Agent as Dispatcher, fetch as undiciFetch } from 'undici';
import { BadPayload, SourceUnavailable } from '../../core/errors.js';
import type { Logger } from '../../logger.js';
import type { RateLimitState, RawCapture } from '../../ports/post-source.js';
import { networkError, rateLimitOf, statusError, xrpcErrorOf, type Received } from './bsky-errors.js';
import { createDeadline } from '../fetch/request-deadline.js';

export interface BskyClientOptions {
  /** e.g. https://public.api.bsky.app, or http://127.0.0.1:4020 for a local AppView. */
  baseUrl: string;
  /** Whole-request timeout (connect, headers and body). */
  timeoutMs: number;
  logger: Logger;
  now?: () => Date;
}

export interface BskyResponse {
  capture: RawCapture;
  /** The parsed JSON body: an object, never trusted further than that. */
  body: Record<string, unknown>;
  rateLimit?: RateLimitState;
  /** Why the answer does not match the method's lexicon, when it does not. */
  lexiconError?: string;
  /** A 400 XRPC error (account not found, suspended, deactivated; a refused request). */
  xrpcError?: { error: string; message: string };
}

export type BskyQuery = (agent: Agent, options: { signal: AbortSignal }) => Promise<unknown>;

export interface BskyClient {
  call(source: string, query: BskyQuery, signal?: AbortSignal): Promise<BskyResponse>;
  close(): void;
}

/** Statuses whose response may carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** The body as a JSON object, or a BadPayload carrying the capture. */
function parseBody(capture: RawCapture): Record<string, unknown> {
  const type = capture.contentType ?? 'no content type';
  if (!/application\/json/i.test(type))
    throw new BadPayload(`the AppView answered ${type} instead of JSON`, { capture });
  if (capture.body === '') throw new BadPayload('the AppView answered an empty body', { capture });
  let parsed: unknown;
  try {
    parsed = JSON.parse(capture.body);
  } catch (err) {
    throw new BadPayload(`the AppView answered malformed JSON (${(err as Error).message})`, { capture });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadPayload('the AppView answered JSON that is not an object', { capture });
  }
  return parsed as Record<string, unknown>;
}

/** The lexicon check's own words (the library's error says only "invalid response"). */
function describeLibraryError(err: unknown): string {
  const detail = (err as { validationError?: { message?: unknown } }).validationError?.message;
  return typeof detail === 'string' ? detail : (err as Error).message || String(err);
}

export function createBskyClient(options: BskyClientOptions): BskyClient {
  const now = options.now ?? (() => new Date());
  const dispatcher = new Dispatcher({ keepAliveTimeout: 30_000 });
  const received = new WeakMap<AbortSignal, Received>();
  const logger = options.logger.child({ component: 'bsky-source' });

  const base = options.baseUrl.replace(/\/+$/, '');

  // The library's fetch handler, given `/xrpc/<method>?…`: the base's own path is kept (a proxy's
  // prefix), each response is read once and kept for the call that asked (found by its signal).
  const fetchHandler = async (path: string, init: RequestInit): Promise<Response> => {
    const url = `${base}${path}`;
    const response = await undiciFetch(url, { ...(init as object), dispatcher });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const headers = Object.fromEntries(response.headers.entries());
    const capture: RawCapture = {
      source: '',
      requestUrl: url,
      httpStatus: response.status,
      contentType: headers['content-type'] ?? null,
      body: new TextDecoder().decode(bytes),
    };
    if (init.signal) received.set(init.signal, { capture, headers });
    const body = NULL_BODY.has(response.status) ? null : bytes;
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
  const agent = new Agent(fetchHandler);

  async function call(source: string, query: BskyQuery, signal?: AbortSignal): Promise<BskyResponse> {
    signal?.throwIfAborted();
    const deadline = createDeadline(options.timeoutMs, signal);
    const started = performance.now();
    let libraryError: unknown;
    try {
      await query(agent, { signal: deadline.signal }).catch((err: unknown) => (libraryError = err));
      if (signal?.aborted) throw signal.reason;
      const got = received.get(deadline.signal);
      if (!got) {
        if (deadline.timedOut())
          throw new SourceUnavailable(`the AppView did not answer within ${options.timeoutMs} ms`);
        throw networkError(libraryError);
      }
      const response = read(source, got, libraryError);
      const ms = Math.round(performance.now() - started);
      logger.debug(
        { source, ms, status: response.capture.httpStatus, remaining: response.rateLimit?.remaining },
        'AppView request',
      );
      return response;
    } finally {
      deadline.dispose();
    }
  }

  function read(source: string, got: Received, libraryError: unknown): BskyResponse {
    const capture = { ...got.capture, source };
    const rateLimit = rateLimitOf(got.headers, now());
    const status = capture.httpStatus;
    if (status >= 400) {
      const mapped = statusError({ capture, headers: got.headers }, now());
      if (mapped) throw mapped;
      const xrpcError = xrpcErrorOf(capture.body) ?? { error: 'InvalidRequest', message: capture.body.slice(0, 200) };
      return { capture, body: {}, rateLimit, xrpcError };
    }
    if (status < 200 || status > 299) throw new BadPayload(`the AppView answered ${status}`, { capture });
    const body = parseBody(capture);
    const lexiconError = libraryError ? describeLibraryError(libraryError) : undefined;
    return { capture, body, rateLimit, ...(lexiconError ? { lexiconError } : {}) };
  }

  return { call, close: () => void dispatcher.destroy().catch(() => undefined) };
}
