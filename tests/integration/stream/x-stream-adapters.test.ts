// The X stream adapters against the fake X: rules synced (fewest rules for
// the plan's length limit, found by dry runs; other tools' rules untouched;
// the plan's rule cap leaves accounts uncovered), Activity API subscriptions,
// one connection with keep-alives, raw lines as captures, and every way a
// connection ends (a second connection's 429, an operational disconnect, a
// stall past the keep-alive timeout, a drop).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createXActivityStream } from '../../../src/adapters/x/x-activity-stream.js';
import { createXFilteredStream, ruleOfLength } from '../../../src/adapters/x/x-filtered-stream.js';
import { createXStreamClient, type XStreamClient } from '../../../src/adapters/x/x-stream-client.js';
import { parseFromRule } from '../../../src/core/stream-rules.js';
import { createLogger } from '../../../src/logger.js';
import type { PostStream, StreamAccount, StreamEnd, StreamItem } from '../../../src/ports/post-stream.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { makeUser } from '../../fake-x/fixtures.js';
import type { FakeUser } from '../../fake-x/fake-x-state.js';

const logger = createLogger({ level: 'silent' });
let fake: RunningFakeX;
let client: XStreamClient;
const open: { close(): void }[] = [];

beforeAll(async () => {
  fake = await startFakeX();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  client = createXStreamClient(
    {
      baseUrl: fake.url,
      bearerToken: fake.bearerToken,
      timeoutMs: 5000,
      keepAliveTimeoutMs: 1500,
      logger,
      ca: fake.caPem,
    },
    logger,
  );
  fake.streams.rules.rules.clear();
  fake.streams.rules.limits = { maxLength: 512, maxRules: 1000 };
  fake.streams.subscriptions.subscriptions.clear();
  fake.streams.subscriptions.maxSubscriptions = 1500;
  fake.streams.keepAliveMs = 100;
  fake.streams.access = { filtered: true, activity: true };
});
afterEach(() => {
  open.splice(0).forEach((c) => c.close());
  fake.streams.drop();
  client.close();
});

let n = 0;
function users(count: number): { users: FakeUser[]; accounts: StreamAccount[] } {
  const made = Array.from({ length: count }, () =>
    fake.state.addUser(makeUser({ username: `Office_${process.pid % 997}_${++n}` })),
  );
  return { users: made, accounts: made.map((u, i) => ({ accountId: 1000 + n * 100 + i, platformUserId: u.id })) };
}

function connect(stream: PostStream) {
  const items: StreamItem[] = [];
  let activity = 0;
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const connection = stream.connect({
    onOpen: () => opened(),
    onItem: (item) => items.push(item),
    onActivity: () => (activity += 1),
  });
  open.push(connection);
  return { items, connection, isOpen, activity: () => activity };
}

async function firstOf(ended: Promise<StreamEnd>, timeoutMs = 10_000): Promise<StreamEnd> {
  return Promise.race([
    ended,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still connected')), timeoutMs)),
  ]);
}

