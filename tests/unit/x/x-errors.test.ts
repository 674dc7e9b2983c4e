// The X adapter's translation of twitter-api-v2 errors and of user-lookup
// answers, table-driven, without a network.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { mapXError, problemOf, type RequestContext } from '../../../src/adapters/x/x-errors.js';
import { toUserLookup } from '../../../src/adapters/x/x-source.js';
import { BadPayload, OnrecordError } from '../../../src/core/errors.js';
import type { RawCapture } from '../../../src/ports/post-source.js';

const NOW = new Date('2026-03-04T15:00:00Z');
const ctx: RequestContext = {
  source: 'x:timeline',
  requestUrl: 'https://api.x.com/2/users/1/tweets',
  timeoutMs: 1000,
  timedOut: false,
  now: () => NOW,
};

function responseError(code: number, body: unknown, headers: Record<string, string> = {}) {
  const rateLimit = headers['x-rate-limit-limit']
    ? {
        limit: Number(headers['x-rate-limit-limit']),
        remaining: Number(headers['x-rate-limit-remaining']),
        reset: Number(headers['x-rate-limit-reset']),
      }
    : undefined;
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: body as ConstructorParameters<typeof ApiResponseError>[1]['data'],
    headers,
    rateLimit,
    request: {} as ClientRequest,
    response: {} as IncomingMessage,
  });
}

const limits = (remaining: number) => ({
  'x-rate-limit-limit': '10000',
  'x-rate-limit-remaining': String(remaining),
  'x-rate-limit-reset': '1772637300',
});

const cap = (httpStatus: number, contentType: string, body: string): RawCapture => ({
  source: ctx.source,
  requestUrl: ctx.requestUrl,
  httpStatus,
  contentType,
  body,
});

const describeError = (err: unknown) => {
  const e = err as OnrecordError & { resetAt?: Date; capture?: RawCapture };
  return { code: e.code, retryable: e.isRetryable, resetAt: e.resetAt, capture: e.capture };
};

describe('mapXError', () => {
  it.each([
    {
      name: '429 about:blank, none remaining → rate limited until the reset header',
      err: responseError(429, { title: 'Too Many Requests', type: 'about:blank' }, limits(0)),
      expected: { code: 'rate_limited', retryable: true, resetAt: new Date(1772637300_000) },
    },
    {
      name: '429 without headers → rate limited for the standard 15-minute window',
      err: responseError(429, { title: 'Too Many Requests', type: 'about:blank' }),
      expected: { code: 'rate_limited', retryable: true, resetAt: new Date(NOW.getTime() + 15 * 60_000) },
    },
    {
      name: '429 usage-capped type → usage capped',
      err: responseError(429, { title: 'UsageCapExceeded', type: 'https://api.x.com/2/problems/usage-capped' }),
      expected: { code: 'usage_capped', retryable: false },
    },
    {
      name: '429 about:blank with requests remaining → usage capped',
      err: responseError(429, { title: 'Too Many Requests', type: 'about:blank' }, limits(39_999)),
      expected: { code: 'usage_capped', retryable: false },
    },
    {
      name: '401 → auth',
      err: responseError(401, { title: 'Unauthorized' }),
      expected: { code: 'auth', retryable: false },
    },
    {
      name: '403 → auth',
      err: responseError(403, { title: 'Forbidden' }),
      expected: { code: 'auth', retryable: false },
    },
    {
      name: '502 → unavailable',
      err: responseError(502, 'Bad Gateway'),
      expected: { code: 'unavailable', retryable: true },
    },
    {
      name: '400 → invalid input',
      err: responseError(400, { title: 'Invalid Request' }),
      expected: { code: 'invalid_input', retryable: false },
    },
    {
      name: '404 → bad payload keeping the body',
      err: responseError(404, 'no such route', { 'content-type': 'text/plain' }),
      expected: {
        code: 'bad_payload',
        retryable: false,
        capture: cap(404, 'text/plain', 'no such route'),
      },
    },
    {
      name: 'socket reset → unavailable',
      err: new ApiRequestError('Request failed.', {
        request: {} as ClientRequest,
        error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      }),
      expected: { code: 'unavailable', retryable: true },
    },
    {
      name: 'untrusted certificate → config',
      err: new ApiRequestError('Request failed.', {
        request: {} as ClientRequest,
        error: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      }),
      expected: { code: 'config', retryable: false },
    },
    {
      name: 'connection closed mid-body → unavailable',
      err: new ApiPartialResponseError('partial', {
        request: {} as ClientRequest,
        response: { complete: false, statusCode: 200, headers: {} } as IncomingMessage,
        responseError: new SyntaxError('Unexpected end of JSON input'),
        rawContent: '{"data":[',
      }),
      expected: { code: 'unavailable', retryable: true },
    },
    {
      name: 'complete body that is not JSON → bad payload with the raw text',
      err: new ApiPartialResponseError('partial', {
        request: {} as ClientRequest,
        response: {
          complete: true,
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
        } as IncomingMessage,
        responseError: new SyntaxError('Unexpected end of JSON input'),
        rawContent: '{"data":[',
      }),
      expected: {
        code: 'bad_payload',
        retryable: false,
        capture: cap(200, 'application/json', '{"data":['),
      },
    },
  ])('$name', ({ err, expected }) => {
    expect(describeError(mapXError(err, ctx))).toEqual({ resetAt: undefined, capture: undefined, ...expected });
  });

  it('passes errors it does not know through unchanged', () => {
    const err = new TypeError('Protocol "http:" not supported');
    expect(mapXError(err, ctx)).toBe(err);
  });
});

