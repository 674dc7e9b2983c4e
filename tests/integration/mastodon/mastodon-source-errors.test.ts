// How the Mastodon adapter meets failures: servers that answer only an
// authenticated client, rate limits (headers, 429 with its reset), malformed
// bodies (kept raw in the error), malformed statuses (problems, the others
// kept), outages and broken connections.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadPayload, SourceAuth, SourceRateLimited, SourceUnavailable } from '../../../src/core/errors.js';
import type { MastodonSource } from '../../../src/adapters/mastodon/mastodon-source.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { sourceFor } from './mastodon-helpers.js';

let fake: RunningFakeMastodon;
let locked: RunningFakeMastodon;
let source: MastodonSource;
let accountId: string;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example', rateLimit: { limit: 1000 } });
  locked = await startFakeMastodon({ domain: 'defence.example', requireToken: true, tokens: ['defence-token'] });
  source = sourceFor([fake]);
  accountId = `gov.example:${fake.seedAccount({ username: 'errors_office', statuses: 3 }).account.id}`;
});

afterAll(async () => {
  source.close();
  await Promise.all([fake.close(), locked.close()]);
});

afterEach(() => {
  for (const f of [fake, locked]) {
    f.clearFaults();
    f.requests.splice(0);
  }
});

const timeline = () => source.fetchPage({ platformUserId: accountId }, null, undefined);

describe('servers that require a token', () => {
  it('refuses an anonymous client with SourceAuth naming MASTODON_TOKENS, and serves one with the token', async () => {
    locked.addAccount({ username: 'chief' });
    const anonymous = sourceFor([locked]);
    const withToken = sourceFor([locked], { withTokens: true });
    try {
      const refused = await anonymous.resolveAccount('chief@defence.example').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SourceAuth);
      expect((refused as Error).message).toBe(
        'defence.example answered 401: This API requires an authenticated user ' +
          '(the server requires an access token: give one for defence.example in MASTODON_TOKENS)',
      );
      expect(await withToken.resolveAccount('chief@defence.example')).toMatchObject({ kind: 'found' });
      expect(locked.requests.map((r) => r.authorized)).toEqual([false, true]);
      // The token travels only in the Authorization header.
      expect(locked.requests.every((r) => !JSON.stringify(r.query).includes('defence-token'))).toBe(true);
    } finally {
      anonymous.close();
      withToken.close();
    }
  });

  it('names a token the server rejects', async () => {
    const wrong = sourceFor([locked], { tokens: new Map([['defence.example', 'stale-token']]) });
    try {
      const refused = await wrong.resolveAccount('chief@defence.example').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SourceAuth);
      expect((refused as Error).message).toContain('The access token is invalid');
      expect((refused as Error).message).toContain('check the access token given for defence.example');
    } finally {
      wrong.close();
    }
  });
});

describe('rate limits', () => {
  it('reports X-RateLimit-* on each page', async () => {
    const page = await timeline();
    expect(page.rateLimit).toMatchObject({ limit: 1000 });
    const next = await timeline();
    expect(next.rateLimit!.remaining).toBe(page.rateLimit!.remaining - 1);
    expect(next.rateLimit!.resetAt.getTime()).toBeGreaterThan(Date.now() - 1000);
  });

  it('turns 429 into SourceRateLimited with the reset the server named', async () => {
    fake.injectFault({ kind: 'rate-limited', resetAt: '2026-03-07T12:05:00.000Z' });
    const err = await timeline().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimited);
    expect((err as SourceRateLimited).resetAt.toISOString()).toBe('2026-03-07T12:05:00.000Z');
    expect((err as Error).message).toBe('gov.example answered 429: Too many requests (rate limited)');
  });

  it('reads a reset given in Unix seconds, as some servers send it', async () => {
    const unix = await startFakeMastodon({ domain: 'unix.example', resetFormat: 'unix', rateLimit: { limit: 1 } });
    const reader = sourceFor([unix]);
    try {
      const office = unix.addAccount({ username: 'office' });
      const page = await reader.fetchPage({ platformUserId: `unix.example:${office.id}` }, null, undefined);
      expect(page.rateLimit).toMatchObject({ limit: 1, remaining: 0 });
      const err = await reader.lookupAccount(`unix.example:${office.id}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceRateLimited);
      expect((err as SourceRateLimited).resetAt).toEqual(page.rateLimit!.resetAt);
      expect(page.rateLimit!.resetAt.getTime() % 1000).toBe(0);
    } finally {
      reader.close();
      await unix.close();
    }
  });
});

describe('malformed answers', () => {
  it('keeps a truncated body raw in BadPayload', async () => {
    fake.injectFault({ kind: 'truncated' });
    const err = await timeline().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadPayload);
    const capture = (err as BadPayload).capture!;
    expect(capture).toMatchObject({
      source: 'mastodon:timeline',
      httpStatus: 200,
      contentType: 'application/json; charset=utf-8',
    });
    expect(capture.body.startsWith('[{"id":"')).toBe(true);
    expect(() => JSON.parse(capture.body)).toThrow();
  });

  it.each([
    ['non-json', 'gov.example answered text/html; charset=utf-8 instead of JSON'],
    ['empty', 'gov.example answered an empty body'],
  ] as const)('keeps a %s body raw in BadPayload', async (kind, message) => {
    fake.injectFault({ kind });
    const err = await timeline().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadPayload);
    expect((err as Error).message).toBe(message);
    expect((err as BadPayload).capture!.httpStatus).toBe(200);
  });

  it('reports statuses that are not an array as BadPayload', async () => {
    fake.injectFault({ kind: 'mutate', mutate: () => ({ error: 'Something went wrong' }) });
    const err = await timeline().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadPayload);
    expect((err as BadPayload).capture!.body).toBe('{"error":"Something went wrong"}');
  });

  it.each(['missing-id', 'wrong-type'] as const)(
    'reports a status with %s as a problem and keeps the others',
    async (kind) => {
      fake.injectFault({ kind });
      const page = await timeline();
      expect(page.posts).toHaveLength(2);
      expect(page.problems).toHaveLength(1);
      expect(page.problems[0]).toMatchObject({ code: 'bad_payload' });
      expect(page.problems[0]!.message).toMatch(/^malformed status: /);
    },
  );
});

describe('outages', () => {
  it.each([
    [{ kind: 'status', status: 503 } as const, 'gov.example answered 503: Service Unavailable'],
    [{ kind: 'close' } as const, 'gov.example could not be reached'],
    [{ kind: 'reset' } as const, 'gov.example could not be reached'],
  ])('turns %o into SourceUnavailable', async (fault, message) => {
    fake.injectFault(fault);
    const err = await timeline().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceUnavailable);
    expect((err as Error).message).toContain(message);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const impatient = sourceFor([fake], { timeoutMs: 200 });
    try {
      fake.injectFault({ kind: 'hang' });
      const err = await impatient.fetchPage({ platformUserId: accountId }, null, undefined).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceUnavailable);
      expect((err as Error).message).toBe('gov.example did not answer within 200 ms');
    } finally {
      impatient.close();
    }
  });

  it('passes the caller’s abort on as its reason', async () => {
    fake.injectFault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = source.fetchPage({ platformUserId: accountId }, null, undefined, controller.signal);
    await fake.waitForRequests(1);
    controller.abort(new Error('poll stopped'));
    await expect(pending).rejects.toThrow('poll stopped');
  });
});