describe('filtered stream: rules', () => {
  it('packs the accounts into the fewest from: rules under the limit found by dry runs, tagged onrecord', async () => {
    const stream = createXFilteredStream(client, logger);
    const { accounts } = users(40);
    const coverage = await stream.sync(accounts);
    expect(coverage).toEqual({ covered: accounts.map((a) => a.accountId), uncovered: [] });
    const rules = [...fake.streams.rules.rules.values()];
    // 40 IDs of 10 digits: `from:` + 10 = 15 characters, 19 with " OR ": 27 per 512-character rule.
    expect(rules).toHaveLength(2);
    expect(rules.every((r) => r.tag === 'onrecord' && r.value.length <= 512)).toBe(true);
    expect(rules.flatMap((r) => parseFromRule(r.value)!).sort()).toEqual(accounts.map((a) => a.platformUserId).sort());
    // Dry runs asked 2,048 and 1,024 (refused as too long) before 512; none created a rule.
    const dryRuns = fake.requestsTo('tweets/search/stream/rules').filter((r) => r.query.dry_run === 'true');
    expect(dryRuns.map((r) => r.status)).toEqual([200, 200, 201]);
  });

  it('uses the longer limit of a plan that allows it', async () => {
    fake.streams.rules.limits.maxLength = 1024;
    const stream = createXFilteredStream(client, logger);
    const { accounts } = users(40);
    await stream.sync(accounts);
    expect([...fake.streams.rules.rules.values()]).toHaveLength(1);
  });

  it('never touches rules of other tools, and follows accounts added and removed', async () => {
    fake.streams.rules.update(
      { add: [{ value: 'harbour has:media', tag: 'newsroom' }, { value: 'ferries' }] },
      new URLSearchParams(),
    );
    const stream = createXFilteredStream(client, logger);
    const { accounts } = users(30);
    await stream.sync(accounts);
    const before = [...fake.streams.rules.rules.values()].filter((r) => r.tag === 'onrecord');
    expect(before).toHaveLength(2);
    await stream.sync(accounts.slice(1));
    const after = [...fake.streams.rules.rules.values()];
    expect(
      after
        .filter((r) => r.tag !== 'onrecord')
        .map((r) => r.value)
        .sort(),
    ).toEqual(['ferries', 'harbour has:media']);
    const ours = after.filter((r) => r.tag === 'onrecord');
    expect(ours.flatMap((r) => parseFromRule(r.value)!).sort()).toEqual(
      accounts
        .slice(1)
        .map((a) => a.platformUserId)
        .sort(),
    );
    // The rule without the removed account was kept as it was.
    expect(ours.map((r) => r.id)).toContain(before.find((r) => !r.value.includes(accounts[0]!.platformUserId))!.id);
  });

  it('leaves accounts uncovered, with X’s reason, when the plan’s rule cap is reached', async () => {
    fake.streams.rules.limits.maxRules = 2;
    fake.streams.rules.update({ add: [{ value: 'ferries', tag: 'newsroom' }] }, new URLSearchParams());
    const stream = createXFilteredStream(client, logger);
    const { accounts } = users(40);
    const coverage = await stream.sync(accounts);
    expect(coverage.covered).toHaveLength(27);
    expect(coverage.uncovered).toHaveLength(13);
    expect(coverage.uncovered[0]!.reason).toMatch(/^rule_cap: RulesCapExceeded/);
  });

  it('says a token without access is not allowed, definitely', async () => {
    const stream = createXFilteredStream(client, logger);
    expect(await stream.probe()).toEqual({ allowed: true });
    fake.streams.access.filtered = false;
    expect(await stream.probe()).toMatchObject({
      allowed: false,
      isDefinite: true,
      reason: expect.stringContaining('403'),
    });
  });
});

