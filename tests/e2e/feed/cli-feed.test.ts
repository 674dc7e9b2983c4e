// A press-release feed as a user runs it: bin/onrecord in child processes
// against the fake feed server (on 127.0.0.1, reached only because the test
// sets ONRECORD_ALLOW_PRIVATE_FETCH) and a real PostgreSQL. Add the feed,
// poll it, show a release by its ID, search it, poll again (one 304, nothing
// written), a corrected release (a new version and an `edited` event), an
// article linking a release, then the post page and the account's pages and
// feed served by the HTTP app over the same database.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { useTestDatabase } from '../../helpers/database.js';
import { startFakeFeeds, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { pressReleases } from '../../fake-feeds/press-releases.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const PATH = '/coastal-affairs/press.rss';
const LINK_2 = 'https://coast.nordvale.example/news/2-ferry-timetable';
const db = useTestDatabase();
let fake: RunningFakeFeeds;
let dir: string;

beforeAll(async () => {
  fake = await startFakeFeeds();
  dir = await mkdtemp(join(tmpdir(), 'onrecord-feed-e2e-'));
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

async function onrecord(args: string[], env: Record<string, string> = {}) {
  const childEnv = {
    ...process.env,
    DATABASE_URL: db().url,
    ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
    LOG_LEVEL: 'warn',
    ...env,
  };
  return run(process.execPath, [BIN, ...args], { env: childEnv }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

async function json(args: string[], env: Record<string, string> = {}) {
  const out = await onrecord([...args, '--json'], env);
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout);
}

describe('onrecord with a press-release feed', () => {
  it('accounts add feed:<url>, poll, posts show, search, an unchanged feed, a corrected release, an article', async () => {
    const url = fake.addFeed({
      path: PATH,
      format: 'rss',
      title: 'Ministry of Coastal Affairs',
      items: pressReleases(3),
    });
    const account = `feed:${url}`;
    expect(await json(['accounts', 'add', account])).toMatchObject({ account, status: 'active', created: true });

    // Without the setting, the fake's private address is refused: nothing is fetched from it.
    const refused = await onrecord(['poll', '--once', '--json'], { ONRECORD_ALLOW_PRIVATE_FETCH: 'false' });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).polls).toEqual([
      expect.objectContaining({
        account,
        outcome: 'failed',
        error: { code: 'fetch_refused', message: '127.0.0.1 is not a public address' },
      }),
    ]);
    expect(fake.requestsTo(PATH)).toEqual([]);

    const polled = await json(['poll', '--once']);
    expect(polled.polls).toEqual([expect.objectContaining({ account, outcome: 'complete', postsNew: 3 })]);

    const id = feedPostId(url, 'urn:nordvale:press:2');
    const shown = await json(['posts', 'show', `feed:${id}`]);
    expect(shown).toMatchObject({
      id,
      platform: 'feed',
      account,
      url: LINK_2,
      createdAt: '2026-03-19T09:30:00.000Z',
      editIds: [id],
      versionCount: 1,
    });
    expect(shown.text.split('\n')[0]).toBe('Winter ferry timetable published (2)');
    expect(shown.captures).toEqual([expect.objectContaining({ source: 'feed:items', requestUrl: url })]);

    const found = await json(['search', 'ferry timetable', '--platform', 'feed']);
    expect(found.map((p: { id: string }) => p.id)).toEqual([id]);
    const text = await onrecord(['search', 'ferry timetable', '--account', account]);
    expect(text.stdout).toContain('Winter ferry timetable published (2)');

    // Nothing new: one conditional request that answers 304, and nothing written.
    const before = await db().prisma.postVersion.count();
    const again = await json(['poll', '--once']);
    expect(again.polls).toEqual([expect.objectContaining({ outcome: 'complete', requests: 1, postsNew: 0 })]);
    expect(fake.requestsTo(PATH).at(-1)!.status).toBe(304);
    expect(await db().prisma.postVersion.count()).toBe(before);

    fake.changeItem(PATH, 'urn:nordvale:press:2', { title: 'Winter ferry timetable published (corrected)' });
    const changed = await json(['poll', '--once']);
    expect(changed.polls).toEqual([expect.objectContaining({ outcome: 'complete', postsNew: 0, versionsNew: 1 })]);
    const corrected = await json(['posts', 'show', `feed:${id}`]);
    expect(corrected.text.split('\n')[0]).toBe('Winter ferry timetable published (corrected)');
    expect(corrected.versions.map((v: { text: string }) => v.text.split('\n')[0])).toEqual([
      'Winter ferry timetable published (2)',
      'Winter ferry timetable published (corrected)',
    ]);
    const events = await db().prisma.event.findMany({ where: { kind: 'edited' } });
    expect(events.map((e) => e.dedupeKey)).toEqual([`edited:feed:${corrected.versions[1].versionId}`]);

    const file = join(dir, 'article.html');
    await writeFile(
      file,
      `<!doctype html><html><head><title>Ferries keep winter hours</title></head><body><article>
<h1>Ferries keep winter hours</h1><p>The ministry <a href="${LINK_2}?utm_source=newsletter">published the
timetable</a> on Thursday, after weeks of talks with the island councils about the crossing times.</p>
</article></body></html>`,
    );
    const linked = await json(['articles', 'add', file]);
    expect(linked.references).toEqual([
      expect.objectContaining({ kind: 'link', status: 'resolved', post: expect.objectContaining({ id }) }),
    ]);

    const app = await buildTestApp(db());
    try {
      const page = await app.inject({ url: `/posts/feed/${id}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Winter ferry timetable published (corrected)');
      expect(page.body).toContain(`href="${LINK_2}"`);
      const accountPath = `/accounts/feed/${encodeURIComponent(url)}`;
      expect(page.body).toContain(`href="${accountPath}"`);
      const accountPage = await app.inject({ url: accountPath });
      expect(accountPage.statusCode).toBe(200);
      expect(accountPage.body).toContain('Harbour dredging to resume in the spring (1)');
      const feed = await app.inject({ url: `/feeds/accounts/feed/${encodeURIComponent(url)}.json` });
      expect(feed.statusCode).toBe(200);
      const items = (JSON.parse(feed.body) as { items: { id: string; external_url: string }[] }).items;
      expect(items.map((i) => i.external_url)).toEqual([
        'https://coast.nordvale.example/news/3-flood-barrier',
        LINK_2,
        'https://coast.nordvale.example/news/1-harbour-dredging',
      ]);
    } finally {
      await app.close();
    }
  }, 600_000); // ten runs of the CLI, each a few seconds on an idle machine, many more under load
});
