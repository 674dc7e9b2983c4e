// The X adapter against the local fake X API over HTTPS (a runtime test CA):
// users, timeline pages (fields, expansions, since_id, pagination, depth),
// lookups with partial errors, edits, and rate-limit state.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadPayload, InvalidInput } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createXSource, type XSource } from '../../../src/adapters/x/x-source.js';
import { POST_QUERY, USER_QUERY } from '../../../src/adapters/x/x-fields.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { makeMedia, makeUser } from '../../fake-x/fixtures.js';

let fake: RunningFakeX;
let source: XSource;

beforeAll(async () => {
  fake = await startFakeX();
  source = createXSource({
    baseUrl: fake.url,
    bearerToken: fake.bearerToken,
    timeoutMs: 5_000,
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
  fake.requests.splice(0);
});

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('users', () => {
  it('resolves a handle to the user and keeps the raw response', async () => {
    const { user } = fake.seedAccount({ username: 'Resolve_Me', user: { name: 'Resolve Office' } });
    const lookup = await source.resolveUser('@resolve_me');
    expect(lookup).toEqual({
      kind: 'found',
      user: { platformUserId: user.id, handle: 'Resolve_Me', displayName: 'Resolve Office' },
      capture: {
        source: 'x:user',
        requestUrl: `${fake.url}/2/users/by/username/resolve_me?${query(USER_QUERY)}`,
        httpStatus: 200,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({
          data: {
            id: user.id,
            name: 'Resolve Office',
            created_at: '2013-07-15T14:02:11.000Z',
            description: 'Official account of Resolve_Me.',
            protected: false,
            verified: true,
            verified_type: 'government',
            username: 'Resolve_Me',
          },
        }),
      },
    });
  });

  it('follows a renamed handle through the immutable user id', async () => {
    const { user } = fake.seedAccount({ username: 'OldName' });
    fake.renameUser(user.id, 'NewName');
    const byId = await source.lookupUserById(user.id);
    expect(byId.kind === 'found' && byId.user).toEqual({
      platformUserId: user.id,
      handle: 'NewName',
      displayName: 'OldName (official)',
    });
    const byOldHandle = await source.resolveUser('OldName');
    expect({ kind: byOldHandle.kind, detail: 'detail' in byOldHandle && byOldHandle.detail }).toEqual({
      kind: 'not_found',
      detail: 'Could not find user with username: [OldName].',
    });
  });

  it.each([
    {
      name: 'unknown handle',
      setup: () => 'NoSuchHandle',
      expected: { kind: 'not_found', detail: 'Could not find user with username: [NoSuchHandle].' },
    },
    {
      name: 'suspended handle',
      setup: () => {
        const { user } = fake.seedAccount({ username: 'Suspended_1' });
        fake.setUserStatus(user.id, 'suspended');
        return 'Suspended_1';
      },
      expected: { kind: 'suspended', detail: 'User has been suspended: [Suspended_1].' },
    },
  ])('reports a $name as a value, with the errors-only 200 kept raw', async ({ setup, expected }) => {
    const handle = setup();
    const lookup = await source.resolveUser(handle);
    expect(lookup.kind === 'found' ? lookup : { kind: lookup.kind, detail: lookup.detail }).toEqual(expected);
    expect(lookup.capture.httpStatus).toBe(200);
    expect(JSON.parse(lookup.capture.body)).toEqual({
      errors: [
        expect.objectContaining({
          value: handle,
          parameter: 'username',
          resource_type: 'user',
          detail: expected.detail,
        }),
      ],
    });
  });

  it('refuses an impossible handle without a request', async () => {
    await expect(source.resolveUser('not a handle!')).rejects.toBeInstanceOf(InvalidInput);
    expect(fake.requests).toEqual([]);
  });
});

describe('timeline pages', () => {
  it('asks for the model fields and expansions and gets them, includes and all', async () => {
    const author = fake.state.addUser(makeUser({ username: 'Fields_Acct' }));
    const other = fake.state.addUser(makeUser({ username: 'OtherDept' }));
    const quoted = fake.addPost({ author: other, at: '2026-03-04T13:50:02Z', text: 'Our annual report is out today.' });
    const photo = makeMedia('photo', { alt_text: 'Two officers shaking hands.' });
    const long = fake.addPost({
      author,
      at: '2026-03-04T15:20:11Z',
      text: `Today we completed the handover of the northern hub. ${'Details follow. '.repeat(20)}#Partnership`,
      media: [photo],
    });
    const quote = fake.addPost({ author, at: '2026-03-04T15:30:00Z', text: 'Worth reading.', quote: quoted });
    const reply = fake.addPost({ author, at: '2026-03-04T15:40:00Z', text: '2/ More soon.', replyTo: long });

    const page = await source.fetchTimelinePage(author.id, {});

    expect(page.capture.requestUrl).toBe(
      `${fake.url}/2/users/${author.id}/tweets?${query({ ...POST_QUERY, max_results: '100' })}`,
    );
    expect(page.nextToken).toBeUndefined();
    expect(page.body).toEqual({
      data: [reply, quote, long],
      includes: {
        media: [photo],
        users: [author, other].map(
          ({ id, name, username, created_at, description, protected: p, verified, verified_type }) => ({
            id,
            name,
            created_at,
            description,
            protected: p,
            verified,
            verified_type,
            username,
          }),
        ),
        tweets: [long, quoted],
      },
      meta: { result_count: 3, newest_id: reply.id, oldest_id: long.id },
    });
    expect(long.note_tweet?.text.length).toBeGreaterThan(280);
    expect(JSON.parse(page.capture.body)).toEqual(page.body);
  });

  it('returns only posts newer than since_id (exclusive), newest first', async () => {
    const { user, posts } = fake.seedAccount({ username: 'Since_Acct', posts: 8 });
    const page = await source.fetchTimelinePage(user.id, { sinceId: posts[4]!.id });
    const ids = (page.body as { data: { id: string }[] }).data.map((p) => p.id);
    expect(ids).toEqual([posts[7]!.id, posts[6]!.id, posts[5]!.id]);

    const none = await source.fetchTimelinePage(user.id, { sinceId: posts[7]!.id });
    expect(none.body).toEqual({ meta: { result_count: 0 } });
    expect(none.nextToken).toBeUndefined();
  });

  it('pages with next_token to the end of the timeline', async () => {
    const { user, posts } = fake.seedAccount({ username: 'Pages_Acct', posts: 250 });
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await source.fetchTimelinePage(user.id, { paginationToken: token });
      const data = (page.body as { data: { id: string }[] }).data;
      sizes.push(data.length);
      seen.push(...data.map((p) => p.id));
      token = page.nextToken;
    } while (token);
    expect(sizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(posts.map((p) => p.id).reverse());
    expect(fake.requestsTo('users/:id/tweets').map((r) => r.query.pagination_token !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('reaches back only the 3,200 most recent posts', async () => {
    const { user, posts } = fake.seedAccount({ username: 'Deep_Acct', posts: 3_250, everyMs: 1_000 });
    let token: string | undefined;
    let count = 0;
    let oldest = '';
    do {
      const page = await source.fetchTimelinePage(user.id, { paginationToken: token });
      const data = (page.body as { data: { id: string }[] }).data;
      count += data.length;
      oldest = data.at(-1)!.id;
      token = page.nextToken;
    } while (token);
    expect({ count, oldest }).toEqual({ count: 3_200, oldest: posts[50]!.id });
  });

  it('reports the rate-limit state of each page', async () => {
    const { user } = fake.seedAccount({ username: 'Limits_Acct', posts: 1 });
    const before = fake.rateLimits.headers('users/:id/tweets');
    const page = await source.fetchTimelinePage(user.id, {});
    expect(page.rateLimit).toEqual({
      limit: 10_000,
      remaining: before.remaining - 1,
      resetAt: new Date(before.reset * 1000),
    });
  });
});

describe('posts by id', () => {
  it('returns found posts and partial errors for deleted and unknown ones under HTTP 200', async () => {
    const { posts } = fake.seedAccount({ username: 'Lookup_Acct', posts: 3 });
    fake.deletePost(posts[1]!.id);
    const page = await source.fetchPostsById([posts[0]!.id, posts[1]!.id, '1234567890123456789']);
    expect(page.capture.httpStatus).toBe(200);
    expect(page.body).toEqual({
      data: [posts[0]],
      includes: { users: [expect.objectContaining({ username: 'Lookup_Acct' })] },
      errors: [posts[1]!.id, '1234567890123456789'].map((id) => ({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: id,
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      })),
    });
  });

  it('follows edits: the timeline shows the latest version, an old ID finds its own version', async () => {
    const author = fake.state.addUser(makeUser({ username: 'Edits_Acct' }));
    const first = fake.addPost({ author, at: '2026-03-04T15:00:00Z', text: 'Road closes at 0600.' });
    const second = fake.editPost(first.id, { at: '2026-03-04T15:05:00Z', text: 'Road closes at 0700.' });
    const third = fake.editPost(second.id, { at: '2026-03-04T15:09:00Z', text: 'Road closes at 0730.' });
    const chain = [first.id, second.id, third.id];

    const timeline = await source.fetchTimelinePage(author.id, {});
    const version = (post: typeof first, text: string) => ({ ...post, text, edit_history_tweet_ids: chain });
    expect(timeline.body).toEqual({
      data: [version(third, 'Road closes at 0730.')],
      includes: {
        users: [expect.objectContaining({ id: author.id, username: 'Edits_Acct' })],
        // The earlier versions, through the edit_history_tweet_ids expansion.
        tweets: [version(first, 'Road closes at 0600.'), version(second, 'Road closes at 0700.')],
      },
      meta: { result_count: 1, newest_id: third.id, oldest_id: third.id },
    });
    const lookup = await source.fetchPostsById([first.id]);
    expect((lookup.body as { data: unknown[] }).data).toEqual([version(first, 'Road closes at 0600.')]);
    expect(BigInt(third.id) > BigInt(second.id) && BigInt(second.id) > BigInt(first.id)).toBe(true);
  });

  it('refuses more than 100 IDs without a request', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(1_000_000_000 + i));
    await expect(source.fetchPostsById(ids)).rejects.toThrow(
      new InvalidInput('a post lookup takes 1 to 100 IDs, got 101'),
    );
    expect(fake.requests).toEqual([]);
  });
});

describe('over plain HTTP', () => {
  it('works against an http:// base', async () => {
    const plain = await startFakeX({ tls: false, data: { users: [makeUser({ username: 'Plain_Acct' })] } });
    const user = plain.state.userByUsername('Plain_Acct')!;
    plain.addPost({ author: user, at: '2026-03-04T10:00:00Z', text: 'Plain text.' });
    const http = createXSource({
      baseUrl: plain.url,
      bearerToken: plain.bearerToken,
      timeoutMs: 5_000,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const page = await http.fetchTimelinePage(user.id, {});
      expect(plain.url.startsWith('http://')).toBe(true);
      expect((page.body as { data: { text: string }[] }).data.map((p) => p.text)).toEqual(['Plain text.']);
    } finally {
      http.close();
      await plain.close();
    }
  });
});

describe('connections and logs', () => {
  it('reuses one keep-alive connection, and close() ends it', async () => {
    const own = await startFakeX();
    const { user } = own.seedAccount({ username: 'Keep_Alive', posts: 2 });
    const lines: string[] = [];
    const logged = createXSource({
      baseUrl: own.url,
      bearerToken: own.bearerToken,
      timeoutMs: 200,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }),
      ca: own.caPem,
    });
    try {
      await logged.resolveUser('Keep_Alive');
      await logged.fetchTimelinePage(user.id, {});
      own.injectFault({ kind: 'status', status: 503 });
      await expect(logged.fetchPostsById([user.id])).rejects.toThrow('X answered 503');
      // Past the timeout of the finished requests: their deadlines must not break the pooled socket.
      await new Promise((resolve) => setTimeout(resolve, 250));
      await logged.lookupUserById(user.id);
      expect({ requests: own.requests.length, connections: own.connectionsAccepted }).toEqual({
        requests: 4,
        connections: 1,
      });
      expect(await own.openConnections()).toBe(1);
      logged.close();
      await vi.waitFor(async () => expect(await own.openConnections()).toBe(0));
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
        'X request',
        'X request',
        'X request failed',
        'X request',
      ]);
      expect(lines.join('\n')).not.toContain(own.bearerToken);
    } finally {
      logged.close();
      await own.close();
    }
  });

  it('reports a user object without an id as BadPayload with the raw body', async () => {
    const { user } = fake.seedAccount({ username: 'No_Id_Acct' });
    fake.injectFault({ kind: 'missing-id', endpoint: 'users/:id' });
    const err = await source.lookupUserById(user.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadPayload);
    expect(JSON.parse((err as BadPayload).capture!.body)).toEqual({
      data: {
        name: 'No_Id_Acct (official)',
        created_at: '2013-07-15T14:02:11.000Z',
        description: 'Official account of No_Id_Acct.',
        protected: false,
        verified: true,
        verified_type: 'government',
        username: 'No_Id_Acct',
      },
    });
  });

  it('maps a 400 (a forged pagination token) to InvalidInput', async () => {
    const { user } = fake.seedAccount({ username: 'Bad_Token', posts: 1 });
    await expect(source.fetchTimelinePage(user.id, { paginationToken: 'forged' })).rejects.toThrow(
      new InvalidInput('X answered 400 Invalid Request: One or more parameters to your request was invalid.'),
    );
  });
});
