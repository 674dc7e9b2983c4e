// A Mastodon account as a user watches it: bin/onrecord in child processes
// against the fake Mastodon server (reached through MASTODON_BASE_URLS, its
// token given in MASTODON_TOKENS: the server answers only authorized
// clients) and a real PostgreSQL, no X token at all. accounts add, poll
// --once (backfill, then one request for an unchanged account, an edit, a
// deletion noticed by the re-check), posts show by ID and by status URL,
// search, an article embedding a post; then the post page and the account's
// feed served by the HTTP app over the same database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const TOKEN = 'e2e-mastodon-token-7d41';
const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-mastodon-'));
let fake: RunningFakeMastodon;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example', tokens: [TOKEN], requireToken: true });
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function onrecord(args: string[], extra: Record<string, string> = {}) {
  const env = {
    ...process.env,
    DATABASE_URL: db().url,
    MASTODON_BASE_URLS: `gov.example=${fake.url}`,
    MASTODON_TOKENS: `gov.example=${TOKEN}`,
    X_BEARER_TOKEN: '',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  return run(process.execPath, [BIN, ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

async function json(args: string[], extra: Record<string, string> = {}) {
  const result = await onrecord([...args, '--json'], extra);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** What a poll may write. */
async function counts() {
  const p = db().prisma;
  const [posts, versions, captures, events] = await Promise.all([
    p.post.count(),
    p.postVersion.count(),
    p.capture.count(),
    p.event.count(),
  ]);
  return { posts, versions, captures, events };
}

async function versionTexts(platformId: string): Promise<string[]> {
  const post = await db().prisma.post.findFirstOrThrow({ where: { platform: 'mastodon', platformId } });
  const versions = await db().prisma.postVersion.findMany({
    where: { postId: post.id },
    orderBy: { createdAt: 'asc' },
  });
  return versions.map((v) => v.text);
}

describe('a Mastodon account through bin/onrecord', () => {
  it('is added, polled, shown, searched, edited, deleted and cited', async () => {
    const { account, statuses } = fake.seedAccount({
      username: 'minister',
      displayName: 'Minister of Harbours',
      statuses: 44,
      start: new Date(Date.now() - 60 * 60_000).toISOString(),
    });
    const gate = fake.publish({ account, text: 'The north gate of the harbour closes on Monday. #Harbour' });
    fake.edit(statuses[0]!.id, { text: 'Statement 1, corrected before the first poll.' });

    expect(await json(['accounts', 'add', 'mastodon:@minister@gov.example'])).toMatchObject({
      account: 'mastodon:minister@gov.example',
      platform: 'mastodon',
      every: '1m',
      created: true,
      blocked: null,
    });

    // Backfill: 45 statuses over two timeline pages, one edit history; the token travels, never the logs.
    const first = await onrecord(['poll', '--once', '--json'], { LOG_LEVEL: 'debug' });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      ok: true,
      polls: [{ account: 'mastodon:minister@gov.example', outcome: 'complete', postsNew: 45, versionsNew: 46 }],
    });
    expect(fake.requests.every((r) => r.authorized)).toBe(true);
    expect(`${first.stdout}${first.stderr}`).not.toContain(TOKEN);

    const gateId = `gov.example:${gate.id}`;
    const shown = await json(['posts', 'show', `mastodon:${gateId}`]);
    expect(shown).toMatchObject({
      id: gateId,
      platform: 'mastodon',
      account: 'mastodon:minister@gov.example',
      text: 'The north gate of the harbour closes on Monday. #Harbour',
      url: `https://gov.example/@minister/${gate.id}`,
      status: 'available',
    });
    const byUrl = await json(['posts', 'show', `mastodon:https://gov.example/@minister/${gate.id}`]);
    expect(byUrl.id).toBe(gateId);
    expect(await versionTexts(`gov.example:${statuses[0]!.id}`)).toEqual([
      'Statement 1 of the office.',
      'Statement 1, corrected before the first poll.',
    ]);

    const hits = await json(['search', 'north gate', '--platform', 'mastodon']);
    expect(hits.map((h: { id: string; account: string }) => [h.id, h.account])).toEqual([
      [gateId, 'mastodon:minister@gov.example'],
    ]);

    // Nothing new: one request, nothing written.
    const before = await counts();
    fake.requests.splice(0);
    expect(await json(['poll', '--once'])).toMatchObject({
      polls: [{ outcome: 'complete', requests: 1, postsNew: 0, versionsNew: 0 }],
    });
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['accounts/:id/statuses']);
    expect(await counts()).toEqual(before);

    // An edit found by the re-check is a version and an `edited` event; a deletion becomes `deleted`.
    fake.edit(gate.id, { text: 'The north gate of the harbour closes on Tuesday. #Harbour' });
    fake.delete(statuses[43]!.id);
    expect(await json(['poll', '--once', '--recheck'])).toMatchObject({
      polls: [{ outcome: 'complete', versionsNew: 1, deleted: 1 }],
    });
    expect(await versionTexts(gateId)).toEqual([
      'The north gate of the harbour closes on Monday. #Harbour',
      'The north gate of the harbour closes on Tuesday. #Harbour',
    ]);
    const gone = await db().prisma.post.findFirstOrThrow({
      where: { platform: 'mastodon', platformId: `gov.example:${statuses[43]!.id}` },
    });
    expect(gone.status).toBe('deleted');
    const events = await db().prisma.event.findMany({ where: { kind: { in: ['edited', 'deleted'] } } });
    expect(events.map((e) => e.dedupeKey.split(':').slice(0, 2).join(':')).sort()).toEqual([
      'deleted:mastodon',
      'edited:mastodon',
    ]);

    // An article embedding the post links to it.
    const page = join(dir, 'article.html');
    writeFileSync(
      page,
      `<!doctype html><html><head><title>Harbour gate closes</title></head><body><article>
      <p>The ministry moved the closure of the north gate by a day, as its post on Mastodon shows.</p>
      <blockquote class="mastodon-embed" data-embed-url="https://gov.example/@minister/${gate.id}/embed">
        <a href="https://gov.example/@minister/${gate.id}" target="_blank">Post by @minister@gov.example</a>
      </blockquote></article></body></html>`,
    );
    const article = await json(['articles', 'add', page, '--url', 'https://news.example/harbour-gate']);
    expect(article.references.map((r: { kind: string; post: { id: string }; status: string }) => r)).toMatchObject([
      { kind: 'embed', status: 'resolved', post: { id: gateId, account: 'mastodon:minister@gov.example' } },
    ]);

    // The post page with its original link, the account page and the account's feed.
    const app = await buildTestApp(db(), { MASTODON_BASE_URLS: `gov.example=${fake.url}` });
    try {
      const post = await app.inject({ url: `/posts/mastodon/${encodeURIComponent(gateId)}` });
      expect(post.statusCode).toBe(200);
      expect(post.body).toContain('closes on Tuesday');
      expect(post.body).toContain(`https://gov.example/@minister/${gate.id}`);
      expect(post.body).toMatch(/>on Mastodon<\/a/);
      const accountPage = await app.inject({ url: '/accounts/mastodon/minister%40gov.example' });
      expect(accountPage.statusCode).toBe(200);
      expect(accountPage.body).toContain('closes on Tuesday');
      const feed = await app.inject({ url: '/feeds/accounts/mastodon/minister%40gov.example.atom' });
      expect(feed.statusCode).toBe(200);
      expect(feed.body).toContain('closes on Tuesday');
      expect(feed.body).toContain(`https://gov.example/@minister/${gate.id}`);
    } finally {
      await app.close();
    }
  }, 400_000);

  it('a server that refuses clients without a token fails that account clearly, naming MASTODON_TOKENS', async () => {
    fake.seedAccount({ username: 'closed_office', statuses: 1 });
    await json(['accounts', 'add', 'mastodon:closed_office@gov.example']);
    const refused = await onrecord(['poll', '--once', '--json', '--account', 'mastodon:closed_office@gov.example'], {
      MASTODON_TOKENS: '',
    });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      ok: false,
      polls: [{ outcome: 'failed', error: { code: 'auth', message: expect.stringContaining('MASTODON_TOKENS') } }],
    });
    const badConfig = await onrecord(['poll', '--once'], { MASTODON_TOKENS: 'gov.example' });
    expect([badConfig.code, badConfig.stderr.trim()]).toEqual([
      1,
      'onrecord: invalid configuration: MASTODON_TOKENS: item 1 is not server=value (e.g. gov.example=...) [config]',
    ]);
  }, 150_000);
});
