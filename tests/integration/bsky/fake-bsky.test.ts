// The local AppView itself, checked with @atproto/api (which validates every
// answer against the lexicons) and with plain HTTP: valid records and real
// CIDs, the author feed's order, cursor, filters and pins, getPosts' limit
// and absences, handle changes, account states, rate-limit headers and 429s,
// and the admin endpoint.
import { Agent, jsonToLex, lexicons, XRPCError } from '@atproto/api';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordCid } from '../../fake-bsky/fake-bsky-ids.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import type { FakeActor } from '../../fake-bsky/fake-bsky-state.js';

let fake: RunningFakeBsky;
let agent: Agent;
let ministry: FakeActor;
let partner: FakeActor;

beforeAll(async () => {
  fake = await startFakeBsky();
  agent = new Agent({ service: fake.url });
  ministry = fake.createAccount({ handle: 'ministry.example.gov', displayName: 'Ministry' });
  partner = fake.createAccount({ handle: 'partner.example.org', displayName: 'Partner Agency' });
});

afterAll(() => fake.close());

afterEach(() => {
  fake.clearFaults();
  fake.rateLimit.reset();
  fake.requests.splice(0);
});

const xrpcError = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => (err instanceof XRPCError ? { status: err.status, error: err.error, message: err.message } : err),
  );

async function feedOf(actor: string, params: Record<string, unknown> = {}) {
  const items = [];
  let cursor: string | undefined;
  do {
    const res = await agent.app.bsky.feed.getAuthorFeed({ actor, limit: 2, ...params, cursor });
    items.push(...res.data.feed);
    cursor = res.data.cursor;
  } while (cursor);
  return items;
}

describe('records and views', () => {
  it('serves every embed kind in answers the library accepts, with records valid under the post lexicon', async () => {
    const at = (minute: number) => `2026-04-03T10:0${minute}:00Z`;
    const first = fake.publish(partner.did, { text: 'Shelters open.', images: [{ alt: 'Shelter map' }], at: at(0) });
    const posts = [
      fake.publish(ministry.did, { text: 'Clip', video: { alt: 'Rescue', presentation: 'gif' }, at: at(1) }),
      fake.publish(ministry.did, {
        text: 'Card',
        external: { uri: 'https://example.gov/n', title: 'N', description: 'D', thumb: true },
        at: at(2),
      }),
      fake.publish(ministry.did, { text: 'Quote', quote: first.uri, at: at(3) }),
      fake.publish(ministry.did, { text: 'Quote+media', quote: first.uri, images: [{ alt: 'A' }], at: at(4) }),
      fake.publish(ministry.did, { text: 'Reply', replyTo: first.uri, at: at(5) }),
    ];
    fake.repost(ministry.did, first.uri, at(6));
    const { data } = await agent.app.bsky.feed.getAuthorFeed({ actor: ministry.did, limit: 100 });
    expect(data.feed.map((i) => i.post.embed?.$type ?? null)).toEqual([
      'app.bsky.embed.images#view',
      null,
      'app.bsky.embed.recordWithMedia#view',
      'app.bsky.embed.record#view',
      'app.bsky.embed.external#view',
      'app.bsky.embed.video#view',
    ]);
    expect(data.feed[0]!.reason).toMatchObject({ $type: 'app.bsky.feed.defs#reasonRepost', by: { did: ministry.did } });
    expect(data.feed[1]!.reply?.parent).toMatchObject({ $type: 'app.bsky.feed.defs#postView', uri: first.uri });
    for (const post of [first, ...posts]) lexicons.assertValidRecord('app.bsky.feed.post', jsonToLex(post.value));
    const got = await agent.app.bsky.feed.getPosts({ uris: posts.map((p) => p.uri) });
    expect(got.data.posts.map((p) => p.uri)).toEqual(posts.map((p) => p.uri));
  });

  it('gives each record the CID of its DAG-CBOR bytes, and each blob a raw CID', async () => {
    const post = fake.publish(ministry.did, { text: 'Checked', images: [{ alt: 'Photo' }] });
    const { data } = await agent.app.bsky.feed.getPosts({ uris: [post.uri] });
    const view = data.posts[0]!;
    const cid = CID.parse(view.cid);
    expect([cid.version, cid.code, cid.multihash.code]).toEqual([1, dagCbor.code, 0x12]);
    // The record as sent (the library turns its blob links into objects of its own).
    const sent = JSON.parse(fake.requestsTo('app.bsky.feed.getPosts').at(-1)!.body!) as {
      posts: { record: Record<string, unknown> }[];
    };
    expect(recordCid(sent.posts[0]!.record)).toBe(view.cid);
    expect(view.cid).toBe(post.cid);
    const blob = (post.value.embed as { images: { image: { ref: { $link: string } } }[] }).images[0]!.image.ref.$link;
    expect(CID.parse(blob).code).toBe(0x55);
    expect((view.embed as { images: { fullsize: string }[] }).images[0]!.fullsize).toContain(
      `/${ministry.did}/${blob}@jpeg`,
    );
  });

  it('computes facets over UTF-8 bytes', async () => {
    const post = fake.publish(ministry.did, {
      rich: ['🌊 Flood update for ', { mention: partner.handle, did: partner.did }, ' ', { tag: 'Flooding' }],
    });
    const { text, facets } = post.value as {
      text: string;
      facets: { index: { byteStart: number; byteEnd: number } }[];
    };
    const bytes = new TextEncoder().encode(text);
    const shown = facets.map((f) => new TextDecoder().decode(bytes.slice(f.index.byteStart, f.index.byteEnd)));
    expect(shown).toEqual(['@partner.example.org', '#Flooding']);
    expect(facets[0]!.index.byteStart).toBe(text.indexOf('@') + 2);
  });
});

