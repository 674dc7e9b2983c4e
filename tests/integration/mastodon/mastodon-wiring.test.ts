// Mastodon wired into onrecord, against the fake server and a real database:
// the source as the registry builds it from configuration (MASTODON_BASE_URLS,
// the archive's versions), a re-check that finds an edit reads its history,
// a restart does not read histories again, boosted authors become archived
// Mastodon accounts, and an article embedding Mastodon posts links to them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { loadConfig } from '../../../src/config.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { addArticle } from '../../../src/jobs/link-article.js';
import { createLogger } from '../../../src/logger.js';
import { SOURCE_FACTORIES, sourceArchive, type OpenSource } from '../../../src/service/sources.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { poller, type Poller } from '../ingest/poll-harness.js';
import { sourceFor } from './mastodon-helpers.js';

const getDb = useTestDatabase();
const logger = createLogger({ level: 'silent' });
let fake: RunningFakeMastodon;
let jobs: Poller;
const opened: OpenSource[] = [];

/** The Mastodon source exactly as the service builds it (its SOURCE_FACTORIES line). */
function configuredSource(): OpenSource {
  const config = loadConfig({ MASTODON_BASE_URLS: `gov.example=${fake.url}` }, { instanceId: 'test' });
  const source = SOURCE_FACTORIES.mastodon!(config, logger, sourceArchive(getDb().prisma));
  opened.push(source);
  return source;
}

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example' });
  jobs = poller(getDb(), configuredSource());
});
afterAll(async () => {
  opened.forEach((s) => s.close());
  await fake?.close();
});
beforeEach(async () => {
  await truncateAll(getDb());
  fake.requests.splice(0);
});

async function watch(handle: string) {
  const { account } = await createAccountsRepository(getDb().prisma).add(
    { platform: 'mastodon', handle, pollIntervalMs: 60_000 },
    new Date(),
  );
  return account;
}

async function versionTexts(platformId: string) {
  const post = await getDb().prisma.post.findFirstOrThrow({ where: { platform: 'mastodon', platformId } });
  const versions = await getDb().prisma.postVersion.findMany({
    where: { postId: post.id },
    orderBy: { createdAt: 'asc' },
  });
  return versions.map((v) => v.text);
}

describe('Mastodon in the poll job, as configured', () => {
  it('a re-check that finds an edit reads its history: each revision a version, and an edited event', async () => {
    const { statuses } = fake.seedAccount({ username: 'recheck_edit', statuses: 2, start: new Date().toISOString() });
    const watched = await watch('recheck_edit@gov.example');
    expect(await jobs.poll(watched.id)).toMatchObject({ outcome: 'complete', postsNew: 2 });
    const target = statuses[0]!;
    fake.edit(target.id, { text: 'Harbour statement, corrected on re-check.' });
    fake.requests.splice(0);

    const rechecked = await jobs.poll(watched.id, { recheck: true });
    expect(rechecked).toMatchObject({ outcome: 'complete', versionsNew: 1, deleted: 0 });
    expect(fake.requestsTo('statuses/:id/history').map((r) => r.path)).toEqual([
      `/api/v1/statuses/${target.id}/history`,
    ]);
    const platformId = `gov.example:${target.id}`;
    expect(await versionTexts(platformId)).toEqual([
      'Statement 1 of the office.',
      'Harbour statement, corrected on re-check.',
    ]);
    const events = await getDb().prisma.event.findMany({ where: { kind: 'edited' } });
    expect(events.map((e) => e.dedupeKey)).toEqual([
      expect.stringMatching(new RegExp(`^edited:mastodon:${platformId}@\\d{4}-`)),
    ]);
    const captures = await getDb().prisma.capture.findMany({ where: { source: 'mastodon:history' } });
    expect(captures).toHaveLength(1);
  });

  it('after a restart, statuses whose edits are archived are not read again (the archive is asked)', async () => {
    const { statuses } = fake.seedAccount({ username: 'restart_office', statuses: 3, start: new Date().toISOString() });
    fake.edit(statuses[1]!.id, { text: 'Second statement, edited before the first poll.' });
    const watched = await watch('restart_office@gov.example');
    await jobs.poll(watched.id);
    expect(fake.requestsTo('statuses/:id/history')).toHaveLength(1);

    // A new process: a new source with nothing remembered; the archive holds the edit.
    jobs.entry.source = configuredSource();
    fake.requests.splice(0);
    expect(await jobs.poll(watched.id, { recheck: true })).toMatchObject({ outcome: 'complete', versionsNew: 0 });
    expect(fake.requestsTo('statuses/:id')).toHaveLength(3);
    expect(fake.requestsTo('statuses/:id/history')).toHaveLength(0);

    // Without the archive's answer a new source reads that history once more (what the wiring avoids).
    const forgetful = sourceFor([fake]);
    opened.push(forgetful);
    jobs.entry.source = forgetful;
    fake.requests.splice(0);
    expect(await jobs.poll(watched.id, { recheck: true })).toMatchObject({ outcome: 'complete', versionsNew: 0 });
    expect(fake.requestsTo('statuses/:id/history')).toHaveLength(1);
    jobs.entry.source = configuredSource();
  });

  it('an edit that changes nothing archived is no version, and its history is not read again', async () => {
    const { statuses } = fake.seedAccount({ username: 'same_words', statuses: 1, start: new Date().toISOString() });
    fake.edit(statuses[0]!.id, { text: 'Statement 1 of the office.' });
    const watched = await watch('same_words@gov.example');
    expect(await jobs.poll(watched.id)).toMatchObject({ outcome: 'complete', postsNew: 1, versionsNew: 1 });
    const platformId = `gov.example:${statuses[0]!.id}`;
    const post = await getDb().prisma.post.findFirstOrThrow({ where: { platform: 'mastodon', platformId } });
    const editId = post.editIds.find((id) => id.includes('@'))!;
    expect(post.editIds).toEqual([platformId, editId]);
    expect(await getDb().prisma.postVersion.count({ where: { versionId: editId } })).toBe(0);
    const known = await createPostsRepository(getDb().prisma).knownVersionIds('mastodon', [editId, `${platformId}x`]);
    expect([...known]).toEqual([editId]);

    jobs.entry.source = configuredSource();
    fake.requests.splice(0);
    await jobs.poll(watched.id, { recheck: true });
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['accounts/:id/statuses', 'statuses/:id']);
  });

  it('boosted statuses belong to their authors: archived Mastodon accounts, local or of other servers', async () => {
    const { account } = fake.seedAccount({ username: 'boosting_office', statuses: 1 });
    const mayor = fake.addAccount({ username: 'mayor', domain: 'city.example', displayName: 'Mayor of the City' });
    const harbour = fake.addAccount({ username: 'harbour', displayName: 'Harbour Authority' });
    const remote = fake.publish({ account: mayor, text: 'The city supports the harbour works.' });
    const local = fake.publish({ account: harbour, text: 'North gate closes on Monday.' });
    fake.publish({ account, boostOf: remote });
    const watched = await watch('boosting_office@gov.example');
    expect(await jobs.poll(watched.id)).toMatchObject({ outcome: 'complete', postsNew: 3 });
    fake.publish({ account, boostOf: local });
    expect(await jobs.poll(watched.id)).toMatchObject({ outcome: 'complete', postsNew: 2 });

    const db = getDb().prisma;
    const accounts = await db.account.findMany({ orderBy: { id: 'asc' } });
    expect(accounts.map((a) => [a.platform, a.handle, a.platformUserId, a.status, a.displayName])).toEqual([
      ['mastodon', 'boosting_office@gov.example', `gov.example:${account.id}`, 'active', expect.any(String)],
      ['mastodon', 'mayor@city.example', `gov.example:${mayor.id}`, 'archived', 'Mayor of the City'],
      ['mastodon', 'harbour@gov.example', `gov.example:${harbour.id}`, 'archived', 'Harbour Authority'],
    ]);
    const owner = async (id: string) =>
      (await db.post.findFirstOrThrow({ where: { platform: 'mastodon', platformId: `gov.example:${id}` } })).accountId;
    expect(await owner(remote.id)).toBe(accounts[1]!.id);
    expect(await owner(local.id)).toBe(accounts[2]!.id);
    // Only the boost is news of the watched account, not the boosted status.
    const events = await db.event.findMany({ where: { kind: 'new' }, include: { post: true } });
    expect(events.map((e) => [e.post!.accountId, e.post!.repostOf])).toEqual([[watched.id, `gov.example:${local.id}`]]);
  });
});

