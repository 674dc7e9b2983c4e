// X's streams through twitter-api-v2's stream support (TweetStream): one
// connection per call, never reconnected here (the job reconnects as X
// documents), with the library's keep-alive timeout (no byte, not even X's
// keep-alive newline, within the timeout: the connection is lost). Lines are
// read from the response as received, so that each is kept raw; the library's
// own parser would only hand out parsed objects and drop unreadable lines.
// Also the REST calls that manage streams (rules, subscriptions), answered
// with their status, since a 409 or a rule-cap refusal is an answer here.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  ETwitterStreamEvent,
  TwitterApi,
  type TweetStream,
} from 'twitter-api-v2';
import { failureOfStatus } from '../../core/stream-backoff.js';
import type { Logger } from '../../logger.js';
import type { StreamEnd, StreamHandlers } from '../../ports/post-stream.js';
import { agentFor, basePlugin, type XClientOptions } from './x-client.js';
import { mapXError, problemOf } from './x-errors.js';

export interface XStreamClientOptions extends XClientOptions {
  /** No byte within this time: the connection is lost (X sends a keep-alive every 20 s). */
  keepAliveTimeoutMs: number;
}

export interface XAnswer {
  status: number;
  body: Record<string, unknown>;
  requestUrl: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RawLineHandlers extends Omit<StreamHandlers, 'onItem'> {
  onLine(line: string, receivedAt: Date): void;
}

export interface RawConnection {
  readonly ended: Promise<StreamEnd>;
  /** Ends the connection (by default as stopped by the caller). */
  close(end?: StreamEnd): void;
}

export interface XStreamClient {
  readonly baseUrl: string;
  /** One REST call; any HTTP status is an answer, network failures throw (mapped to the error taxonomy). */
  request(
    method: HttpMethod,
    path: string,
    query?: Record<string, string>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<XAnswer>;
  /** Opens one stream connection. */
  connect(path: string, query: Record<string, string>, handlers: RawLineHandlers): RawConnection;
  close(): void;
}

const LINE_END = '\r\n';

function asObject(data: unknown): Record<string, unknown> {
  if (data && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
  return { raw: typeof data === 'string' ? data : JSON.stringify(data ?? null) };
}

/** Why a connect attempt failed, as the back-off reads it. */
export function connectFailure(err: unknown): StreamEnd {
  if (err instanceof ApiResponseError) {
    const problem = problemOf(typeof err.data === 'string' ? err.data : JSON.stringify(err.data ?? null));
    const what = [problem?.title, problem?.detail].filter(Boolean).join(': ');
    return {
      failure: failureOfStatus(err.code),
      status: err.code,
      message: `X answered ${err.code}${what ? ` ${what}` : ''}`,
    };
  }
  if (err instanceof ApiPartialResponseError) {
    const status = err.response?.statusCode ?? 0;
    return { failure: status ? failureOfStatus(status) : 'network', status, message: 'X answered an unreadable error' };
  }
  if (err instanceof ApiRequestError) {
    const cause = (err as unknown as { _options?: { error?: Error & { code?: string } } })._options?.error;
    return {
      failure: 'network',
      message: `X could not be reached (${cause?.code ?? cause?.message ?? 'network error'})`,
    };
  }
  return { failure: 'network', message: `connect failed (${(err as Error)?.message ?? String(err)})` };
}

/** Splits a byte stream into lines ended by CRLF; empty lines are X's keep-alives. */
function lineSplitter(onLine: (line: string) => void) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return (chunk: Buffer | string) => {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let at: number;
    while ((at = pending.indexOf(LINE_END)) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + LINE_END.length);
      if (line.trim()) onLine(line);
    }
  };
}

export function createXStreamClient(options: XStreamClientOptions, logger: Logger): XStreamClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const restAgent = agentFor(baseUrl, options.ca, true);
  // Stream sockets live as long as their connection: their own agent, destroyed on close.
  const streamAgent = agentFor(baseUrl, options.ca, false);
  const plugins = [basePlugin(baseUrl, options.timeoutMs)];
  const rest = new TwitterApi(options.bearerToken, { httpAgent: restAgent, plugins });
  const streams = new TwitterApi(options.bearerToken, { httpAgent: streamAgent, plugins });
  const log = logger.child({ component: 'x-stream' });

  async function request(
    method: HttpMethod,
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
    signal?: AbortSignal,
  ) {
    const search = new URLSearchParams(query).toString();
    const requestUrl = `${baseUrl}/2/${path}${search ? `?${search}` : ''}`;
    const settings = { fullResponse: true as const, timeout: options.timeoutMs, signal };
    try {
      const v2 = rest.v2;
      const response =
        method === 'GET'
          ? await v2.get<unknown>(path, query, settings)
          : method === 'DELETE'
            ? await v2.delete<unknown>(path, query, settings)
            : method === 'PUT'
              ? await v2.put<unknown>(path, body as Record<string, unknown>, { ...settings, query })
              : await v2.post<unknown>(path, body as Record<string, unknown>, { ...settings, query });
      return { status: 200, body: asObject(response.data), requestUrl };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof ApiResponseError) return { status: err.code, body: asObject(err.data), requestUrl };
      throw mapXError(err, {
        source: 'x:stream',
        requestUrl,
        timeoutMs: options.timeoutMs,
        timedOut: false,
        now: () => new Date(),
      });
    }
  }

  function connect(path: string, query: Record<string, string>, handlers: RawLineHandlers): RawConnection {
    const stream: TweetStream = streams.v2.getStream(path, query, { autoConnect: false, payloadIsError: () => false });
    let finish!: (end: StreamEnd) => void;
    let isSettled = false;
    const ended = new Promise<StreamEnd>((resolve) => {
      finish = (end) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(connectTimer);
        stream.destroy();
        resolve(end);
      };
    });
    const connectTimer = setTimeout(
      () => finish({ failure: 'network', message: `X did not answer the connect within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    stream.on(ETwitterStreamEvent.ConnectionLost, () =>
      finish({ failure: 'dropped', message: `no data and no keep-alive for ${options.keepAliveTimeoutMs} ms` }),
    );
    stream.on(ETwitterStreamEvent.ConnectionError, (err: Error) =>
      finish({ failure: 'dropped', message: `the connection broke (${err?.message ?? 'error'})` }),
    );
    stream.on(ETwitterStreamEvent.ConnectionClosed, () =>
      finish({ failure: 'dropped', message: 'X closed the connection' }),
    );
    stream.connect({ autoReconnect: false, keepAliveTimeout: options.keepAliveTimeoutMs }).then(
      () => {
        // Closed (or timed out) while connecting: the late connection is not used.
        if (isSettled) return stream.destroy();
        clearTimeout(connectTimer);
        const res = (stream as unknown as { res?: Readable }).res;
        const split = lineSplitter((line) => handlers.onLine(line, new Date()));
        res?.on('data', (chunk: Buffer) => {
          handlers.onActivity?.();
          split(chunk);
        });
        handlers.onOpen();
      },
      (err: unknown) => {
        const end = connectFailure(err);
        log.debug({ path, end }, 'stream connect failed');
        finish(end);
      },
    );
    return { ended, close: (end?: StreamEnd) => finish(end ?? { failure: 'stopped', message: 'closed' }) };
  }

  return {
    baseUrl,
    request,
    connect,
    close() {
      restAgent.destroy();
      streamAgent.destroy();
    },
  };
}
