// How the X adapter maps every failure the fake X can play onto the error
// taxonomy: what a caller sees, whether it may retry, and the raw bytes kept.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BadPayload,
  ConfigError,
  OnrecordError,
  SourceAuth,
  SourceRateLimited,
  SourceUnavailable,
  SourceUsageCapped,
} from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createXSource, type XSource } from '../../../src/adapters/x/x-source.js';
import { POST_QUERY } from '../../../src/adapters/x/x-fields.js';
import type { Fault } from '../../fake-x/fake-x-faults.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';

let fake: RunningFakeX;
let source: XSource;
let userId: string;
const TIMEOUT_MS = 400;

beforeAll(async () => {
  fake = await startFakeX();
  userId = fake.seedAccount({ username: 'Errors_Acct', posts: 3 }).user.id;
  source = createXSource({
    baseUrl: fake.url,
    bearerToken: fake.bearerToken,
    timeoutMs: TIMEOUT_MS,
    logger: createLogger({ level: 'silent' }),
    ca: fake.caPem,
  });
});

afterAll(async () => {
  source.close();
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
  fake.rateLimits.reset();
});

async function failure(run: () => Promise<unknown>): Promise<OnrecordError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OnrecordError)) throw new Error(`expected an OnrecordError, got ${String(err)}`);
  return err;
}

const summary = (err: OnrecordError) => ({
  type: err.constructor.name,
  code: err.code,
  isRetryable: err.isRetryable,
  message: err.message,
});