describe('the author feed', () => {
  it('pages newest first by sortAt with a `<ms>__<cid>` cursor, each item once, ending on an empty page', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'paging.example.gov', posts: 5 });
    const items = await feedOf(actor.did);
    expect(items.map((i) => i.post.uri)).toEqual(posts.map((p) => p.uri).reverse());
    const cursors = fake.requestsTo('app.bsky.feed.getAuthorFeed').map((r) => r.query.cursor?.[0]);
    expect(cursors).toEqual([
      undefined,
      expect.stringMatching(/^\d{13}__bafyrei/),
      expect.any(String),
      expect.any(String),
    ]);
    const last = await agent.app.bsky.feed.getAuthorFeed({ actor: actor.did, cursor: cursors[3] });
    expect(last.data).toEqual({ feed: [] });
  });

  it('sorts a post dated in the future at its indexing time, and a backdated one deep down', async () => {
    const actor = fake.createAccount({ handle: 'clocks.example.gov' });
    const a = fake.publish(actor.did, { text: 'a', at: '2026-04-01T10:00:00Z' });
    const future = fake.publish(actor.did, {
      text: 'f',
      createdAt: '2099-01-01T00:00:00Z',
      indexedAt: '2026-04-01T11:00:00Z',
    });
    const old = fake.publish(actor.did, {
      text: 'o',
      createdAt: '2015-01-01T00:00:00Z',
      indexedAt: '2026-04-01T12:00:00Z',
    });
    expect((await feedOf(actor.did)).map((i) => i.post.uri)).toEqual([future.uri, a.uri, old.uri]);
  });

  it('filters replies, media and self-threads as the AppView does', async () => {
    const actor = fake.createAccount({ handle: 'filters.example.gov' });
    const root = fake.publish(actor.did, { text: 'root', at: '2026-04-02T10:00:00Z' });
    const self = fake.publish(actor.did, { text: 'self', replyTo: root.uri, at: '2026-04-02T10:01:00Z' });
    const theirs = fake.publish(partner.did, { text: 'theirs', at: '2026-04-02T10:02:00Z' });
    const toThem = fake.publish(actor.did, { text: 'to them', replyTo: theirs.uri, at: '2026-04-02T10:03:00Z' });
    const photo = fake.publish(actor.did, { text: 'photo', images: [{ alt: 'p' }], at: '2026-04-02T10:04:00Z' });
    const repost = fake.repost(actor.did, theirs.uri, '2026-04-02T10:05:00Z');
    const uris = async (filter: string) =>
      (await feedOf(actor.did, { filter })).map((i) => (i.reason ? `repost:${i.post.uri}` : i.post.uri));
    expect(await uris('posts_with_replies')).toEqual([
      `repost:${theirs.uri}`,
      photo.uri,
      toThem.uri,
      self.uri,
      root.uri,
    ]);
    expect(await uris('posts_no_replies')).toEqual([`repost:${theirs.uri}`, photo.uri, root.uri]);
    expect(await uris('posts_with_media')).toEqual([photo.uri]);
    expect(await uris('posts_and_author_threads')).toEqual([`repost:${theirs.uri}`, photo.uri, self.uri, root.uri]);
    expect(repost.uri).toMatch(/\/app\.bsky\.feed\.repost\//);
  });

  it('puts the pinned post on top of the first page only, and only with includePins', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'pins.example.gov', posts: 4 });
    fake.pin(actor.did, posts[0]!.uri);
    const first = await agent.app.bsky.feed.getAuthorFeed({ actor: actor.did, limit: 100, includePins: true });
    expect(first.data.feed.map((i) => [i.post.uri, i.reason?.$type ?? null])).toEqual([
      [posts[0]!.uri, 'app.bsky.feed.defs#reasonPin'],
      [posts[3]!.uri, null],
      [posts[2]!.uri, null],
      [posts[1]!.uri, null],
    ]);
    const plain = await agent.app.bsky.feed.getAuthorFeed({ actor: actor.did, limit: 100 });
    expect(plain.data.feed.map((i) => i.post.uri)).toEqual(posts.map((p) => p.uri).reverse());
  });

  it('checks its parameters and cursor', async () => {
    const actor = ministry.did;
    expect(await xrpcError(agent.app.bsky.feed.getAuthorFeed({ actor, limit: 101 }))).toEqual({
      status: 400,
      error: 'InvalidRequest',
      message: 'Error: limit can not be greater than 100',
    });
    expect(await xrpcError(agent.app.bsky.feed.getAuthorFeed({ actor, cursor: 'abc' }))).toMatchObject({
      message: 'Malformed cursor',
    });
    const old = await agent.app.bsky.feed.getAuthorFeed({ actor, cursor: '1700000000000::bafy' });
    expect(old.data).toEqual({ feed: [] });
    expect(await xrpcError(agent.app.bsky.feed.getAuthorFeed({ actor: 'nobody.example.net' }))).toMatchObject({
      status: 400,
      message: 'Profile not found',
    });
  });
});