describe('filtered stream: a connection', () => {
  it('receives keep-alives and the posts of covered accounts, each line kept raw', async () => {
    const stream = createXFilteredStream(client, logger);
    const {
      users: [watched, other],
      accounts,
    } = users(2);
    await stream.sync(accounts.slice(0, 1));
    const c = connect(stream);
    await c.isOpen;
    await expect.poll(() => c.activity(), { timeout: 30_000 }).toBeGreaterThan(2);
    const post = fake.addPost({ author: watched!, text: 'Harbour open & ferries running.' });
    fake.addPost({ author: other!, text: 'Not carried by any rule.' });
    await expect.poll(() => c.items.length, { timeout: 30_000 }).toBe(1);
    const item = c.items[0]!;
    expect(item).toMatchObject({ kind: 'posts', authorIds: [watched!.id] });
    expect(item.capture).toMatchObject({ source: 'x:stream', httpStatus: 200 });
    expect(JSON.parse(item.capture.body)).toMatchObject({
      data: { id: post.id },
      matching_rules: [{ tag: 'onrecord' }],
    });
    if (item.kind === 'posts')
      expect(item.body.posts[0]).toMatchObject({ platformId: post.id, text: 'Harbour open & ferries running.' });
    // The connection asked for the same fields and expansions as polls.
    const connect1 = fake.requestsTo('tweets/search/stream').at(-1)!;
    expect(connect1.query.expansions).toContain('referenced_tweets.id');
    expect(connect1.query['tweet.fields']).toContain('note_tweet');
  });

  it('reports an unreadable line as a problem with its raw text', async () => {
    const stream = createXFilteredStream(client, logger);
    const c = connect(stream);
    await c.isOpen;
    fake.streams.sendLine('filtered', '{"data": {"id": "20300000000000');
    await expect.poll(() => c.items.length, { timeout: 30_000 }).toBe(1);
    expect(c.items[0]).toMatchObject({ kind: 'problem', capture: { body: '{"data": {"id": "20300000000000' } });
  });

  it('ends: 429 TooManyConnections for a second connection, an operational disconnect, a stall, a drop', async () => {
    const stream = createXFilteredStream(client, logger);
    const first = connect(stream);
    await first.isOpen;
    const second = connect(stream);
    expect(await firstOf(second.connection.ended)).toMatchObject({
      failure: 'rate-limited',
      status: 429,
      message: expect.stringContaining('ConnectionException'),
    });

    fake.streams.operationalDisconnect('filtered');
    expect(await firstOf(first.connection.ended)).toMatchObject({
      failure: 'dropped',
      message: expect.stringContaining('operational-disconnect'),
    });

    const stalled = connect(stream);
    await stalled.isOpen;
    fake.streams.stall('filtered');
    const started = Date.now();
    expect(await firstOf(stalled.connection.ended)).toMatchObject({
      failure: 'dropped',
      message: expect.stringContaining('keep-alive'),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    fake.streams.drop();

    const dropped = connect(stream);
    await dropped.isOpen;
    fake.streams.drop('filtered');
    expect(await firstOf(dropped.connection.ended)).toMatchObject({ failure: 'dropped' });
  });

  it('ends with the status of a refused connect', async () => {
    const stream = createXFilteredStream(client, logger);
    fake.injectFault({ kind: 'status', status: 503, endpoint: 'tweets/search/stream' });
    expect(await firstOf(connect(stream).connection.ended)).toMatchObject({ failure: 'http', status: 503 });
    fake.injectFault({ kind: 'close', endpoint: 'tweets/search/stream' });
    expect(await firstOf(connect(stream).connection.ended)).toMatchObject({ failure: 'network' });
  });
});

describe('X Activity API', () => {
  it('subscribes each account to its events, leaves other subscriptions alone, and unsubscribes removed accounts', async () => {
    const stream = createXActivityStream(client, logger);
    const { accounts } = users(3);
    fake.streams.subscriptions.create({
      event_type: 'profile.update.bio',
      filter: { user_id: accounts[0]!.platformUserId },
      tag: 'newsroom',
    });
    expect(await stream.sync(accounts)).toEqual({ covered: accounts.map((a) => a.accountId), uncovered: [] });
    const subs = [...fake.streams.subscriptions.subscriptions.values()];
    expect(subs.filter((s) => s.tag === 'onrecord')).toHaveLength(12);
    await stream.sync(accounts.slice(1));
    const left = [...fake.streams.subscriptions.subscriptions.values()];
    expect(left.filter((s) => s.tag === 'onrecord')).toHaveLength(8);
    expect(left.filter((s) => s.tag === 'newsroom')).toHaveLength(1);
  });

  it('leaves accounts past the subscription limit uncovered', async () => {
    fake.streams.subscriptions.maxSubscriptions = 5;
    const stream = createXActivityStream(client, logger);
    const { accounts } = users(2);
    const coverage = await stream.sync(accounts);
    expect(coverage.covered).toEqual([accounts[0]!.accountId]);
    expect(coverage.uncovered).toEqual([
      { accountId: accounts[1]!.accountId, reason: expect.stringContaining('maximum of 5') },
    ]);
  });

  it('delivers posts, deletions, renames and new display names of subscribed accounts', async () => {
    const stream = createXActivityStream(client, logger);
    const {
      users: [office],
      accounts,
    } = users(1);
    await stream.sync(accounts);
    const c = connect(stream);
    await c.isOpen;
    const post = fake.addPost({ author: office!, text: 'Tide tables for March are out.' });
    fake.deletePost(post.id);
    fake.renameUser(office!.id, 'Port_Office');
    fake.setDisplayName(office!.id, 'Port Office');
    await expect.poll(() => c.items.length, { timeout: 30_000 }).toBe(4);
    expect(c.items.map((i) => i.kind)).toEqual(['posts', 'deleted', 'profile', 'profile']);
    expect(c.items[0]).toMatchObject({ capture: { source: 'x:activity' }, authorIds: [office!.id] });
    expect(c.items[1]).toMatchObject({ authorId: office!.id, postId: post.id });
    expect(c.items[2]).toMatchObject({ field: 'handle', after: 'Port_Office' });
    expect(c.items[3]).toMatchObject({ field: 'name', after: 'Port Office' });
  });
});

describe('ruleOfLength', () => {
  it.each([512, 1024, 2048, 29, 30])('builds a valid from: rule of exactly %i characters', (length) => {
    const value = ruleOfLength(length);
    expect(value).toHaveLength(length);
    expect(parseFromRule(value)).toBeDefined();
  });
});