describe('problemOf', () => {
  it.each([
    ['{"title":"Unauthorized","type":"about:blank"}', { title: 'Unauthorized', type: 'about:blank' }],
    ['{"errors":[{"message":"x","title":"Invalid"}]}', { message: 'x', title: 'Invalid' }],
    ['<html>', undefined],
    ['"text"', undefined],
  ])('%s', (text, expected) => {
    expect(problemOf(text)).toEqual(expected);
  });
});

describe('toUserLookup', () => {
  const capture: RawCapture = { ...cap(200, 'application/json', '{}'), source: 'x:user' };
  const problem = (title: string, detail: string) => ({
    title,
    detail,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  });

  it.each([
    {
      name: 'a user',
      body: { data: { id: '1593187340', username: 'USFOR_A', name: 'U.S. Forces' } },
      expected: {
        kind: 'found',
        user: { platformUserId: '1593187340', handle: 'USFOR_A', displayName: 'U.S. Forces' },
        capture,
      },
    },
    {
      name: 'a user without a name',
      body: { data: { id: '1', username: 'A' } },
      expected: { kind: 'found', user: { platformUserId: '1', handle: 'A', displayName: null }, capture },
    },
    {
      name: 'not found',
      body: { errors: [problem('Not Found Error', 'Could not find user with username: [X].')] },
      expected: { kind: 'not_found', detail: 'Could not find user with username: [X].', capture },
    },
    {
      name: 'suspended by detail',
      body: { errors: [problem('Not Found Error', 'User has been suspended: [X].')] },
      expected: { kind: 'suspended', detail: 'User has been suspended: [X].', capture },
    },
    {
      name: 'suspended by title Forbidden',
      body: { errors: [problem('Forbidden', 'Hidden.')] },
      expected: { kind: 'suspended', detail: 'Hidden.', capture },
    },
  ])('$name', ({ body, expected }) => {
    expect(toUserLookup({ capture, body })).toEqual(expected);
  });

  it.each([
    ['a numeric id', { data: { id: 1, username: 'A' } }],
    ['no username', { data: { id: '1' } }],
    ['neither data nor errors', { meta: {} }],
  ])('%s is a BadPayload carrying the capture', (_name, body) => {
    expect(() => toUserLookup({ capture, body })).toThrow(BadPayload);
    try {
      toUserLookup({ capture, body });
    } catch (err) {
      expect((err as BadPayload).capture).toBe(capture);
    }
  });
});
