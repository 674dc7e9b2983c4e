// The fake X API's wire behaviour, checked with a bare client: the semantics
// the adapter and the poller rely on must hold in the fake itself.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { snowflakeTime } from '../../../src/core/x-snowflake.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { makeMedia, makeUser } from '../../fake-x/fixtures.js';
import type { FakePost, FakeUser } from '../../fake-x/fake-x-state.js';
import { wireGet } from './fake-x-client.js';

let fake: RunningFakeX;
let user: FakeUser;
let posts: FakePost[];
const get = (path: string, token?: string | null) => wireGet(fake.url, path, { ca: fake.caPem, token });

beforeAll(async () => {
  fake = await startFakeX({ rateLimits: { 'tweets/:id': { limit: 3, windowMs: 60_000 } } });
  ({ user, posts } = fake.seedAccount({ username: 'Wire_Acct', posts: 30 }));
});

afterAll(() => fake.close());

afterEach(() => {
  fake.clearFaults();
  fake.requests.splice(0);
});

const ids = (body: Record<string, unknown> | undefined) => (body?.data as { id: string }[]).map((p) => p.id);
const newest = (n: number, from = posts) =>
  from
    .slice(-n)
    .reverse()
    .map((p) => p.id);

describe('fields and expansions', () => {
  it('sends only the default fields unless asked', async () => {
    const res = await get(`/2/users/${user.id}/tweets?max_results=5`);
    expect(res.json).toEqual({
      data: posts
        .slice(-5)
        .reverse()
        .map((p) => ({ id: p.id, text: p.text, edit_history_tweet_ids: [p.id] })),
      meta: { result_count: 5, newest_id: posts[29]!.id, oldest_id: posts[25]!.id, next_token: expect.any(String) },
    });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('adds asked fields and puts expansions in includes with their own field lists', async () => {
    const author = fake.state.addUser(makeUser({ username: 'Expand_Acct' }));
    const video = makeMedia('video');
    const post = fake.addPost({ author, at: '2026-05-01T10:00:00Z', text: 'Flight line at dawn.', media: [video] });
    const res = await get(
      `/2/tweets?ids=${post.id}&tweet.fields=created_at,author_id&expansions=author_id,attachments.media_keys` +
        '&media.fields=duration_ms,variants&user.fields=verified',
    );
    expect(res.json).toEqual({
      data: [
        {
          id: post.id,
          text: 'Flight line at dawn.',
          edit_history_tweet_ids: [post.id],
          created_at: '2026-05-01T10:00:00.000Z',
          author_id: author.id,
        },
      ],
      includes: {
        media: [{ media_key: video.media_key, type: 'video', duration_ms: 31233, variants: video.variants }],
        users: [{ id: author.id, name: author.name, username: 'Expand_Acct', verified: true }],
      },
    });
    expect(snowflakeTime(post.id)).toEqual(new Date('2026-05-01T10:00:00Z'));
  });

  it.each([
    ['an unknown tweet field', 'tweet.fields=colour', 'tweet.fields', 'colour'],
    ['an unknown expansion', 'expansions=everything', 'expansions', 'everything'],
    ['max_results below 5', 'max_results=4', 'max_results', '4'],
    ['max_results above 100', 'max_results=101', 'max_results', '101'],
    ['a forged pagination token', 'pagination_token=abc', 'pagination_token', 'abc'],
    ['a non-numeric since_id', 'since_id=latest', 'since_id', 'latest'],
    ['since_id not below until_id', 'since_id=20&until_id=10', 'since_id', '20'],
  ])('answers 400 invalid-request for %s', async (_name, params, parameter, value) => {
    const res = await get(`/2/users/${user.id}/tweets?${params}`);
    expect({ status: res.status, body: res.json }).toEqual({
      status: 400,
      body: {
        errors: [{ parameters: { [parameter]: [value] }, message: expect.stringContaining(`[${value}]`) }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      },
    });
  });
});

describe('timeline', () => {
  it('treats since_id and until_id as exclusive bounds, newest first, 10 by default', async () => {
    const res = await get(`/2/users/${user.id}/tweets?since_id=${posts[3]!.id}&until_id=${posts[9]!.id}`);
    expect(ids(res.json)).toEqual([8, 7, 6, 5, 4].map((i) => posts[i]!.id));
    const byDefault = await get(`/2/users/${user.id}/tweets`);
    expect(ids(byDefault.json)).toEqual(newest(10));
  });

  it('pages with the opaque next_token, keeping since_id, until no token is left', async () => {
    const seen: string[] = [];
    let token = '';
    for (;;) {
      const res = await get(`/2/users/${user.id}/tweets?max_results=7&since_id=${posts[9]!.id}${token}`);
      seen.push(...ids(res.json));
      const next = (res.json?.meta as { next_token?: string }).next_token;
      if (!next) break;
      token = `&pagination_token=${next}`;
    }
    expect(seen).toEqual(newest(20));
  });

  it('answers an empty result with meta only, and nothing beyond the 3,200 most recent', async () => {
    const deep = fake.seedAccount({ username: 'Deep_Wire', posts: 3_205, everyMs: 1000 });
    const none = await get(`/2/users/${user.id}/tweets?since_id=${posts[29]!.id}`);
    expect(none.json).toEqual({ meta: { result_count: 0 } });
    const beyond = await get(`/2/users/${deep.user.id}/tweets?until_id=${deep.posts[5]!.id}`);
    expect(beyond.json).toEqual({ meta: { result_count: 0 } });
    const edge = await get(`/2/users/${deep.user.id}/tweets?until_id=${deep.posts[6]!.id}&max_results=5`);
    expect(ids(edge.json)).toEqual([deep.posts[5]!.id]);
    const replies = await get(`/2/users/${deep.user.id}/tweets?exclude=replies&until_id=${deep.posts[2405]!.id}`);
    expect(replies.json).toEqual({ meta: { result_count: 0 } });
  });

  it('excludes retweets on request and shows the latest version of an edited post only', async () => {
    const author = fake.state.addUser(makeUser({ username: 'Mixed_Acct' }));
    const first = fake.addPost({ author, at: '2026-06-01T10:00:00Z', text: 'Original.' });
    const repost = fake.addPost({
      author,
      at: '2026-06-01T11:00:00Z',
      text: '',
      repostOf: { post: posts[0]!, author: user },
    });
    const edited = fake.editPost(first.id, { at: '2026-06-01T10:10:00Z', text: 'Corrected.' });
    const all = await get(`/2/users/${author.id}/tweets?expansions=edit_history_tweet_ids,referenced_tweets.id`);
    expect(all.json).toEqual({
      data: [
        { id: repost.id, text: `RT @Wire_Acct: ${posts[0]!.text}`, edit_history_tweet_ids: [repost.id] },
        { id: edited.id, text: 'Corrected.', edit_history_tweet_ids: [first.id, edited.id] },
      ],
      includes: {
        tweets: [
          { id: posts[0]!.id, text: posts[0]!.text, edit_history_tweet_ids: [posts[0]!.id] },
          { id: first.id, text: 'Original.', edit_history_tweet_ids: [first.id, edited.id] },
        ],
      },
      meta: { result_count: 2, newest_id: repost.id, oldest_id: edited.id },
    });
    const noRetweets = await get(`/2/users/${author.id}/tweets?exclude=retweets`);
    expect(ids(noRetweets.json)).toEqual([edited.id]);
  });

  it('answers a suspended or unknown user with errors only under 200', async () => {
    const gone = fake.seedAccount({ username: 'Gone_Acct', posts: 2 }).user;
    fake.setUserStatus(gone.id, 'suspended');
    const suspended = await get(`/2/users/${gone.id}/tweets`);
    expect({ status: suspended.status, body: suspended.json }).toEqual({
      status: 200,
      body: {
        errors: [
          {
            detail: `User has been suspended: [${gone.id}].`,
            parameter: 'id',
            resource_id: gone.id,
            resource_type: 'user',
            title: 'Forbidden',
            type: 'https://api.twitter.com/2/problems/resource-not-found',
            value: gone.id,
          },
        ],
      },
    });
    const unknown = await get('/2/users/42/tweets');
    expect(unknown.json).toEqual({
      errors: [expect.objectContaining({ detail: 'Could not find user with id: [42].', title: 'Not Found Error' })],
    });
  });
});

describe('auth, limits and faults', () => {
  it('refuses a missing or wrong bearer token with 401 problem+json', async () => {
    for (const token of [null, 'wrong']) {
      const res = await get(`/2/users/${user.id}`, token);
      expect({ status: res.status, type: res.headers['content-type'], body: res.json }).toEqual({
        status: 401,
        type: 'application/problem+json',
        body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
      });
    }
  });

  it('counts requests per endpoint window and answers 429 about:blank when it is used up', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await get(`/2/tweets/${posts[0]!.id}`);
      answers.push([res.status, res.headers['x-rate-limit-limit'], res.headers['x-rate-limit-remaining']]);
    }
    expect(answers).toEqual([
      [200, '3', '2'],
      [200, '3', '1'],
      [200, '3', '0'],
      [429, '3', '0'],
    ]);
    const last = await get(`/2/tweets/${posts[0]!.id}`);
    expect(last.json).toEqual({
      title: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
      detail: 'Too Many Requests',
    });
    expect(Number(last.headers['x-rate-limit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it("opens a new window once the old one has passed, on the fake's own clock", async () => {
    let now = Date.parse('2026-03-04T15:00:00Z');
    const timed = await startFakeX({
      tls: false,
      now: () => now,
      rateLimits: { 'users/:id': { limit: 1, windowMs: 60_000 } },
    });
    try {
      const u = timed.seedAccount({ username: 'Clock_Acct' }).user;
      const ask = async () => {
        const res = await wireGet(timed.url, `/2/users/${u.id}`);
        return [res.status, res.headers['x-rate-limit-remaining'], res.headers['x-rate-limit-reset']];
      };
      const first = await ask();
      const second = await ask();
      now += 60_000;
      const third = await ask();
      expect([first, second, third]).toEqual([
        [200, '0', String(Date.parse('2026-03-04T15:01:00Z') / 1000)],
        [429, '0', String(Date.parse('2026-03-04T15:01:00Z') / 1000)],
        [200, '0', String(Date.parse('2026-03-04T15:02:00Z') / 1000)],
      ]);
    } finally {
      await timed.close();
    }
  });

  it.each([
    ['missing-id', (post: Record<string, unknown>) => expect(post).not.toHaveProperty('id')],
    [
      'wrong-type',
      (post: Record<string, unknown>) => expect(post).toMatchObject({ id: Number(posts[0]!.id), text: 42 }),
    ],
  ] as const)('%s: changes the first post of a 200 body', async (kind, check) => {
    fake.injectFault({ kind, endpoint: 'tweets' });
    const res = await get(`/2/tweets?ids=${posts[0]!.id},${posts[1]!.id}`);
    const data = res.json?.data as Record<string, unknown>[];
    check(data[0]!);
    expect(data[1]).toEqual({ id: posts[1]!.id, text: posts[1]!.text, edit_history_tweet_ids: [posts[1]!.id] });
  });

  it('delays, then answers normally; logs the fault on the request', async () => {
    fake.injectFault({ kind: 'delay', ms: 150, endpoint: 'users/:id' });
    const started = Date.now();
    const res = await get(`/2/users/${user.id}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.json).toEqual({ data: { id: user.id, name: user.name, username: 'Wire_Acct' } });
    expect(
      fake.requests.map(({ endpoint, status, fault, authorized }) => ({ endpoint, status, fault, authorized })),
    ).toEqual([{ endpoint: 'users/:id', status: 200, fault: 'delay', authorized: true }]);
  });

  it('adds a partial error under 200 and caps the lookup at 100 IDs', async () => {
    fake.injectFault({ kind: 'partial-error', endpoint: 'tweets' });
    const res = await get(`/2/tweets?ids=${posts[2]!.id}`);
    expect(res.json).toEqual({
      data: [{ id: posts[2]!.id, text: posts[2]!.text, edit_history_tweet_ids: [posts[2]!.id] }],
      errors: [expect.objectContaining({ title: 'Not Found Error', resource_type: 'tweet' })],
    });
    const many = Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(',');
    expect((await get(`/2/tweets?ids=${many}`)).status).toBe(400);
  });

  it('lets `after` requests through first, and waitForRequests sees a hanging one arrive', async () => {
    fake.injectFault({ kind: 'hang', endpoint: 'users/:id/tweets', after: 1 });
    const first = await get(`/2/users/${user.id}/tweets?max_results=5`);
    const token = (first.json?.meta as { next_token: string }).next_token;
    const second = get(`/2/users/${user.id}/tweets?max_results=5&pagination_token=${token}`).catch((e: Error) => e);
    const seen = await fake.waitForRequests(2, 'users/:id/tweets');
    expect(seen.map(({ status, fault }) => ({ status, fault }))).toEqual([
      { status: 200, fault: undefined },
      { status: 0, fault: 'hang' },
    ]);
    await expect(fake.waitForRequests(3, 'users/:id/tweets', 50)).rejects.toThrow('2 of 3 requests after 50 ms');
    fake.dropOpenResponses();
    expect(await second).toBeInstanceOf(Error);
  });
});
