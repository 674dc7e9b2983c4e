// Versions of posts whose edits keep the post's ID (a Mastodon status edited
// in place, a feed item changed under its guid), stored through the one
// storage path on a real PostgreSQL: a version is one distinct content, keyed
// by what the platform's normalizer chooses (`<id>@<edited_at>` here), never
// read as a post ID. The normalized posts are written out by hand in the
// shape a normalizer gives; the captures are invented statuses.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository, type StoreBatchInput } from '../../../src/adapters/db/posts-repository.js';
import type { Platform } from '../../../src/core/platforms.js';
import type { NormalizedPost } from '../../../src/core/post-model.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf, idAt, page, tweet } from '../ingest/pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const MASTODON = 'mastodon' as Platform;
const STATUS_ID = '113250001112223334';
const POSTED = '2026-03-04T09:00:00.000Z';
const FIRST = 'The harbour office reopens the north quay at 14:00 today.';
const SECOND = 'The harbour office reopens the north quay at 16:00 today (revised).';

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A status as a Mastodon server serves it (own invented account and text). */
function statusBody(content: string, editedAt: string | null, extra: Record<string, unknown> = {}) {
  return {
    id: STATUS_ID,
    created_at: POSTED,
    edited_at: editedAt,
    content: `<p>${content}</p>`,
    url: `https://gov.example/@harbour/${STATUS_ID}`,
    account: { id: '110000000000000042', username: 'harbour', acct: 'harbour' },
    favourites_count: 0,
    ...extra,
  };
}

/** What a normalizer that keys versions `<id>@<edited_at or created_at>` gives for that status. */
function normalized(content: string, editedAt: string | null): NormalizedPost {
  const at = editedAt ?? POSTED;
  return {
    platform: MASTODON,
    platformId: STATUS_ID,
    versionId: `${STATUS_ID}@${at}`,
    editIds: [STATUS_ID],
    text: content,
    lang: 'en',
    versionCreatedAt: new Date(at),
    createdAt: new Date(POSTED),
    authorId: '110000000000000042',
    authorHandle: 'harbour@gov.example',
    authorName: 'Harbour Office',
    conversationId: null,
    inReplyToUserId: null,
    referencedPosts: [],
    urls: [],
    mentions: [],
    hashtags: [],
    cashtags: [],
    media: [],
    mediaKeys: [],
    repostOf: null,
    withheld: null,
    poll: null,
    geo: null,
    via: 'data',
    contentSha256: sha(JSON.stringify({ text: content })),
  };
}

async function newAccount(d: Database, platform: string, handle: string) {
  const accounts = createAccountsRepository(d.prisma);
  return (await accounts.add({ platform, handle, pollIntervalMs: 300_000 }, NOW)).account;
}

async function store(d: Database, accountId: number, body: unknown, posts: NormalizedPost[]) {
  const input: StoreBatchInput = {
    accountId,
    capture: {
      source: 'mastodon:timeline',
      requestUrl: 'https://gov.example/api/v1/accounts/110000000000000042/statuses',
      httpStatus: 200,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(body),
      capturedAt: NOW,
    },
    posts,
    problems: [],
    firstSeenBy: 'poll',
    raiseNew: true,
    now: NOW,
  };
  const repo = createPostsRepository(d.prisma);
  return d.prisma.$transaction((tx) => repo.storeBatch(input, tx));
}

async function snapshot(d: Database) {
  const post = await d.prisma.post.findFirstOrThrow({ where: { platform: 'mastodon', platformId: STATUS_ID } });
  const versions = await d.prisma.postVersion.findMany({ where: { postId: post.id }, orderBy: { id: 'asc' } });
  const events = await d.prisma.event.findMany({ orderBy: { id: 'asc' } });
  return {
    post: { text: post.text, editIds: post.editIds, versionCount: post.versionCount },
    versions: versions.map((v) => ({ versionId: v.versionId, text: v.text, createdAt: v.createdAt.toISOString() })),
    events: events.map((e) => e.dedupeKey),
    captures: await d.prisma.capture.count(),
  };
}

