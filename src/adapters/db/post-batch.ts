// Storing one batch of posts (one API page) with its capture, inside a
// transaction: the heart of the posts repository (posts-repository.ts).
// Every write is idempotent on natural keys: captures on sha256, posts on (platform,
// platform_id = first ID of the edit chain), versions on (platform,
// version_id: an opaque key the platform's normalizer chooses, see
// core/post-versions.ts), so storing the same page twice writes nothing new.
// A page goes in as one batch statement (page-insert.ts), never row by row;
// edits, events, problems and status changes follow in the same transaction.
// Where an edit keeps the post's ID, a version that repeats the content of
// the version next to it is not stored (post-versions-fold.ts).
import type { RawCapture } from '../../ports/post-source.js';
import type { NormalizedPost, NormalizeProblem } from '../../core/post-model.js';
import { toPostView } from '../../core/post-view.js';
import type { Tx } from './database.js';
import { eventKeys, recordEvents } from './events-repository.js';
import { resolveReferencesForPosts, type ArrivedPost } from './reference-resolution.js';
import { insertPage } from './page-insert.js';
import { accountsOfReposted } from './post-authors.js';
import { applyEdit, type EditedPost } from './post-edits.js';
import { foldVersions, joinEditIds } from './post-versions-fold.js';
import { latestPerPost } from '../../core/post-versions.js';
import { storableRecords, storableValue, UNSTORABLE_TEXT } from '../../core/storable-text.js';
import { observeRestored, pageLog } from './log-append.js';
import { enqueueVersionMedia } from './media-repository.js';
import { observeLastSeen, observeWithheldOf } from './seen-observations.js';

export const FIRST_SEEN_BY = ['backfill', 'poll', 'lookup', 'import', 'stream'] as const;
export type FirstSeenBy = (typeof FIRST_SEEN_BY)[number];

export interface CaptureInput extends RawCapture {
  capturedAt: Date;
}

export interface StoreBatchInput {
  accountId: number | null;
  /** The raw payload the posts came from (kept even when nothing in it could be stored). */
  capture: CaptureInput | null;
  posts: NormalizedPost[];
  problems: IngestProblemInput[];
  firstSeenBy: FirstSeenBy;
  /** Raise `new` events for posts first seen here: polls after the account's backfill only. */
  raiseNew: boolean;
  /** Raise `edited` events for new versions of archived posts (default true; an import raises none). */
  raiseEdited?: boolean;
  now: Date;
}

/** A problem of a capture (a normalizer's, or text that had to be made storable). */
export interface IngestProblemInput {
  platformId?: string;
  code: NormalizeProblem['code'] | typeof UNSTORABLE_TEXT;
  message: string;
}

/** A post that is new or has a new latest version (what reference resolution needs). */
export type TouchedPost = ArrivedPost;

export interface StoreBatchResult {
  captureId: number | null;
  captureExisted: boolean;
  /** Each page's capture row id (storePages), in order. */
  captureIds: (number | null)[];
  postsNew: number;
  versionsNew: number;
  edited: number;
  problems: number;
  events: number;
  touched: TouchedPost[];
}

/**
 * Stores one batch of normalized posts (one API page) inside the caller's
 * transaction. Text PostgreSQL cannot store (NUL, lone surrogates) is replaced
 * in the stored columns and reported as a problem of its post: one such post
 * never holds up the page.
 */
export interface StoreBatchOptions {
  /**
   * false leaves the page's evidence-log leaves out. Only the ingest
   * benchmark's baseline uses it, to measure what the log costs: every write
   * path of the product logs.
   */
  log?: boolean;
}

export async function storeBatch(
  tx: Tx,
  raw: StoreBatchInput,
  options: StoreBatchOptions = {},
): Promise<StoreBatchResult> {
  return storePages(tx, [raw], options);
}

/**
 * Stores several pages of one platform in the same statements (an import's
 * lines): each page keeps its own capture, problems and account, and each
 * version names the capture that showed it. They share `firstSeenBy`,
 * `raiseNew`, `raiseEdited` and `now` (the first page's). A version shown by
 * several pages is stored once, from the page that shows most of its media
 * (the first of them on a tie), as storing the pages one by one would fill it in.
 */