describe('an article embedding Mastodon posts', () => {
  it('links to the archived post and to a cited one it looks up (with its edit history)', async () => {
    const { statuses } = fake.seedAccount({ username: 'minister', statuses: 1 });
    const press = fake.addAccount({ username: 'press', displayName: 'Press Office' });
    const cited = fake.publish({ account: press, text: 'Detour signs go up on Sunday.' });
    fake.edit(cited.id, { text: 'Detour signs go up on Saturday.' });
    const watched = await watch('minister@gov.example');
    await jobs.poll(watched.id);
    const archived = statuses[0]!;
    const article = `<!doctype html><html><head><title>Detours around the harbour</title></head><body><article>
      <p>The minister confirmed the closure of the north gate in a post on Wednesday.</p>
      <iframe src="https://gov.example/@minister/${archived.id}/embed" class="mastodon-embed"></iframe>
      <p>The press office then announced when the detour signs would appear.</p>
      <blockquote class="mastodon-embed" data-embed-url="https://gov.example/@press/${cited.id}/embed">
        <a href="https://gov.example/@press/${cited.id}" target="_blank">Post by @press@gov.example</a></blockquote>
      <p>A fan site (https://fans.example/@harbour/${cited.id}) copied it.</p>
    </article></body></html>`;
    fake.requests.splice(0);
    const { references } = await addArticle(
      {
        prisma: getDb().prisma,
        detectors: createCitationDetectors(),
        logger,
        clock: systemClock,
        fetchPage: async () => {
          throw new FetchRefused('no network in this test');
        },
        postSources: [jobs.entry.source],
      },
      { source: article, url: 'https://news.example/detours' },
    );
    expect(references.map((r) => [r.kind, r.post.id, r.post.account ?? null, r.status])).toEqual([
      ['embed', `gov.example:${archived.id}`, `mastodon:minister@gov.example`, 'resolved'],
      ['embed', `gov.example:${cited.id}`, null, 'resolved'],
    ]);
    // The cited status was looked up, then its history read: the lookup followed its next page.
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['statuses/:id', 'statuses/:id/history']);
    expect(await versionTexts(`gov.example:${cited.id}`)).toEqual([
      'Detour signs go up on Sunday.',
      'Detour signs go up on Saturday.',
    ]);
  });
});