const T_EDIT = '2026-03-04T09:20:00.000Z';
const T_NOOP = '2026-03-04T09:40:00.000Z';
const T_BACK = '2026-03-04T10:00:00.000Z';

describe('versions of a platform whose edits keep the post ID', () => {
  beforeEach(() => truncateAll(db()));

  it('first sight, an edit, the same edit again, an edit that changed nothing, an edit back', async () => {
    const account = await newAccount(db(), 'mastodon', 'harbour@gov.example');

    const first = await store(db(), account.id, statusBody(FIRST, null), [normalized(FIRST, null)]);
    expect(first).toMatchObject({ postsNew: 1, versionsNew: 1, edited: 0, events: 1 });
    expect(await snapshot(db())).toEqual({
      post: { text: FIRST, editIds: [STATUS_ID], versionCount: 1 },
      versions: [{ versionId: `${STATUS_ID}@${POSTED}`, text: FIRST, createdAt: POSTED }],
      events: [`new:mastodon:${STATUS_ID}`],
      captures: 1,
    });

    const edit = await store(db(), account.id, statusBody(SECOND, T_EDIT), [normalized(SECOND, T_EDIT)]);
    expect(edit).toMatchObject({ postsNew: 0, versionsNew: 1, edited: 1, events: 1 });
    const afterEdit = await snapshot(db());
    expect(afterEdit).toEqual({
      post: { text: SECOND, editIds: [STATUS_ID], versionCount: 2 },
      versions: [
        { versionId: `${STATUS_ID}@${POSTED}`, text: FIRST, createdAt: POSTED },
        { versionId: `${STATUS_ID}@${T_EDIT}`, text: SECOND, createdAt: T_EDIT },
      ],
      events: [`new:mastodon:${STATUS_ID}`, `edited:mastodon:${STATUS_ID}@${T_EDIT}`],
      captures: 2,
    });
    const payload = (await db().prisma.event.findFirstOrThrow({ where: { kind: 'edited' } })).payload as {
      previousText: string;
      post: { text: string };
    };
    expect(payload).toMatchObject({ previousText: FIRST, post: { text: SECOND } });

    // The same edit read again, as the same body and as a body whose counters moved: no version, no event.
    const again = await store(db(), account.id, statusBody(SECOND, T_EDIT), [normalized(SECOND, T_EDIT)]);
    expect(again).toMatchObject({ captureExisted: true, postsNew: 0, versionsNew: 0, edited: 0, events: 0 });
    const counted = statusBody(SECOND, T_EDIT, { favourites_count: 12 });
    const recount = await store(db(), account.id, counted, [normalized(SECOND, T_EDIT)]);
    expect(recount).toMatchObject({ captureExisted: false, versionsNew: 0, edited: 0, events: 0 });
    expect(await snapshot(db())).toEqual({ ...afterEdit, captures: 3 });

    // An edit that changed nothing archived (same content, new edited_at) is not a version.
    const noop = await store(db(), account.id, statusBody(SECOND, T_NOOP), [normalized(SECOND, T_NOOP)]);
    expect(noop).toMatchObject({ versionsNew: 0, edited: 0, events: 0 });
    expect(await snapshot(db())).toEqual({ ...afterEdit, captures: 4 });

    // An edit back to the first content is a version of its own, raised once.
    const back = await store(db(), account.id, statusBody(FIRST, T_BACK), [normalized(FIRST, T_BACK)]);
    expect(back).toMatchObject({ versionsNew: 1, edited: 1, events: 1 });
    const final = await snapshot(db());
    expect(final.post).toEqual({ text: FIRST, editIds: [STATUS_ID], versionCount: 3 });
    expect(final.versions.map((v) => [v.versionId, v.text])).toEqual([
      [`${STATUS_ID}@${POSTED}`, FIRST],
      [`${STATUS_ID}@${T_EDIT}`, SECOND],
      [`${STATUS_ID}@${T_BACK}`, FIRST],
    ]);
    expect(final.events).toEqual([
      `new:mastodon:${STATUS_ID}`,
      `edited:mastodon:${STATUS_ID}@${T_EDIT}`,
      `edited:mastodon:${STATUS_ID}@${T_BACK}`,
    ]);

    // The whole edit history read later (oldest first, the no-op edit included) adds nothing.
    const history = [normalized(FIRST, null), normalized(SECOND, T_EDIT), normalized(SECOND, T_NOOP)];
    const read = await store(db(), account.id, { history: true }, [...history, normalized(FIRST, T_BACK)]);
    expect(read).toMatchObject({ postsNew: 0, versionsNew: 0, edited: 0, events: 0 });
    expect((await snapshot(db())).versions).toEqual(final.versions);
  });

  it('the latest version is the newest by time: an earlier version found later adds no edit', async () => {
    const account = await newAccount(db(), 'mastodon', 'harbour@gov.example');
    await store(db(), account.id, statusBody(SECOND, T_EDIT), [normalized(SECOND, T_EDIT)]);
    const older = await store(db(), account.id, { history: [FIRST] }, [normalized(FIRST, null)]);
    expect(older).toMatchObject({ versionsNew: 1, edited: 0, events: 0 });
    const s = await snapshot(db());
    expect(s.post).toEqual({ text: SECOND, editIds: [STATUS_ID], versionCount: 2 });
    expect(s.events).toEqual([`new:mastodon:${STATUS_ID}`]);
  });

  it('keys that sort against time (a feed item keyed by guid and content hash) still order by time', async () => {
    const account = await newAccount(db(), 'feed', 'https://gov.example/press.xml');
    const item = (content: string, at: string, key: string): NormalizedPost => ({
      ...normalized(content, at),
      platform: 'feed' as Platform,
      platformId: 'https://gov.example/press/2026-17',
      versionId: `https://gov.example/press/2026-17#${key}`,
      editIds: ['https://gov.example/press/2026-17'],
    });
    await store(db(), account.id, { item: 1 }, [item(FIRST, POSTED, 'f3a9')]);
    const changed = await store(db(), account.id, { item: 2 }, [item(SECOND, T_EDIT, '0b71')]);
    expect(changed).toMatchObject({ versionsNew: 1, edited: 1 });
    const post = await db().prisma.post.findFirstOrThrow({ where: { platform: 'feed' } });
    expect(post.text).toBe(SECOND);
    // Read again with the older version after the newer one in the page: the post keeps the newer text.
    await store(db(), account.id, { item: 3 }, [item(SECOND, T_EDIT, '0b71'), item(FIRST, POSTED, 'f3a9')]);
    expect((await db().prisma.post.findFirstOrThrow({ where: { platform: 'feed' } })).text).toBe(SECOND);
  });
});

describe('versions of X, where each edit has its own ID (unchanged)', () => {
  beforeEach(() => truncateAll(db()));

  it('keeps an edit whose content equals the version before it as a version of its own', async () => {
    const account = await newAccount(db(), 'x', 'USFOR_A');
    const A = idAt('2026-03-04T10:00:00Z');
    const A2 = idAt('2026-03-04T10:05:00Z');
    const repo = createPostsRepository(db().prisma);
    const storeX = (body: unknown) =>
      db().prisma.$transaction((tx) =>
        repo.storeBatch(
          {
            accountId: account.id,
            ...batchOf(body),
            firstSeenBy: 'poll',
            raiseNew: false,
            now: NOW,
          },
          tx,
        ),
      );
    await storeX(page([tweet(A, 'Same words')]));
    const edited = await storeX(page([tweet(A2, 'Same words', [A, A2])]));
    expect(edited).toMatchObject({ versionsNew: 1, edited: 1, events: 1 });
    const post = await db().prisma.post.findFirstOrThrow({ where: { platform: 'x' }, include: { versions: true } });
    expect(post.editIds).toEqual([A, A2]);
    expect(post.versions.map((v) => v.versionId).sort()).toEqual([A, A2].sort());
  });
});
