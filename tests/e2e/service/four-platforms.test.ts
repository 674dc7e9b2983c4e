// One account on each platform at once, as a newcomer sets them up: X,
// Bluesky, a Mastodon server and a press-release feed, each played by its
// local fake, a real PostgreSQL, a webhook receiver. `accounts add` for each
// and an alert rule; `poll --once` through bin/onrecord (a backfill, then one
// new post per platform); every post found by search (CLI and API), on its
// account's page, in its account's Atom and JSON feeds (read by a feed
// parser), and each new post alerted once; then an edit (Mastodon, feed), two
// deletions (X, Bluesky) and a poll with re-check: versions and deletions
// show in search, pages, feeds and alerts.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { parseFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccounts } from '../../../src/cli/commands/accounts.js';
import { registerAlerts } from '../../../src/cli/commands/alerts.js';
import { registerPosts } from '../../../src/cli/commands/posts.js';
import { registerSearch } from '../../../src/cli/commands/search.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { feedPostId } from '../../../src/core/feed-normalize.js';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { startReceiver, type Receiver } from '../../integration/alerts/harness.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import { startFakeFeeds, type RunningFakeFeeds } from '../../fake-feeds/fake-feed-server.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const BASE = 'http://onrecord.test';
const WORD = 'lighthouse';
const FEED_PATH = '/harbour/press.rss';
const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-four-'));
let fakes: { x: RunningFakeX; bsky: RunningFakeBsky; mastodon: RunningFakeMastodon; feeds: RunningFakeFeeds };
let hook: Receiver;