describe('lookups and accounts', () => {
  it('getPosts takes at most 25 URIs and leaves out what it cannot serve', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'lookups.example.gov', posts: 3 });
    const repost = fake.repost(actor.did, posts[0]!.uri);
    fake.deleteRecord(posts[1]!.uri);
    const got = await agent.app.bsky.feed.getPosts({ uris: [posts[2]!.uri, posts[1]!.uri, repost.uri, posts[0]!.uri] });
    expect(got.data.posts.map((p) => p.uri)).toEqual([posts[2]!.uri, posts[0]!.uri]);
    expect(await xrpcError(agent.app.bsky.feed.getPosts({ uris: Array(26).fill(posts[0]!.uri) }))).toMatchObject({
      status: 400,
      message: 'Error: uris must not have more than 25 elements',
    });
  });

  it('keeps the DID when the handle changes; the old handle resolves to nothing', async () => {
    const actor = fake.createAccount({ handle: 'before.example.gov' });
    fake.changeHandle(actor.did, 'after.example.gov');
    expect((await agent.com.atproto.identity.resolveHandle({ handle: 'after.example.gov' })).data).toEqual({
      did: actor.did,
    });
    expect(await xrpcError(agent.com.atproto.identity.resolveHandle({ handle: 'before.example.gov' }))).toMatchObject({
      message: 'Unable to resolve handle',
    });
    expect((await agent.app.bsky.actor.getProfile({ actor: actor.did })).data.handle).toBe('after.example.gov');
  });

  it('answers AccountDeactivated and AccountTakedown for profiles, "Profile not found" for their feeds', async () => {
    const { actor, posts } = fake.seedAccount({ handle: 'states.example.gov', posts: 1 });
    fake.setStatus(actor.did, 'deactivated');
    expect(await xrpcError(agent.app.bsky.actor.getProfile({ actor: actor.did }))).toMatchObject({
      error: 'AccountDeactivated',
      message: 'Account is deactivated',
    });
    expect(await xrpcError(agent.app.bsky.feed.getAuthorFeed({ actor: actor.did }))).toMatchObject({
      message: 'Profile not found',
    });
    expect((await agent.app.bsky.feed.getPosts({ uris: [posts[0]!.uri] })).data.posts).toEqual([]);
    fake.setStatus(actor.did, 'takendown');
    expect(await xrpcError(agent.app.bsky.actor.getProfile({ actor: actor.did }))).toMatchObject({
      error: 'AccountTakedown',
      message: 'Account has been suspended',
    });
  });
});

describe('rate limits and the admin endpoint', () => {
  it('sends ratelimit-* headers on every answer and 429 with retry-after once the window is used up', async () => {
    fake.rateLimit.configure({ limit: 2, windowMs: 300_000 });
    try {
      const first = await agent.app.bsky.actor.getProfile({ actor: ministry.did });
      expect(first.headers).toMatchObject({
        'ratelimit-limit': '2',
        'ratelimit-remaining': '1',
        'ratelimit-reset': String(fake.rateLimit.resetAt()),
        'ratelimit-policy': '2;w=300',
      });
      await agent.app.bsky.actor.getProfile({ actor: ministry.did });
      const res = await fetch(`${fake.url}/xrpc/app.bsky.actor.getProfile?actor=${ministry.did}`);
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' });
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      fake.rateLimit.configure({ limit: 3000 });
    }
  });

  it('publishes, deletes, and injects faults over HTTP', async () => {
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${fake.url}/__admin/${path}`, { method, body: body ? JSON.stringify(body) : undefined });
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const seeded = (await admin('POST', 'accounts', { handle: 'admin.example.gov', posts: 1 })) as {
      actor: { did: string };
    };
    const post = await admin('POST', `accounts/${encodeURIComponent(seeded.actor.did)}/posts`, { text: 'Via admin' });
    expect((await agent.app.bsky.feed.getPosts({ uris: [post.uri as string] })).data.posts).toHaveLength(1);
    await admin('POST', `records/${encodeURIComponent(post.uri as string)}/delete`);
    expect((await agent.app.bsky.feed.getPosts({ uris: [post.uri as string] })).data.posts).toHaveLength(0);
    await admin('POST', 'faults', { kind: 'status', status: 503, nsid: 'app.bsky.actor.getProfile' });
    expect(await xrpcError(agent.app.bsky.actor.getProfile({ actor: seeded.actor.did }))).toMatchObject({
      status: 503,
    });
    const unknown = await fetch(`${fake.url}/__admin/nothing`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});
