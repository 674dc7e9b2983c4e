// The Mastodon source under the real poll job and a real database: the
// backfill stores every status and the versions of edited ones (each history
// its own capture), an unchanged account costs one request and writes no
// capture, and a rate limit leaves the cursor where it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import type { MastodonSource } from '../../../src/adapters/mastodon/mastodon-source.js';
import { useTestDatabase } from '../../helpers/database.js';
import { poller, tableCounts, type Poller } from '../ingest/poll-harness.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { sourceFor } from './mastodon-helpers.js';

const getDb = useTestDatabase();
let fake: RunningFakeMastodon;
let source: MastodonSource;
let jobs: Poller;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example' });
  source = sourceFor([fake]);
  jobs = poller(getDb(), source);
});

afterAll(async () => {
  source.close();
  await fake.close();
});

async function watch(handle: string) {
  const { account } = await createAccountsRepository(getDb().prisma).add(
    { platform: 'mastodon', handle, pollIntervalMs: 300_000 },
    new Date(),
  );
  return account;
}

describe('polling a Mastodon account', () => {
  it('backfills with edit histories, then an unchanged account is one request and no capture', async () => {
    const { account, statuses } = fake.seedAccount({ username: 'poll_office', statuses: 60 });
    fake.edit(statuses[59]!.id, { text: 'Statement 60, corrected.', at: '2026-03-02T00:00:00.000Z' });
    const watched = await watch('poll_office@gov.example');
    const first = await jobs.poll(watched.id);
    expect(first).toMatchObject({ outcome: 'complete', postsNew: 60, versionsNew: 61, problems: 0, error: null });
    // Account lookup, timeline page, history page, timeline page.
    expect(fake.requests.map((r) => r.endpoint)).toEqual([
      'accounts/lookup',
      'accounts/:id/statuses',
      'statuses/:id/history',
      'accounts/:id/statuses',
    ]);
    const db = getDb().prisma;
    const stored = await db.account.findUniqueOrThrow({ where: { id: watched.id } });
    expect(stored.platformUserId).toBe(`gov.example:${account.id}`);
    const edited = await db.post.findFirstOrThrow({ where: { platformId: `gov.example:${statuses[59]!.id}` } });
    expect(edited.text).toBe('Statement 60, corrected.');
    const versions = await db.postVersion.findMany({ where: { postId: edited.id }, orderBy: { createdAt: 'asc' } });
    expect(versions.map((v) => v.text)).toEqual(['Statement 60 of the office.', 'Statement 60, corrected.']);
    const captures = await db.capture.findMany({ select: { source: true } });
    expect(captures.map((c) => c.source).sort()).toEqual([
      'mastodon:history',
      'mastodon:timeline',
      'mastodon:timeline',
    ]);

    fake.requests.splice(0);
    const before = await tableCounts(getDb());
    const second = await jobs.poll(watched.id);
    expect(second).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 0, versionsNew: 0 });
    expect(fake.requests.map((r) => r.query.min_id)).toEqual([statuses[59]!.id]);
    expect(await tableCounts(getDb())).toEqual(before);

    const fresh = fake.publish({ account, text: 'A new statement. #Budget' });
    const third = await jobs.poll(watched.id);
    expect(third).toMatchObject({ outcome: 'complete', requests: 1, postsNew: 1, cursor: fresh.id });
  });

  it('a rate limit fails the poll until its reset and keeps the cursor', async () => {
    const { account } = fake.seedAccount({ username: 'limited_office', statuses: 2 });
    const watched = await watch('limited_office@gov.example');
    await jobs.poll(watched.id);
    const cursor = (await jobs.poll(watched.id)).cursor;
    fake.publish({ account, text: 'While limited.' });
    fake.injectFault({
      kind: 'rate-limited',
      endpoint: 'accounts/:id/statuses',
      resetAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const limited = await jobs.poll(watched.id);
    expect(limited).toMatchObject({ outcome: 'failed', error: { code: 'rate_limited' }, cursor });
    expect(limited.resumeAt).not.toBeNull();
  });

  it('notices a deletion when recent statuses are looked up again (404)', async () => {
    const { statuses } = fake.seedAccount({ username: 'recheck_office', statuses: 2, start: new Date().toISOString() });
    const watched = await watch('recheck_office@gov.example');
    await jobs.poll(watched.id);
    fake.delete(statuses[0]!.id);
    fake.requests.splice(0);
    const rechecked = await jobs.poll(watched.id, { recheck: true });
    expect(rechecked).toMatchObject({ outcome: 'complete', deleted: 1 });
    expect(
      fake
        .requestsTo('statuses/:id')
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 404]);
    const post = await getDb().prisma.post.findFirstOrThrow({
      where: { platformId: `gov.example:${statuses[0]!.id}` },
    });
    expect(post.status).toBe('deleted');
  });
});
