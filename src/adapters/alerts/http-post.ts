// One JSON POST with a hard time limit, shared by the webhook, Slack and
// Discord sinks. A receiver that hangs (no answer, or an answer that never
// ends) is cut off after timeoutMs, so it never holds a worker's slot longer.
import { Agent, request } from 'undici';
import type { SendResult } from '../../ports/alert-sink.js';

const RESPONSE_EXCERPT_CHARS = 300;

export interface HttpPoster {
  post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

export function createHttpPoster(options: { timeoutMs: number; userAgent?: string }): HttpPoster {
  const agent = new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 4000 });
  return {
    async post(url, body, headers, signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await request(url, {
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
        const text = await res.body.text().then(
          (t) => t.slice(0, RESPONSE_EXCERPT_CHARS),
          () => '(the answer was cut off)',
        );
        if (res.statusCode >= 200 && res.statusCode < 300) {
          return { status: 'accepted', statusCode: res.statusCode, detail: text };
        }
        return { status: 'failed', statusCode: res.statusCode, error: `HTTP ${res.statusCode}: ${text}`.trim() };
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

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}
