// The Bluesky source against the local AppView: handles resolved to DIDs,
// a backfill across pages, an unchanged account in one request, new posts
// and reposts above the cursor, deletions found by looking posts up again,
// handle changes, and the rate-limit headers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceRateLimited } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import type { NormalizedPost } from '../../../src/core/post-model.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';

let fake: RunningFakeBsky;
let source: BskySource;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  fake = await startFakeBsky({ now: () => Date.parse('2026-06-01T09:00:00Z') });
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger, pageSize: 50 });
});

afterAll(async () => {
  source.close();
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
  fake.rateLimit.reset();
  fake.requests.splice(0);
});

const FEED = 'app.bsky.feed.getAuthorFeed';

/** Reads an account as a poll does: page after page until the source gives no next page. */
async function read(did: string, cursor: string | null, from: BskySource = source) {
  const posts: NormalizedPost[] = [];
  let newest = cursor;
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await from.fetchPage({ platformUserId: did }, cursor, token);
    pages += 1;
    expect(page.problems).toEqual([]);
    posts.push(...page.posts);
    newest = from.newerCursor(newest, page.newestCursor);
    token = page.nextPageToken;
  } while (token);
  return { posts, newest, pages };
}

describe('accounts', () => {
  it('resolves a handle as users type it to its DID, and keeps the answer exactly as received', async () => {
    const actor = fake.createAccount({ handle: 'resolve.example.gov', displayName: 'Resolve Office' });
    const lookup = await source.resolveAccount('@Resolve.Example.GOV');
    const [request] = fake.requestsTo('app.bsky.actor.getProfile');
    expect(lookup).toEqual({
      kind: 'found',
      user: { platformUserId: actor.did, handle: 'resolve.example.gov', displayName: 'Resolve Office' },
      capture: {
        source: 'bsky:profile',
        requestUrl: `${fake.url}/xrpc/app.bsky.actor.getProfile?actor=resolve.example.gov`,
        httpStatus: 200,
        contentType: 'application/json; charset=utf-8',
        body: request!.body,
      },
    });
    expect(JSON.parse(request!.body!)).toMatchObject({ did: actor.did, handle: 'resolve.example.gov' });
  });

  it('answers not_found for a handle nobody has, keeping the 400 answer', async () => {
    const lookup = await source.resolveAccount('nobody.example.net');
    expect(lookup).toMatchObject({ kind: 'not_found', detail: 'Profile not found' });
    expect(lookup.capture).toMatchObject({
      httpStatus: 400,
      body: '{"error":"InvalidRequest","message":"Profile not found"}',
    });
  });

  it('follows the DID across a handle change: the new handle, the old one gone, the posts still read', async () => {
    const { actor } = fake.seedAccount({ handle: 'old-name.example.gov', posts: 2 });
    fake.changeHandle(actor.did, 'new-name.example.gov');
    expect(await source.lookupAccount(actor.did)).toMatchObject({
      kind: 'found',
      user: { platformUserId: actor.did, handle: 'new-name.example.gov' },
    });
    expect(await source.resolveAccount('old-name.example.gov')).toMatchObject({ kind: 'not_found' });
    const { posts } = await read(actor.did, null);
    expect(posts.map((p) => [p.authorId, p.authorHandle])).toEqual([
      [actor.did, 'new-name.example.gov'],
      [actor.did, 'new-name.example.gov'],
    ]);
  });

  it('names an account by its DID while the AppView shows handle.invalid', async () => {
    const { actor } = fake.seedAccount({ handle: 'broken-dns.example.gov', posts: 1 });
    fake.changeHandle(actor.did, 'handle.invalid');
    expect(await source.lookupAccount(actor.did)).toMatchObject({
      kind: 'found',
      user: { platformUserId: actor.did, handle: actor.did },
    });
    const { posts } = await read(actor.did, null);
    expect(posts.map((p) => [p.authorId, p.authorHandle])).toEqual([[actor.did, null]]);
  });
});