export async function storePages(
  tx: Tx,
  pages: StoreBatchInput[],
  options: StoreBatchOptions = {},
): Promise<StoreBatchResult> {
  const first = pages[0]!;
  const storable = pages.map((p) => storableRecords(p.posts));
  const problems = pages.map((p, i) => storableValue([...p.problems, ...storable[i]!.problems]).value);
  const input: StoreBatchInput = { ...first, posts: storable.flatMap((s) => s.records), problems: problems.flat() };
  const {
    versions: unique,
    captureOf,
    accountOf,
  } = pageVersions(
    pages,
    storable.map((s) => s.records),
  );
  const { kept: versions, folded, chains } = await foldVersions(tx, unique);
  const latest = new Set(latestPerPost(versions).map((v) => v.versionId));
  const reposted = await accountsOfReposted(tx, versions, input.now);
  const owners = new Map([...accountOf, ...reposted]);
  const { captures, captureIndex } = pageCaptures(pages);
  // The log's leaves go in the statement that stores the rows they cover.
  const platform = versions[0]?.platform ?? null;
  const log =
    options.log === false
      ? undefined
      : pageLog({
          captures: captures.map((c) => c.capture),
          platform,
          platformIds: [...new Set(versions.filter((v) => latest.has(v.versionId)).map((v) => v.platformId))],
          now: input.now,
        });
  const page = await insertPage(tx, {
    ...input,
    captures,
    captureOf: new Map(
      [...captureOf].flatMap(([versionId, i]) => (captureIndex[i] === undefined ? [] : [[versionId, captureIndex[i]]])),
    ),
    versions,
    latest,
    owners,
    chains,
    log,
  });
  const { inserted, newVersions } = page;
  if (log) await observeWithheldOf(tx, versions, latest, page, input.now);
  // Media are queued with the versions that show them: a killed process loses none.
  await enqueueVersionMedia(tx, versions, input.now);
  const captureIds = pages.map((_, i) => (captureIndex[i] === undefined ? null : page.captureIds[captureIndex[i]!]!));
  let problemCount = 0;
  for (const [i, p] of pages.entries()) {
    problemCount += await storeProblems(tx, captureIds[i]!, p.accountId, problems[i]!);
  }
  const result: StoreBatchResult = {
    captureId: captureIds[0] ?? null,
    captureExisted: captureIndex[0] === undefined ? false : page.capturesExisted[captureIndex[0]]!,
    captureIds,
    postsNew: 0,
    versionsNew: 0,
    edited: 0,
    problems: problemCount,
    events: 0,
    touched: [],
  };
  // A version folded into its neighbour still finds its post by its IDs.
  await joinEditIds(tx, folded);
  if (versions.length === 0) return result;
  const readAt = (v: NormalizedPost) => pages[captureOf.get(v.versionId) ?? 0]?.capture?.capturedAt ?? input.now;
  await markAvailable(tx, versions, inserted, readAt, input.now);
  const edits = await applyEdits(tx, versions, newVersions, inserted, input.now);
  result.postsNew = inserted.size;
  result.versionsNew = newVersions.length;
  result.edited = edits.filter((e) => e.isLatest).length;
  result.touched = [...newPostsTouched(versions, inserted, input.accountId, owners), ...edits.flatMap(touchedOf)];
  // The original of a repost is archived, but only the repost is news of the watched account.
  const ownPosts = ownPostIds(versions);
  const ownInserted = new Map([...inserted].filter(([platformId]) => ownPosts.has(platformId)));
  result.events = await raiseEvents(tx, input, ownInserted, edits);
  // Articles that cited a post before it was archived are linked to it in
  // this same transaction (the one place every stored post passes through).
  if (page.hasOpenReferences) await resolveReferencesForPosts(tx, result.touched);
  return result;
}

/**
 * The distinct captures given to insertPage, and each page's index among them
 * (pages without a capture have none). Pages that share one capture object
 * (an import's line split by author) share its entry: the payload is hashed
 * and sent once, not once per author; it is kept for the first page's account.
 */
function pageCaptures(pages: StoreBatchInput[]) {
  const captures: { capture: CaptureInput; accountId: number | null }[] = [];
  const indexOf = new Map<CaptureInput, number>();
  const captureIndex = pages.map((p) => {
    if (!p.capture) return undefined;
    let i = indexOf.get(p.capture);
    if (i === undefined) {
      i = captures.push({ capture: p.capture, accountId: p.accountId }) - 1;
      indexOf.set(p.capture, i);
    }
    return i;
  });
  return { captures, captureIndex };
}

/**
 * One row per version ID (a body can repeat a post, e.g. as its own quote;
 * pages can repeat each other), with the page it is stored from and the
 * account of that page (pages of one page are its account's).
 */
function pageVersions(pages: StoreBatchInput[], posts: NormalizedPost[][]) {
  const chosen = new Map<string, { post: NormalizedPost; page: number }>();
  for (const [page, list] of posts.entries()) {
    for (const post of list) {
      const had = chosen.get(post.versionId);
      if (!had) chosen.set(post.versionId, { post, page });
      else if (had.page === page) had.post = post;
      else if (mediaShown(post) > mediaShown(had.post)) chosen.set(post.versionId, { post, page });
    }
  }
  const versions: NormalizedPost[] = [];
  const captureOf = new Map<string, number>();
  const accountOf = new Map<string, number | null>();
  for (const [versionId, { post, page }] of chosen) {
    versions.push(post);
    captureOf.set(versionId, page);
    accountOf.set(versionId, pages[page]!.accountId);
  }
  return { versions, captureOf, accountOf };
}

