// Ingest as a user runs it: bin/onrecord in child processes against the fake
// X API over HTTPS (trusted through NODE_EXTRA_CA_CERTS) and a real
// PostgreSQL. Includes the kill -9 test: a poll killed mid-way loses nothing
// and duplicates nothing on the next poll.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { timelineSource } from '../../../src/jobs/poll-timeline.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const BEARER = 'e2e-bearer-token';
const TIMELINE = 'users/:id/tweets' as const;
const db = useTestDatabase();
let fake: RunningFakeX;

beforeAll(async () => {
  fake = await startFakeX({ bearerToken: BEARER });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(async () => {
  await truncateAll(db());
  fake.clearFaults();
});

function childEnv(extra: Record<string, string | undefined> = {}) {
  return {
    ...process.env,
    DATABASE_URL: db().url,
    X_API_BASE_URL: fake.url,
    X_BEARER_TOKEN: BEARER,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function onrecord(args: string[], env: Record<string, string | undefined> = {}) {
  return run(process.execPath, [BIN, ...args], { env: childEnv(env) }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

/** The posts the fake's timeline holds for a user, as `id text createdAt` lines, sorted. */
function fakeTimeline(userId: string): string[] {
  return fake.state
    .timeline(userId)
    .map((p) => `${p.id} ${p.note_tweet?.text ?? p.text} ${p.created_at}`)
    .sort();
}

/** The archive's posts in the same form (latest version ID, text, creation time). */
async function archived(): Promise<string[]> {
  const rows = await db().prisma.post.findMany({
    select: { platformId: true, editIds: true, text: true, createdAt: true },
  });
  return rows.map((r) => `${r.editIds.at(-1) ?? r.platformId} ${r.text} ${r.createdAt.toISOString()}`).sort();
}

describe('onrecord accounts / poll / stats / posts', () => {
  it('add an account, poll it, see the stats and a post with its versions', async () => {
    const { user, posts } = fake.seedAccount({ username: 'E2E_Forces', posts: 120 });
    const added = await onrecord(['accounts', 'add', 'x:E2E_Forces', '--every', '5m', '--json']);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      account: 'x:E2E_Forces',
      every: '5m',
      status: 'active',
      created: true,
    });

    const polled = await onrecord(['poll', '--once', '--json']);
    expect(polled.code, polled.stderr).toBe(0);
    expect(JSON.parse(polled.stdout)).toMatchObject({
      ok: true,
      polls: [{ account: 'x:E2E_Forces', outcome: 'complete', requests: 3, postsNew: 120 }],
    });

    const edited = fake.editPost(posts[0]!.id, { text: 'Statement 1, corrected' });
    expect((await onrecord(['poll', '--once', '--account', 'x:E2E_Forces'])).code).toBe(0);

    const stats = JSON.parse((await onrecord(['stats', '--json'])).stdout);
    expect(stats).toMatchObject({ accounts: 1, posts: 120, versions: 121, articles: 0, problems: 0, pollRuns: 2 });
    expect(typeof stats.captures).toBe('number');

    // Any ID of the edit chain finds the post (here the first one; the repository test tries the others).
    for (const id of [posts[0]!.id]) {
      const shown = await onrecord(['posts', 'show', `x:${id}`, '--json']);
      expect(shown.code).toBe(0);
      const json = JSON.parse(shown.stdout);
      expect(json).toMatchObject({
        id: posts[0]!.id,
        platform: 'x',
        account: 'x:E2E_Forces',
        text: 'Statement 1, corrected',
        createdAt: posts[0]!.created_at,
        url: `https://x.com/E2E_Forces/status/${edited.id}`,
        editIds: [posts[0]!.id, edited.id],
      });
      expect(json.versions.map((v: { versionId: string; text: string }) => [v.versionId, v.text])).toEqual([
        [posts[0]!.id, posts[0]!.text],
        [edited.id, 'Statement 1, corrected'],
      ]);
      expect(json.captures.length).toBe(2);
    }
    expect(user.id).toBe((await db().prisma.account.findFirstOrThrow()).platformUserId);
  }, 90_000);

  it('errors are one clear line and a non-zero exit', async () => {
    await onrecord(['accounts', 'add', 'x:E2E_Forces']);
    const noToken = await onrecord(['poll', '--once'], { X_BEARER_TOKEN: '' });
    expect([noToken.code, noToken.stdout, noToken.stderr.trim()]).toEqual([
      1,
      '',
      'onrecord: x accounts are not polled: X_BEARER_TOKEN is not set (set it to poll them) [config]',
    ]);
    const badRef = await onrecord(['posts', 'show', 'x:not-an-id', '--json']);
    expect([badRef.code, badRef.stderr.trim()]).toEqual([
      1,
      'onrecord: "not-an-id" is not an X post ID (digits only) [invalid_input]',
    ]);
    fake.setUsageCapped(true);
    try {
      const capped = await onrecord(['poll', '--once', '--json']);
      expect(capped.code).toBe(1);
      expect(JSON.parse(capped.stdout)).toMatchObject({
        ok: false,
        polls: [{ outcome: 'failed', error: { code: 'usage_capped' } }],
      });
      expect(JSON.parse((await onrecord(['stats', '--json'])).stdout)).toMatchObject({ usageCapped: true });
    } finally {
      fake.setUsageCapped(false);
    }
  }, 90_000);
});

describe('kill -9 mid-poll', () => {
  /** Starts `poll --once`, waits until the fake holds the n-th timeline request open, then SIGKILLs it. */
  async function killDuringPage(n: number) {
    const before = fake.requestsTo(TIMELINE).length;
    fake.injectFault({ kind: 'delay', ms: 0, endpoint: TIMELINE, times: n - 1 });
    fake.injectFault({ kind: 'hang', endpoint: TIMELINE, times: 'always' });
    const child = spawn(process.execPath, [BIN, 'poll', '--once'], { env: childEnv(), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await expect.poll(() => fake.requestsTo(TIMELINE).length - before, { timeout: 45_000 }).toBe(n);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    fake.clearFaults();
    fake.dropOpenResponses();
  }

  async function pollCompletes() {
    const result = await onrecord(['poll', '--once', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).polls.map((p: { outcome: string }) => p.outcome)).toEqual(['complete']);
  }

  it('loses nothing and duplicates nothing, in the backfill and in an incremental poll', async () => {
    const { user } = fake.seedAccount({ username: 'E2E_Killed', posts: 350, everyMs: 1000 });
    const { account } = await createAccountsRepository(db().prisma).add(
      { platform: 'x', handle: 'E2E_Killed', pollIntervalMs: 300_000 },
      new Date(),
    );

    await killDuringPage(3);
    // Two pages were stored before the kill; the cursor did not move, the backfill is not done.
    expect(await db().prisma.post.count()).toBe(200);
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBeNull();
    expect((await db().prisma.account.findFirstOrThrow()).backfilledAt).toBeNull();

    await pollCompletes();
    expect(await archived()).toEqual(fakeTimeline(user.id));
    expect(await db().prisma.postVersion.count()).toBe(350);
    expect(await db().prisma.event.count()).toBe(0);

    const added = Array.from({ length: 250 }, (_, i) =>
      fake.addPost({ author: user, text: `Later ${i}`, at: new Date(Date.parse('2026-03-02T00:00:00Z') + i * 1000) }),
    );
    await killDuringPage(3);
    expect(await db().prisma.post.count()).toBe(550);
    await pollCompletes();

    expect(await archived()).toEqual(fakeTimeline(user.id));
    expect(await db().prisma.post.count()).toBe(600);
    expect(await db().prisma.postVersion.count()).toBe(600);
    const events = await db().prisma.event.findMany({ select: { kind: true, dedupeKey: true } });
    expect(events.map((e) => e.dedupeKey).sort()).toEqual(added.map((p) => `new:x:${p.id}`).sort());
    expect(await createPostsRepository(db().prisma).getCursor(account.id, timelineSource('x'))).toBe(added.at(-1)!.id);
  }, 120_000);
});

describe('onrecord start', () => {
  it('polls every watched account at start, then stops cleanly on SIGTERM', async () => {
    fake.seedAccount({ username: 'E2E_Service', posts: 30 });
    await createAccountsRepository(db().prisma).add(
      { platform: 'x', handle: 'E2E_Service', pollIntervalMs: 300_000 },
      new Date(),
    );
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: childEnv({ PORT: '0', ONRECORD_INSTANCE_ID: 'e2e-service' }),
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => db().prisma.post.count(), { timeout: 30_000, interval: 200 }).toBe(30);
    await expect
      .poll(async () => (await db().prisma.pollRun.findFirst())?.outcome, { timeout: 10_000 })
      .toBe('complete');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