describe('the author feed', () => {
  it('backfills across pages, newest first, each post once, with replies and reposts', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'backfill.example.gov', posts: 120 });
    const other = fake.createAccount({ handle: 'partner.example.org', displayName: 'Partner' });
    const theirs = fake.publish(other.did, { text: 'Joint exercise next week.', at: '2026-03-01T05:00:00Z' });
    const repost = fake.repost(actor.did, theirs.uri, '2026-03-01T06:00:00Z');
    const reply = fake.publish(actor.did, {
      text: 'Details follow.',
      replyTo: posts[0]!.uri,
      at: '2026-03-01T07:00:00Z',
    });

    const { posts: read1, newest, pages } = await read(actor.did, null);

    // 123 feed items at 50 a page, and the empty page that tells the end.
    expect(pages).toBe(4);
    expect(fake.requestsTo(FEED).map((r) => [r.query.actor, r.query.limit, r.query.filter])).toEqual(
      Array(4).fill([[actor.did], ['50'], ['posts_with_replies']]),
    );
    expect(fake.requestsTo(FEED)[1]!.query.cursor).toBeDefined();
    const ids = read1.map((p) => p.platformId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3)).toEqual([reply.uri, repost.uri, theirs.uri]);
    expect(ids.slice(3)).toEqual(posts.map((p) => p.uri).reverse());
    expect(read1[0]).toMatchObject({ referencedPosts: [{ type: 'replied_to', id: posts[0]!.uri }] });
    expect(read1[1]).toMatchObject({ repostOf: theirs.uri, authorId: actor.did, text: 'Joint exercise next week.' });
    expect(read1[2]).toMatchObject({ authorId: other.did, via: 'retweeted', versionId: `${theirs.uri}#${theirs.cid}` });
    expect(newest).toBe(`2026-03-01T07:00:00.000Z ${reply.uri}`);
  });

  it('costs one request for an unchanged account, then finds only what is new above the cursor', async () => {
    const { actor } = fake.seedAccount({ handle: 'steady.example.gov', posts: 30 });
    const { newest } = await read(actor.did, null);
    fake.requests.splice(0);

    const unchanged = await source.fetchPage({ platformUserId: actor.did }, newest, undefined);
    expect(unchanged).toMatchObject({ posts: [], problems: [], errors: [], newestCursor: null });
    expect(unchanged.nextPageToken).toBeUndefined();
    expect(fake.requestsTo()).toHaveLength(1);

    const fresh = fake.publish(actor.did, { text: 'New guidance issued.', at: '2026-03-02T09:00:00Z' });
    fake.requests.splice(0);
    const next = await read(actor.did, newest);
    expect(next.posts.map((p) => p.platformId)).toEqual([fresh.uri]);
    expect(next.newest).toBe(`2026-03-02T09:00:00.000Z ${fresh.uri}`);
    expect(fake.requestsTo()).toHaveLength(1);
  });

  it('costs one request for an unchanged account whose posts are all recent (a short page that meets the cursor)', async () => {
    const { actor } = fake.seedAccount({ handle: 'quiet.example.gov', posts: 3 });
    const { newest } = await read(actor.did, null);
    fake.requests.splice(0);
    const unchanged = await read(actor.did, newest);
    expect(unchanged).toMatchObject({ posts: [], pages: 1, newest });
    expect(fake.requestsTo()).toHaveLength(1);
  });

  it('reads back page by page after many new posts, and stops at the cursor without reading further', async () => {
    const { actor } = fake.seedAccount({ handle: 'busy.example.gov', posts: 200 });
    const older = await read(actor.did, null);
    for (let i = 0; i < 120; i++) {
      fake.publish(actor.did, { text: `Update ${i}`, at: new Date(Date.parse('2026-03-05T00:00:00Z') + i * 1000) });
    }
    fake.requests.splice(0);
    const next = await read(actor.did, older.newest);
    expect(next.posts).toHaveLength(120);
    expect(next.pages).toBe(3);
    expect(fake.requestsTo(FEED)).toHaveLength(3);
  });

  it('stops a read after maxPages pages, keeping the most recent posts', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'deep.example.gov', posts: 45 });
    const shallow = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger, pageSize: 10, maxPages: 2 });
    try {
      const { posts: got, pages } = await read(actor.did, null, shallow);
      expect(pages).toBe(2);
      expect(got.map((p) => p.platformId)).toEqual(
        posts
          .slice(-20)
          .map((p) => p.uri)
          .reverse(),
      );
    } finally {
      shallow.close();
    }
  });
});

describe('looking posts up again', () => {
  it('finds the posts that are there and reports the deleted ones as not found', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'lookup.example.gov', posts: 3 });
    const repost = fake.repost(actor.did, posts[0]!.uri);
    fake.deleteRecord(posts[1]!.uri);
    const ids = [posts[0]!.uri, posts[1]!.uri, posts[2]!.uri, repost.uri];
    const page = await source.lookupPosts(ids);
    expect(page.posts.map((p) => p.platformId)).toEqual([posts[0]!.uri, posts[2]!.uri]);
    // The repost is neither found nor missing: getPosts serves posts only.
    expect(page.errors).toEqual([
      { kind: 'not_found', resourceType: 'post', resourceId: posts[1]!.uri, detail: expect.any(String) },
    ]);
    expect(page.capture).toMatchObject({ source: 'bsky:posts', httpStatus: 200 });
    expect(fake.requestsTo('app.bsky.feed.getPosts').map((r) => r.query.uris)).toEqual([ids]);
  });

  it('reports the posts of a deactivated account as not found too', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'leaving.example.gov', posts: 1 });
    fake.setStatus(actor.did, 'deactivated');
    const page = await source.lookupPosts([posts[0]!.uri]);
    expect(page.posts).toEqual([]);
    expect(page.errors.map((e) => e.resourceId)).toEqual([posts[0]!.uri]);
  });
});

describe('rate limits', () => {
  it('passes the ratelimit-* headers on with each page', async () => {
    const { actor } = fake.seedAccount({ handle: 'counted.example.gov', posts: 1 });
    fake.rateLimit.configure({ limit: 100 });
    const first = await source.fetchPage({ platformUserId: actor.did }, null, undefined);
    const second = await source.fetchPage({ platformUserId: actor.did }, null, undefined);
    expect(first.rateLimit).toEqual({ limit: 100, remaining: 99, resetAt: new Date(fake.rateLimit.resetAt() * 1000) });
    expect(second.rateLimit!.remaining).toBe(98);
    fake.rateLimit.configure({ limit: 3000 });
  });

  it('maps a 429 to SourceRateLimited at the reset the AppView names (epoch seconds)', async () => {
    const { actor } = fake.seedAccount({ handle: 'limited.example.gov', posts: 1 });
    const resetAt = Math.floor(Date.parse('2026-06-01T09:04:00Z') / 1000);
    fake.injectFault({ kind: 'rate-limited', resetAt, nsid: FEED });
    const err = await source.fetchPage({ platformUserId: actor.did }, null, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimited);
    expect((err as SourceRateLimited).resetAt).toEqual(new Date('2026-06-01T09:04:00Z'));
    expect(fake.requestsTo(FEED)[0]).toMatchObject({ status: 429 });
  });

  it('a used-up window answers 429 until its end', async () => {
    fake.rateLimit.exhaust();
    const err = await source.lookupAccount('did:plc:aaaaaaaaaaaaaaaaaaaaaaaa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRateLimited);
    expect((err as SourceRateLimited).resetAt).toEqual(new Date(fake.rateLimit.resetAt() * 1000));
  });
});
