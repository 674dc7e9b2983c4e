// The Bluesky source when the AppView or the network misbehaves: malformed
// bodies (kept raw with a BadPayload), a malformed post among good ones,
// answers the lexicon refuses, accounts deactivated or taken down, server
// errors, timeouts, broken connections, a wrong base URL, bad input.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadPayload, ConfigError, InvalidInput, SourceUnavailable } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import type { FakeActor, FakeRecord } from '../../fake-bsky/fake-bsky-state.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';

let fake: RunningFakeBsky;
let source: BskySource;
let actor: FakeActor;
let posts: FakeRecord[];
const logger = createLogger({ level: 'silent' });
const FEED = 'app.bsky.feed.getAuthorFeed';

beforeAll(async () => {
  fake = await startFakeBsky();
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger });
  ({ actor, posts } = fake.seedAccount({ handle: 'faults.example.gov', posts: 3 }));
});

afterAll(async () => {
  source.close();
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
  fake.requests.splice(0);
  fake.setStatus(actor.did, 'active');
});

const page = () => source.fetchPage({ platformUserId: actor.did }, null, undefined);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('malformed bodies', () => {
  it.each([
    ['truncated JSON', 'truncated' as const, /malformed JSON/],
    ['an HTML page', 'non-json' as const, /text\/html/],
    ['an empty body', 'empty' as const, /empty body/],
  ])('%s is a BadPayload carrying the body exactly as received', async (_name, kind, message) => {
    fake.injectFault({ kind, nsid: FEED });
    const err = await failure(page());
    expect(err).toBeInstanceOf(BadPayload);
    expect((err as Error).message).toMatch(message);
    const [sent] = fake.requestsTo(FEED);
    expect((err as BadPayload).capture).toEqual({
      source: 'bsky:feed',
      requestUrl: expect.stringContaining(`/xrpc/${FEED}?actor=${encodeURIComponent(actor.did)}`),
      httpStatus: 200,
      contentType: expect.any(String),
      body: sent!.body,
    });
  });

  it('a post whose record lost its text is a problem; the other posts are read', async () => {
    fake.injectFault({ kind: 'malformed-record', nsid: FEED, index: 1 });
    const got = await page();
    expect(got.posts.map((p) => p.platformId)).toEqual([posts[2]!.uri, posts[0]!.uri]);
    expect(got.problems).toEqual([
      { platformId: posts[1]!.uri, code: 'bad_payload', message: expect.stringMatching(/record\.text/) },
    ]);
  });

  it('an answer the lexicon refuses (a post with a bad CID) is read item by item and reported once', async () => {
    fake.injectFault({ kind: 'invalid-cid', nsid: FEED, index: 0 });
    const got = await page();
    expect(got.posts).toHaveLength(3);
    expect(got.problems).toEqual([{ code: 'bad_payload', message: expect.stringMatching(/lexicon.*cid/i) }]);
  });
});

describe('accounts that are gone', () => {
  it('a deactivated account: the feed answers "Profile not found", the profile says deactivated', async () => {
    fake.setStatus(actor.did, 'deactivated');
    const got = await page();
    expect(got).toMatchObject({ posts: [], problems: [], newestCursor: null });
    expect(got.errors).toEqual([
      { kind: 'not_found', resourceType: 'user', resourceId: actor.did, detail: 'Profile not found' },
    ]);
    expect(got.capture).toMatchObject({ httpStatus: 400, source: 'bsky:feed' });
    expect(await source.lookupAccount(actor.did)).toMatchObject({
      kind: 'not_found',
      detail: 'Account is deactivated (deactivated)',
    });
  });

  it('an account taken down is suspended', async () => {
    fake.setStatus(actor.did, 'takendown');
    expect(await source.lookupAccount(actor.did)).toMatchObject({
      kind: 'suspended',
      detail: 'Account has been suspended',
      capture: { httpStatus: 400, body: '{"error":"AccountTakedown","message":"Account has been suspended"}' },
    });
  });
});

describe('server and network failures', () => {
  it('a 5xx is SourceUnavailable (retry)', async () => {
    fake.injectFault({
      kind: 'status',
      status: 502,
      error: 'UpstreamFailure',
      message: 'Upstream Failure',
      nsid: FEED,
    });
    const err = await failure(page());
    expect(err).toBeInstanceOf(SourceUnavailable);
    expect((err as Error).message).toBe('the AppView answered 502 UpstreamFailure: Upstream Failure');
  });

  it.each(['close', 'reset'] as const)('a connection broken (%s) is SourceUnavailable', async (kind) => {
    fake.injectFault({ kind, nsid: FEED });
    expect(await failure(page())).toBeInstanceOf(SourceUnavailable);
  });

  it('no answer within the timeout is SourceUnavailable', async () => {
    const impatient = createBskySource({ baseUrl: fake.url, timeoutMs: 300, logger });
    fake.injectFault({ kind: 'hang', nsid: FEED });
    try {
      const err = await failure(impatient.fetchPage({ platformUserId: actor.did }, null, undefined));
      expect(err).toBeInstanceOf(SourceUnavailable);
      expect((err as Error).message).toBe('the AppView did not answer within 300 ms');
    } finally {
      impatient.close();
    }
  });

  it("the caller's abort rejects with its reason", async () => {
    fake.injectFault({ kind: 'hang', nsid: FEED });
    const controller = new AbortController();
    const pending = failure(source.fetchPage({ platformUserId: actor.did }, null, undefined, controller.signal));
    await fake.waitForRequests(1, FEED);
    const reason = new Error('stopping');
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it('nothing listening is SourceUnavailable; a base URL that is no AppView is a ConfigError', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createBskySource({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000, logger });
    const elsewhere = createBskySource({ baseUrl: `${fake.url}/not-xrpc`, timeoutMs: 2_000, logger });
    try {
      const refused = await failure(nowhere.lookupAccount(actor.did));
      expect(refused).toBeInstanceOf(SourceUnavailable);
      expect((refused as Error).message).toMatch(/ECONNREFUSED/);
      expect(await failure(elsewhere.lookupAccount(actor.did))).toBeInstanceOf(ConfigError);
    } finally {
      nowhere.close();
      elsewhere.close();
    }
  });
});

describe('bad input', () => {
  it.each([
    ['a handle that is no domain', () => source.resolveAccount('not a handle')],
    ['a user ID that is no DID', () => source.lookupAccount('1234')],
    [
      'a feed of a handle (the DID is followed)',
      () => source.fetchPage({ platformUserId: actor.handle }, null, undefined),
    ],
    [
      'a cursor of another platform',
      () => source.fetchPage({ platformUserId: actor.did }, '1235243970720694456', undefined),
    ],
    ['a page token that is not ours', () => source.fetchPage({ platformUserId: actor.did }, null, 'next')],
    ['a lookup of 26 posts', () => source.lookupPosts(Array(26).fill(posts[0]!.uri))],
    ['a lookup of a web link', () => source.lookupPosts(['https://bsky.app/profile/faults.example.gov/post/3k'])],
  ])('%s is InvalidInput', async (_name, call) => {
    expect(await failure(call())).toBeInstanceOf(InvalidInput);
  });

  it('a request the AppView refuses (a malformed cursor) is InvalidInput naming its error', async () => {
    const err = await failure(source.fetchPage({ platformUserId: actor.did }, null, '1 not-a-cursor'));
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as Error).message).toBe('the AppView refused the request: InvalidRequest: Malformed cursor');
  });
});