const mediaShown = (post: NormalizedPost) => post.media?.length ?? 0;

async function storeProblems(
  tx: Tx,
  captureId: number | null,
  accountId: number | null,
  problems: IngestProblemInput[],
) {
  if (problems.length === 0) return 0;
  const rows = problems.map((p) => ({ platformId: p.platformId ?? null, code: p.code, message: p.message }));
  return tx.$executeRaw`
    INSERT INTO ingest_problems (capture_id, account_id, platform_id, code, message)
    SELECT ${captureId}::int, ${accountId}::int, r."platformId", r.code, r.message
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("platformId" text, code text, message text)
    WHERE NOT EXISTS (SELECT 1 FROM ingest_problems p WHERE p.capture_id IS NOT DISTINCT FROM ${captureId}::int
      AND p.platform_id IS NOT DISTINCT FROM r."platformId" AND p.code = r.code AND p.message = r.message)`;
}

/**
 * A post seen again after it was marked deleted or unavailable is available
 * again, if the read that saw it is newer than that mark: a poll that read
 * the post before a deletion was pushed, and stores after it, restores nothing.
 */
async function markAvailable(
  tx: Tx,
  versions: NormalizedPost[],
  inserted: Map<string, number>,
  readAt: (version: NormalizedPost) => Date,
  now: Date,
) {
  // Posts inserted by this batch are available already: only the others can change.
  const seen = new Map<string, Date>();
  for (const v of versions) {
    if (inserted.has(v.platformId)) continue;
    const at = readAt(v);
    const had = seen.get(v.platformId);
    if (!had || at > had) seen.set(v.platformId, at);
  }
  if (seen.size === 0) return;
  const platform = versions[0]!.platform;
  const restored = await observeRestored(tx, platform, seen, now);
  await observeLastSeen(tx, platform, [...seen.keys()], now);
  if (restored.length === 0) return;
  await tx.$executeRaw`
    UPDATE posts SET status = 'available', status_detail = NULL, status_changed_at = ${now}::timestamptz
    WHERE id = ANY(${restored}::int[])`;
}

async function applyEdits(
  tx: Tx,
  versions: NormalizedPost[],
  newVersions: { post_id: number; version_id: string }[],
  inserted: Map<string, number>,
  now: Date,
): Promise<EditedPost[]> {
  const insertedIds = new Set(inserted.values());
  const byVersion = new Map(versions.map((v) => [v.versionId, v]));
  const perPost = new Map<number, NormalizedPost[]>();
  for (const nv of newVersions) {
    if (insertedIds.has(nv.post_id)) continue;
    perPost.set(nv.post_id, [...(perPost.get(nv.post_id) ?? []), byVersion.get(nv.version_id)!]);
  }
  const edits: EditedPost[] = [];
  for (const [postId, added] of perPost) edits.push(await applyEdit(tx, postId, added, now));
  return edits;
}

/** Posts the page shows other than only as the original of a repost. */
function ownPostIds(versions: NormalizedPost[]): Set<string> {
  return new Set(versions.filter((v) => v.via !== 'retweeted').map((v) => v.platformId));
}

function newPostsTouched(
  versions: NormalizedPost[],
  inserted: Map<string, number>,
  pageAccountId: number | null,
  owners: Map<string, number | null>,
) {
  return latestPerPost(versions).flatMap((v) => {
    const id = inserted.get(v.platformId);
    if (id === undefined) return [];
    const { platform, platformId, editIds, text, createdAt } = v;
    const accountId = owners.has(v.versionId) ? owners.get(v.versionId)! : pageAccountId;
    return [{ id, platform, platformId, editIds, text, accountId, createdAt }];
  });
}

function touchedOf(edit: EditedPost): TouchedPost[] {
  if (!edit.isLatest) return [];
  const p = edit.post;
  const { id, platform, platformId, editIds, text, accountId, createdAt } = p;
  return [{ id, platform, platformId, editIds, text, accountId, createdAt }];
}

async function raiseEvents(tx: Tx, input: StoreBatchInput, inserted: Map<string, number>, edits: EditedPost[]) {
  const events = [];
  if (input.raiseNew && inserted.size > 0) {
    const rows = await tx.post.findMany({ where: { id: { in: [...inserted.values()] } }, include: { account: true } });
    for (const row of rows) {
      events.push({
        kind: 'new' as const,
        dedupeKey: eventKeys.new(row.platform, row.platformId),
        postId: row.id,
        payload: { post: toPostView(row) },
      });
    }
  }
  for (const edit of edits.filter((e) => e.isLatest && input.raiseEdited !== false)) {
    events.push({
      kind: 'edited' as const,
      dedupeKey: eventKeys.edited(edit.post.platform, edit.versionId),
      postId: edit.post.id,
      payload: { post: toPostView(edit.post), previousText: edit.previousText },
    });
  }
  return recordEvents(tx, events);
}