describe('error mapping', () => {
  it.each<{ name: string; fault: Fault; expected: ReturnType<typeof summary> }>([
    {
      name: 'status 503',
      fault: { kind: 'status', status: 503 },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: 'X answered 503 Service Unavailable: Service Unavailable',
      },
    },
    {
      name: 'status 500',
      fault: { kind: 'status', status: 500, body: { title: 'Internal Error', type: 'about:blank', detail: 'boom' } },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: 'X answered 500 Internal Error: boom',
      },
    },
    {
      name: 'status 504',
      fault: { kind: 'status', status: 504 },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: 'X answered 504 Gateway Timeout: Gateway Timeout',
      },
    },
    {
      name: 'unauthorized',
      fault: { kind: 'unauthorized' },
      expected: {
        type: 'SourceAuth',
        code: 'auth',
        isRetryable: false,
        message: "X answered 401 Unauthorized: Unauthorized (check X_BEARER_TOKEN and the app's access)",
      },
    },
    {
      name: 'forbidden',
      fault: { kind: 'forbidden' },
      expected: expectForbidden(),
    },
    {
      name: 'usage-capped',
      fault: { kind: 'usage-capped' },
      expected: {
        type: 'SourceUsageCapped',
        code: 'usage_capped',
        isRetryable: false,
        message:
          'X answered 429 UsageCapExceeded: Usage cap exceeded: Monthly product cap (usage cap: polling stops until the cap is raised or the cycle ends)',
      },
    },
    {
      name: 'hang',
      fault: { kind: 'hang' },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: `X did not answer within ${TIMEOUT_MS} ms`,
      },
    },
    {
      name: 'close',
      fault: { kind: 'close' },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: expect.stringMatching(/^X could not be reached/),
      },
    },
    {
      name: 'reset',
      fault: { kind: 'reset' },
      expected: {
        type: 'SourceUnavailable',
        code: 'unavailable',
        isRetryable: true,
        message: 'X closed the connection in the middle of a response',
      },
    },
  ])('$name → $expected.type', async ({ fault, expected }) => {
    fake.injectFault({ ...fault, endpoint: 'users/:id/tweets' });
    const err = await failure(() => source.fetchTimelinePage(userId, {}));
    expect(summary(err)).toEqual(expected);
  });

  it('a wrong bearer token is SourceAuth', async () => {
    const wrong = createXSource({
      baseUrl: fake.url,
      bearerToken: 'not-the-token',
      timeoutMs: TIMEOUT_MS,
      logger: createLogger({ level: 'silent' }),
      ca: fake.caPem,
    });
    try {
      const err = await failure(() => wrong.resolveUser('Errors_Acct'));
      expect(err).toBeInstanceOf(SourceAuth);
    } finally {
      wrong.close();
    }
  });

  it('an exhausted window is SourceRateLimited until the reset the headers give', async () => {
    fake.rateLimits.exhaust('users/:id/tweets');
    const { reset } = fake.rateLimits.headers('users/:id/tweets');
    const err = await failure(() => source.fetchTimelinePage(userId, {}));
    expect(err).toBeInstanceOf(SourceRateLimited);
    expect({ resetAt: (err as SourceRateLimited).resetAt, retryable: err.isRetryable }).toEqual({
      resetAt: new Date(reset * 1000),
      retryable: true,
    });
  });

  it('a 429 with requests remaining is the usage cap, not the rate limit', async () => {
    fake.setUsageCapped(true);
    try {
      const err = await failure(() => source.resolveUser('Errors_Acct'));
      expect(err).toBeInstanceOf(SourceUsageCapped);
    } finally {
      fake.setUsageCapped(false);
    }
  });

  it.each<{ fault: Fault; contentType: string; message: string }>([
    {
      fault: { kind: 'truncated' },
      contentType: 'application/json; charset=utf-8',
      message: 'X answered malformed JSON',
    },
    {
      fault: { kind: 'empty' },
      contentType: 'application/json; charset=utf-8',
      message: 'X answered an empty body',
    },
    {
      fault: { kind: 'non-json' },
      contentType: 'text/html; charset=utf-8',
      message: 'X answered text/html; charset=utf-8 instead of a JSON object',
    },
  ])('$fault.kind body → BadPayload that keeps the raw text', async ({ fault, contentType, message }) => {
    fake.injectFault({ ...fault, endpoint: 'users/:id/tweets' });
    const err = await failure(() => source.fetchTimelinePage(userId, {}));
    expect(err).toBeInstanceOf(BadPayload);
    expect(err.message.startsWith(message)).toBe(true);
    const bodies: Record<string, unknown> = {
      'non-json': '<html><body>Bad gateway</body></html>',
      empty: '',
      truncated: expect.stringMatching(/^\{"data":\[/),
    };
    const body = bodies[fault.kind];
    expect((err as BadPayload).capture).toEqual({
      source: 'x:timeline',
      requestUrl: `${fake.url}/2/users/${userId}/tweets?${new URLSearchParams({ ...POST_QUERY, max_results: '100' })}`,
      httpStatus: 200,
      contentType,
      body,
    });
    if (fault.kind === 'truncated') expect(() => JSON.parse((err as BadPayload).capture!.body)).toThrow();
  });

  it('a caller abort rejects with the caller’s reason, not a source error', async () => {
    fake.injectFault({ kind: 'hang', endpoint: 'users/:id/tweets' });
    const controller = new AbortController();
    const pending = source.fetchTimelinePage(userId, {}, controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('an untrusted certificate is a ConfigError', async () => {
    const untrusting = createXSource({
      baseUrl: fake.url,
      bearerToken: fake.bearerToken,
      timeoutMs: TIMEOUT_MS,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const err = await failure(() => untrusting.resolveUser('Errors_Acct'));
      expect(err).toBeInstanceOf(ConfigError);
    } finally {
      untrusting.close();
    }
  });

  it('keeps answering after faults: the next request succeeds', async () => {
    fake.injectFault({ kind: 'status', status: 503, endpoint: 'users/:id/tweets' });
    await expect(source.fetchTimelinePage(userId, {})).rejects.toBeInstanceOf(SourceUnavailable);
    const page = await source.fetchTimelinePage(userId, {});
    expect((page.body as { meta: { result_count: number } }).meta.result_count).toBe(3);
  });
});

function expectForbidden() {
  return {
    type: 'SourceAuth',
    code: 'auth',
    isRetryable: false,
    message: expect.stringMatching(/^X answered 403 Client Forbidden: When authenticating/),
  };
}
