// One JSON POST with a hard time limit, shared by the webhook, Slack and
// Discord sinks. A receiver that hangs (no answer, or an answer that never
// ends) is cut off after timeoutMs, so it never holds a worker's slot longer.
// Targets obey the article fetcher's address rules (safe-fetch.ts): http(s)
// only, and every address connected to must be public unless private targets
// are allowed (ONRECORD_ALLOW_PRIVATE_TARGETS). What a failed send reports is
// the status and a short reason of ours, never the receiver's answer: it is
// shown to anyone who may read the alert rules.
import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';
import { FetchRefused } from '../../core/errors.js';
import type { SendResult } from '../../ports/alert-sink.js';
import { checkUrl, guardedLookup } from '../fetch/safe-fetch.js';

export interface HttpPoster {
  post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

export interface HttpPosterOptions {
  timeoutMs: number;
  /** Let targets be loopback, private or link-local addresses. */
  allowPrivate: boolean;
  userAgent?: string;
}

export function createHttpPoster(options: HttpPosterOptions): HttpPoster {
  const agent = new Agent({
    connect: { timeout: options.timeoutMs, lookup: guardedLookup(options.allowPrivate) },
    keepAliveTimeout: 4000,
  });
  return {
    async post(url, body, headers, signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await request(checkTarget(url, options.allowPrivate), {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': options.userAgent ?? 'onrecord-alerts',
            ...headers,
          },
          signal: combined,
          // undici 7 never follows redirects unless told to: a 3xx is a failure.
          dispatcher: agent,
        });
        // A 2xx status is the receiver's acceptance, whatever happens to the
        // rest of its answer: a body that never ends must not cause a resend.
        await res.body.dump().catch(() => undefined);
        const status = `HTTP ${res.statusCode}${STATUS_CODES[res.statusCode] ? ` ${STATUS_CODES[res.statusCode]}` : ''}`;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          return { status: 'accepted', statusCode: res.statusCode, detail: status };
        }
        return { status: 'failed', statusCode: res.statusCode, error: status };
      } catch (err) {
        if (timeout.aborted)
          return { status: 'failed', statusCode: null, error: `timed out after ${options.timeoutMs} ms` };
        if (signal?.aborted) return { status: 'failed', statusCode: null, error: 'aborted: the worker is stopping' };
        return { status: 'failed', statusCode: null, error: describe(err) };
      }
    },
    close: () => agent.close(),
  };
}

/** The target as a URL under the address rules; the refusal never repeats the URL (its path may hold a token). */
function checkTarget(raw: string, allowPrivate: boolean): URL {
  try {
    return checkUrl(raw, allowPrivate);
  } catch (err) {
    if (err instanceof FetchRefused && err.message.startsWith('not a URL')) throw new FetchRefused('not a URL');
    throw err;
  }
}

/** A short reason: our own refusal, or a socket error's code. Never a receiver's text. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: unknown };
  const refused = err instanceof FetchRefused ? err : e.cause instanceof FetchRefused ? e.cause : undefined;
  if (refused) return `refused: ${refused.message}`;
  const cause = e.cause as { code?: string } | undefined;
  const code = cause?.code ?? e.code;
  return code ? `could not connect (${code})` : 'could not connect';
}
