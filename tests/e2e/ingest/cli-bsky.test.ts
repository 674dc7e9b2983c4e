// A Bluesky account as a user watches it: bin/onrecord in child processes,
// the local AppView found through BSKY_APPVIEW_URL (no credentials, and no X
// token either), a real PostgreSQL. Add, poll, show by AT URI and by bsky.app
// permalink, search, poll again for nothing, notice a deletion, follow a
// handle change, link the article of an embed, and write and verify the
// post's evidence bundle.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import type { FakeActor, FakeRecord } from '../../fake-bsky/fake-bsky-state.js';
import { harbourReport } from '../../fixtures/bsky/articles.js';
import { tableCounts } from '../../integration/ingest/poll-harness.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const HANDLE = 'ministry.example.gov';
/** Each command is a process that loads the sources through tsx: seconds each on a busy machine. */
const CLI_TIMEOUT_MS = 300_000;
const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-bsky-'));
let fake: RunningFakeBsky;
let actor: FakeActor;
let posts: FakeRecord[];

beforeAll(async () => {
  fake = await startFakeBsky();
  // Recent posts, so that a re-check (the last three days) looks them up again.
  const seeded = fake.seedAccount({
    handle: HANDLE,
    displayName: 'Ministry of Harbours',
    posts: 120,
    start: new Date(Date.now() - 6 * 3_600_000).toISOString(),
    everyMs: 60_000,
    text: (i) => (i === 7 ? 'Dredging of the north channel begins today.' : `Harbour notice number ${i + 1}.`),
  });
  actor = seeded.actor;
  posts = seeded.posts;
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function onrecord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    DATABASE_URL: db().url,
    BSKY_APPVIEW_URL: fake.url,
    X_BEARER_TOKEN: '',
    ONRECORD_DATA_DIR: dir,
    ONRECORD_ALLOW_PRIVATE_FETCH: 'false',
    LOG_LEVEL: 'warn',
  };
  return run(process.execPath, [BIN, ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

async function json(...args: string[]) {
  const result = await onrecord(...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const rkey = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);

describe('a Bluesky account through the command line', () => {
  it(
    'is added by handle, is not blocked without any credentials, and its poll archives every post',
    async () => {
      expect(await json('accounts', 'add', 'bsky:@Ministry.Example.GOV', '--json')).toMatchObject({
        account: `bsky:${HANDLE}`,
        platform: 'bsky',
        status: 'active',
        blocked: null,
        created: true,
      });
      const polled = await json('poll', '--once', '--json');
      expect(polled).toMatchObject({
        ok: true,
        polls: [{ account: `bsky:${HANDLE}`, outcome: 'complete', postsNew: 120, versionsNew: 120, problems: 0 }],
      });
      expect((await json('accounts', 'list', '--json'))[0]).toMatchObject({ platformUserId: actor.did, blocked: null });
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'shows a post by its AT URI and by its bsky.app permalink',
    async () => {
      const post = posts[7]!;
      const shown = await json('posts', 'show', `bsky:${post.uri}`, '--json');
      expect(shown).toMatchObject({
        id: post.uri,
        platform: 'bsky',
        account: `bsky:${HANDLE}`,
        text: 'Dredging of the north channel begins today.',
        status: 'available',
        url: `https://bsky.app/profile/${actor.did}/post/${rkey(post.uri)}`,
      });
      expect(shown.versions.map((v: { versionId: string }) => v.versionId)).toEqual([`${post.uri}#${post.cid}`]);
      const permalink = `https://bsky.app/profile/${HANDLE}/post/${rkey(post.uri)}?ref_src=embed`;
      expect((await json('posts', 'show', `bsky:${permalink}`, '--json')).id).toBe(post.uri);
      const unknown = await onrecord('posts', 'show', `bsky:https://bsky.app/profile/nobody.example.org/post/3mfxa`);
      expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('no archived post')]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'finds the posts in search, by words and by platform',
    async () => {
      const hits = await json('search', 'dredging channel', '--json');
      expect(hits.map((h: { id: string; platform: string }) => [h.platform, h.id])).toEqual([['bsky', posts[7]!.uri]]);
      const all = await json('search', '--platform', 'bsky', '--account', `bsky:${HANDLE}`, '--limit', '200', '--json');
      expect(all).toHaveLength(120);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'polls an unchanged account with one request and writes nothing',
    async () => {
      const before = await tableCounts(db());
      fake.requests.splice(0);
      const polled = await json('poll', '--once', '--json');
      expect(polled.polls).toMatchObject([{ outcome: 'complete', requests: 1, postsNew: 0, versionsNew: 0 }]);
      expect(fake.requestsTo().map((r) => r.nsid)).toEqual(['app.bsky.feed.getAuthorFeed']);
      expect(await tableCounts(db())).toEqual(before);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'notices a deletion on a re-check',
    async () => {
      fake.deleteRecord(posts[3]!.uri);
      const polled = await json('poll', '--once', '--recheck', '--json');
      expect(polled.polls).toMatchObject([{ outcome: 'complete', deleted: 1 }]);
      expect(await json('posts', 'show', `bsky:${posts[3]!.uri}`, '--json')).toMatchObject({ status: 'deleted' });
      expect((await json('search', '--deleted', '--json')).map((h: { id: string }) => h.id)).toEqual([posts[3]!.uri]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'follows a handle change by DID',
    async () => {
      fake.changeHandle(actor.did, 'harbours.example.gov');
      await json('poll', '--once', '--refresh-user', '--json');
      expect((await json('accounts', 'list', '--json'))[0]).toMatchObject({
        account: 'bsky:harbours.example.gov',
        platformUserId: actor.did,
        handles: [HANDLE, 'harbours.example.gov'],
      });
      // A permalink by the former handle still names the post.
      const old = `https://bsky.app/profile/${HANDLE}/post/${rkey(posts[7]!.uri)}`;
      expect((await json('posts', 'show', `bsky:${old}`, '--json')).id).toBe(posts[7]!.uri);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'links the article of a Bluesky embed to its post',
    async () => {
      const [embedded, linked] = [posts[7]!, posts[8]!];
      const page = harbourReport(
        {
          uri: embedded.uri,
          cid: embedded.cid,
          did: actor.did,
          handle: 'harbours.example.gov',
          displayName: 'Ministry of Harbours',
          text: 'Dredging of the north channel begins today.',
          printedAt: 'March 4, 2026 at 12:14 PM',
        },
        { handle: 'harbours.example.gov', uri: linked.uri },
      );
      writeFileSync(join(dir, 'harbour.html'), page);
      const article = await json('articles', 'add', join(dir, 'harbour.html'), '--json');
      expect(
        article.references.map((r: { post: { id: string }; kind: string; evidence: { form: string } }) => [
          r.post.id,
          r.kind,
          r.evidence.form,
        ]),
      ).toEqual([
        [embedded.uri, 'embed', 'embed-markup'],
        [linked.uri, 'link', 'link'],
      ]);
      const shown = await json('posts', 'show', `bsky:${embedded.uri}`, '--json');
      expect(shown.articles).toMatchObject([{ id: article.id, kind: 'embed' }]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'writes the post’s evidence bundle, which verifies offline',
    async () => {
      const zip = join(dir, 'post.zip');
      const written = await onrecord('evidence', `bsky:${posts[7]!.uri}`, '--out', zip);
      expect(written.code, written.stderr).toBe(0);
      const check = await json('verify', zip, '--json');
      expect(check).toMatchObject({ ok: true, problems: [], post: { platform: 'bsky', platformId: posts[7]!.uri } });
    },
    CLI_TIMEOUT_MS,
  );
});