beforeAll(async () => {
  const [x, bsky, mastodon, feeds] = await Promise.all([
    startFakeX({ tls: false }),
    startFakeBsky(),
    startFakeMastodon({ domain: 'gov.example' }),
    startFakeFeeds(),
  ]);
  fakes = { x, bsky, mastodon, feeds };
  hook = await startReceiver();
});
afterAll(async () => {
  await Promise.all([...Object.values(fakes ?? {}).map((f) => f.close()), hook?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  DATABASE_URL: db().url,
  X_API_BASE_URL: fakes.x.url,
  X_BEARER_TOKEN: fakes.x.bearerToken,
  BSKY_APPVIEW_URL: fakes.bsky.url,
  MASTODON_BASE_URLS: `gov.example=${fakes.mastodon.url}`,
  ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
  ONRECORD_ALLOW_PRIVATE_TARGETS: 'true',
  ONRECORD_DATA_DIR: dir,
  LOG_LEVEL: 'warn',
});

/** `poll --once` through bin/onrecord, as a user runs it. */
async function poll(...extra: string[]) {
  const out = await run(process.execPath, [BIN, 'poll', '--once', '--json', ...extra], { env: env() }).catch(
    (err: { stdout: string; stderr: string }) => {
      throw new Error(`poll failed: ${err.stderr}\n${err.stdout}`);
    },
  );
  return JSON.parse(out.stdout) as { ok: boolean; polls: Record<string, unknown>[]; alerts: { delivered: number } };
}

/** The same command tree as bin/onrecord, in this process (a child costs seconds on a busy machine). */
async function cli(...args: string[]) {
  let stdout = '';
  const io = {
    stdout: new Writable({ write: (chunk, _enc, cb) => void ((stdout += String(chunk)), cb()) }),
    stderr: new Writable({ write: (_chunk, _enc, cb) => cb() }),
    isTty: false,
  };
  const program = new Command('onrecord').exitOverride();
  const rt = createRuntime(io, env());
  for (const register of [registerAccounts, registerAlerts, registerSearch, registerPosts]) register(program, rt);
  await program.parseAsync([...args, '--json'], { from: 'user' });
  return JSON.parse(stdout);
}

interface Channel {
  ref: string;
  platform: string;
  handle: string;
  /** Archive IDs of its posts so far, and their texts. */
  posts: { id: string; text: string }[];
  publish(text: string): string;
}

const text = (platform: string, n: number) => `The ${WORD} of the north pier is relit, notice ${platform} ${n}.`;

function channels(): Channel[] {
  const { x, bsky, mastodon, feeds } = fakes;
  const start = new Date(Date.now() - 3_600_000).toISOString();
  const xUser = x.seedAccount({ username: 'HarbourOffice', posts: 2, start, text: (i) => text('x', i) });
  const bskyUser = bsky.seedAccount({ handle: 'harbour.gov.example', posts: 2, start, text: (i) => text('bsky', i) });
  const masto = mastodon.seedAccount({ username: 'harbour', statuses: 2, start, text: (i) => text('mastodon', i) });
  const item = (n: number) => ({
    id: `urn:harbour:${n}`,
    title: `Press release ${n}`,
    html: `<p>${text('feed', n)}</p>`,
    link: `https://harbour.gov.example/press/${n}`,
    publishedAt: new Date(Date.parse(start) + n * 60_000).toISOString(),
  });
  const feedUrl = feeds.addFeed({ path: FEED_PATH, format: 'rss', items: [item(1), item(0)] });
  let next = 2;
  const feedId = (n: number) => feedPostId(feedUrl, `urn:harbour:${n}`);
  return [
    {
      ref: 'x:HarbourOffice',
      platform: 'x',
      handle: 'HarbourOffice',
      posts: xUser.posts.map((p, i) => ({ id: p.id, text: text('x', i) })),
      publish: (t) => x.addPost({ author: xUser.user.id, text: t }).id,
    },
    {
      ref: 'bsky:harbour.gov.example',
      platform: 'bsky',
      handle: 'harbour.gov.example',
      posts: bskyUser.posts.map((p, i) => ({ id: p.uri, text: text('bsky', i) })),
      publish: (t) => bsky.publish(bskyUser.actor.did, { text: t }).uri,
    },
    {
      ref: 'mastodon:@harbour@gov.example',
      platform: 'mastodon',
      handle: 'harbour@gov.example',
      posts: masto.statuses.map((s, i) => ({ id: `gov.example:${s.id}`, text: text('mastodon', i) })),
      publish: (t) => `gov.example:${mastodon.publish({ account: masto.account, text: t }).id}`,
    },
    {
      ref: `feed:${feedUrl}`,
      platform: 'feed',
      handle: feedUrl,
      posts: [0, 1].map((n) => ({ id: feedId(n), text: text('feed', n) })),
      publish: (t) => {
        feeds.addItem(FEED_PATH, { ...item(next), html: `<p>${t}</p>` });
        return feedId(next++);
      },
    },
  ];
}

const idsOf = (hits: { platform: string; id: string }[]) => hits.map((h) => `${h.platform} ${h.id}`).sort();
const pathOf = (c: Channel) => `${encodeURIComponent(c.platform)}/${encodeURIComponent(c.handle)}`;

/** Every post of every channel by the CLI's search and the API's, by its account page and in its feeds. */
async function expectEverywhere(app: FastifyInstance, all: Channel[]) {
  const expected = all.flatMap((c) => c.posts.map((p) => `${c.platform} ${p.id}`)).sort();
  expect(idsOf(await cli('search', WORD, '--limit', '100'))).toEqual(expected);
  const api = await app.inject({ url: `/api/posts?q=${WORD}&limit=100` });
  expect(idsOf(api.json<{ posts: { platform: string; id: string }[] }>().posts)).toEqual(expected);
  for (const c of all) {
    const page = await app.inject({ url: `/accounts/${pathOf(c)}` });
    expect(page.statusCode, c.ref).toBe(200);
    for (const post of c.posts) expect(page.body, c.ref).toContain(post.text);
    const links = c.posts.map((p) => `${BASE}/posts/${c.platform}/${encodeURIComponent(p.id)}`).sort();
    for (const format of ['atom', 'json'] as const) {
      const res = await app.inject({ url: `/feeds/accounts/${pathOf(c)}.${format}` });
      expect(res.statusCode, `${c.ref} ${format}`).toBe(200);
      const parsed = parseFeed(res.body);
      const entries: { link?: string; texts: string }[] =
        parsed.format === 'atom'
          ? (parsed.feed.entries ?? []).map((e) => ({
              link: e.links?.find((l) => l.rel === undefined || l.rel === 'alternate')?.href,
              texts: JSON.stringify(e),
            }))
          : parsed.format === 'json'
            ? (parsed.feed.items ?? []).map((i) => ({ link: i.url, texts: JSON.stringify(i) }))
            : [];
      expect(parsed.format).toBe(format);
      expect(entries.map((e) => e.link).sort(), `${c.ref} ${format}`).toEqual(links);
      for (const post of c.posts)
        expect(
          entries.some((e) => e.texts.includes(post.text)),
          post.text,
        ).toBe(true);
    }
  }
}

/** What the webhook received: [kind, platform id] per event, one delivery per request. */
const received = () =>
  hook.requests.flatMap((r) =>
    (JSON.parse(r.raw) as { events: { kind: string; post: { platform: string; id: string } }[] }).events.map(
      (e) => `${e.kind} ${e.post.platform} ${e.post.id}`,
    ),
  );

describe('one account on each of the four platforms', () => {
  it('archives every post, version and deletion, found in search, pages, feeds and alerts', async () => {
    const all = channels();
    for (const c of all)
      expect(await cli('accounts', 'add', c.ref)).toMatchObject({ platform: c.platform, created: true });
    await cli('alerts', 'add', '--webhook', hook.url, '--secret', 'harbour-secret', '--on', 'new,edited,deleted');

    // The backfill archives the posts already there and alerts nothing.
    const backfill = await poll();
    expect(backfill.ok).toBe(true);
    expect(backfill.polls.map((p) => [p.account, p.outcome, p.postsNew]).sort()).toEqual(
      all.map((c) => [c.ref.replace('mastodon:@', 'mastodon:'), 'complete', 2]).sort(),
    );
    expect(hook.requests).toEqual([]);

    // One new post on each platform: polled, archived, alerted once each.
    const fresh = all.map((c) => {
      const t = text(c.platform, 9);
      const id = c.publish(t);
      c.posts.push({ id, text: t });
      return `new ${c.platform} ${id}`;
    });
    const second = await poll();
    expect(second.polls.map((p) => p.postsNew)).toEqual([1, 1, 1, 1]);
    expect(second.alerts.delivered).toBe(4);
    expect(received().sort()).toEqual(fresh.sort());

    const app = await buildTestApp(db(), {
      BSKY_APPVIEW_URL: fakes.bsky.url,
      MASTODON_BASE_URLS: `gov.example=${fakes.mastodon.url}`,
    });
    try {
      await expectEverywhere(app, all);

      // A Mastodon edit and a corrected press release are versions; X and Bluesky deletions are noticed.
      const [x, bsky, masto, feed] = all as [Channel, Channel, Channel, Channel];
      const edited = { ...masto.posts[2]!, text: `The ${WORD} of the north pier is relit at dusk, notice mastodon 9.` };
      fakes.mastodon.edit(edited.id.split(':')[1]!, { text: edited.text });
      masto.posts[2] = edited;
      const corrected = { ...feed.posts[2]!, text: `The ${WORD} of the north pier is relit at dusk, notice feed 9.` };
      fakes.feeds.changeItem(FEED_PATH, 'urn:harbour:2', { html: `<p>${corrected.text}</p>` });
      feed.posts[2] = corrected;
      const [xGone, bskyGone] = [x.posts.pop()!, bsky.posts.pop()!];
      fakes.x.deletePost(xGone.id);
      fakes.bsky.deleteRecord(bskyGone.id);
      const third = await poll('--recheck');
      expect(third.ok).toBe(true);

      const history = async (platform: string, id: string) =>
        (
          await db().prisma.postVersion.findMany({
            where: { post: { platform, platformId: id } },
            orderBy: { createdAt: 'asc' },
          })
        ).map((v) => v.text);
      expect(await history('mastodon', edited.id)).toEqual([text('mastodon', 9), edited.text]);
      // A press release's text is its title, a blank line, then its content.
      expect(await history('feed', corrected.id)).toEqual([
        `Press release 2\n\n${text('feed', 9)}`,
        `Press release 2\n\n${corrected.text}`,
      ]);
      expect(idsOf(await cli('search', '--edited'))).toEqual([`feed ${corrected.id}`, `mastodon ${edited.id}`].sort());
      expect(idsOf(await cli('search', '--deleted'))).toEqual([`bsky ${bskyGone.id}`, `x ${xGone.id}`].sort());
      expect(await cli('posts', 'show', `x:${xGone.id}`)).toMatchObject({ status: 'deleted' });
      expect(received().slice(4).sort()).toEqual(
        [
          `deleted bsky ${bskyGone.id}`,
          `deleted x ${xGone.id}`,
          `edited feed ${corrected.id}`,
          `edited mastodon ${edited.id}`,
        ].sort(),
      );

      // Deleted posts stay in the archive (and its search), marked; the current text of each version is shown.
      x.posts.push(xGone);
      bsky.posts.push(bskyGone);
      await expectEverywhere(app, all);
      const gone = await app.inject({ url: `/posts/x/${xGone.id}` });
      expect(gone.body).toMatch(/deleted/i);
    } finally {
      await app.close();
    }
  }, 300_000); // each `poll --once` child loads the sources through tsx: seconds idle, much longer on a busy machine
});
