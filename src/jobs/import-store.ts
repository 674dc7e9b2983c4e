// Stores a batch of prepared units in one transaction through the one
// storage path (storePages, storeBatch's form for several pages: captures,
// posts and versions idempotent on their natural keys), as first seen by
// 'import', raising no events. The batch's lines go in the same statements,
// a few per thousand posts instead of a dozen per line; each unit is its own
// capture, named by its file and line. Lines of onrecord's own export are
// stored one by one (each restores its record). Authors not known yet become
// archived accounts: kept, not polled until `accounts add`.
import type { Prisma, Tx } from '../adapters/db/database.js';
import {
  createPostsRepository,
  FIRST_SEEN_BY,
  type CaptureInput,
  type FirstSeenBy,
  type PostsRepository,
  type StoreBatchInput,
} from '../adapters/db/posts-repository.js';
import { sqlStateOf } from '../adapters/db/statement-timeout.js';
import { backoffDelay, RETRYABLE_SQLSTATES } from '../core/backoff.js';
import { sleep } from '../core/lifecycle.js';
import type { NormalizedPost } from '../core/post-model.js';
import type { PreparedUnit } from './import-prepare.js';

export interface BatchStored {
  postsNew: number;
  versionsNew: number;
}

/** Author (`platform:user ID`) → account ID, or null when the author cannot be named (no handle). */
export type AuthorAccounts = Map<string, number | null>;

/** The accounts a batch needs, resolved before its transaction (one batch at a time: never two of one author). */
export interface BatchAccounts {
  /** The account of each onrecord record of the batch, by line. */
  records: Map<number, number | null>;
}

/**
 * Resolves the authors of a batch (created archived when new) into `authors`,
 * and the accounts of its onrecord records. Call it for one batch at a time,
 * in order: two calls at once could create one author twice.
 */
export async function resolveAccounts(
  db: Prisma,
  units: PreparedUnit[],
  authors: AuthorAccounts,
  now: Date,
): Promise<BatchAccounts> {
  await resolveAuthors(db, units, authors, now);
  return { records: await recordAccounts(db, units, now) };
}

/**
 * Stores a batch whose accounts are resolved, in one transaction. A
 * transaction that ends in a deadlock or a serialization failure (two
 * batches written at once, see import-posts.ts), or loses its connection,
 * is run again.
 */
export async function storeResolvedUnits(
  db: Prisma,
  units: PreparedUnit[],
  authors: AuthorAccounts,
  accounts: BatchAccounts,
  now: Date,
): Promise<BatchStored> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await storeTransaction(db, units, authors, accounts.records, now);
    } catch (err) {
      const state = sqlStateOf(err);
      if (attempt >= RETRIES || !state || !RETRYABLE_SQLSTATES.has(state)) throw err;
      await sleep(backoffDelay(attempt, RETRY_BACKOFF));
    }
  }
}

/** A transaction that failed on a transient condition was rolled back whole (or, if cut off at commit, is idempotent): it may simply run again. */
const RETRIES = 5;
const RETRY_BACKOFF = { baseMs: 50, maxMs: 2_000 };

function storeTransaction(
  db: Prisma,
  units: PreparedUnit[],
  authors: AuthorAccounts,
  records: Map<number, number | null>,
  now: Date,
) {
  const posts = createPostsRepository(db);
  return db.$transaction(async (tx) => {
    const total: BatchStored = { postsNew: 0, versionsNew: 0 };
    const origins: { id: number; file: string; line: number }[] = [];
    const add = (prepared: PreparedUnit, stored: { captureId: number | null } & BatchStored) => {
      total.postsNew += stored.postsNew;
      total.versionsNew += stored.versionsNew;
      if (stored.captureId !== null) {
        origins.push({ id: stored.captureId, file: prepared.unit.fileName, line: prepared.unit.line });
      }
    };
    // Lines of onrecord's export each restore their own record; the others of
    // one platform are stored together, in the same statements.
    for (const prepared of units.filter((u) => u.record)) {
      const owner = () => records.get(prepared.unit.line) ?? null;
      add(prepared, await storeRecord(tx, posts, prepared, owner, now));
    }
    for (const group of groupBy(
      units.filter((u) => !u.record),
      (u) => u.platform,
    ).values()) {
      const stored = await storeLines(tx, posts, group, authors, now);
      add(group[0]!, { ...stored, captureId: null });
      for (const [i, captureId] of stored.captureIds.entries()) {
        if (captureId !== null)
          origins.push({ id: captureId, file: group[i]!.unit.fileName, line: group[i]!.unit.line });
      }
    }
    await recordOrigins(tx, origins);
    return total;
  }, BATCH_TRANSACTION);
}

/** A batch is thousands of posts: on a busy machine its transaction can take longer than Prisma's 5 s default. */
const BATCH_TRANSACTION = { maxWait: 60_000, timeout: 300_000 };

/** Units of one platform: one page per unit and author, all stored in the same statements. */
async function storeLines(tx: Tx, repo: PostsRepository, lines: PreparedUnit[], authors: AuthorAccounts, now: Date) {
  const pages = lines.map((prepared) => pagesOf(prepared, (p) => authors.get(authorKey(p)) ?? null, now));
  const stored = await repo.storePages(pages.flat(), tx);
  // Each unit's capture: that of its first page.
  const firstPage = pages.map((_, i) => pages.slice(0, i).reduce((n, p) => n + p.length, 0));
  return {
    postsNew: stored.postsNew,
    versionsNew: stored.versionsNew,
    captureIds: firstPage.map((at) => stored.captureIds[at] ?? null),
  };
}

/** The capture of a unit as read from its file (an imported line has no request of its own). */
function captureOf(prepared: PreparedUnit, now: Date): CaptureInput {
  return {
    source: prepared.source,
    requestUrl: prepared.requestUrl,
    httpStatus: prepared.requestUrl ? 200 : null,
    contentType: 'application/json',
    body: prepared.unit.text,
    capturedAt: prepared.retrievedAt ?? now,
  } as unknown as CaptureInput; // URL and status stay null
}

/** A unit's pages: one per account its posts belong to (at least one, which keeps the capture and the problems). */
function pagesOf(prepared: PreparedUnit, owner: (p: NormalizedPost) => number | null, now: Date): StoreBatchInput[] {
  const capture = captureOf(prepared, now);
  const groups = groupBy(prepared.posts, owner);
  return [...(groups.size ? groups : new Map([[null, []]]))].map(([accountId, posts], i) => ({
    accountId,
    capture,
    posts,
    problems: i === 0 ? prepared.problems : [],
    firstSeenBy: 'import' as const,
    raiseNew: false,
    raiseEdited: false,
    now,
  }));
}

async function storeRecord(
  tx: Tx,
  repo: PostsRepository,
  prepared: PreparedUnit,
  owner: (p: NormalizedPost) => number | null,
  now: Date,
) {
  const record = prepared.record!;
  const result = { captureId: null as number | null, postsNew: 0, versionsNew: 0 };
  for (const page of pagesOf(prepared, owner, now)) {
    const stored = await repo.storeBatch(
      { ...page, firstSeenBy: firstSeenByOf(record.firstSeenBy), now: record.firstSeenAt ?? now },
      tx,
    );
    result.captureId = stored.captureId;
    result.postsNew += stored.postsNew;
    result.versionsNew += stored.versionsNew;
    if (stored.versionsNew > 0) await restoreRecord(tx, prepared);
  }
  return result;
}

function firstSeenByOf(value: string): FirstSeenBy {
  return (FIRST_SEEN_BY as readonly string[]).includes(value) ? (value as FirstSeenBy) : 'import';
}

/** What onrecord's export says beyond the normalized versions: each version's capture time, the post's status. */
async function restoreRecord(tx: Tx, prepared: PreparedUnit) {
  const record = prepared.record!;
  const versions = record.versions.map((v) => ({ id: v.post.versionId, at: v.capturedAt.toISOString() }));
  await tx.$executeRaw`
    UPDATE post_versions v SET captured_at = r.at::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(versions)}::jsonb) AS r(id text, at text)
    WHERE v.platform = ${record.platform} AND v.version_id = r.id
      AND v.capture_id = (SELECT id FROM captures WHERE sha256 = encode(sha256(convert_to(${prepared.unit.text}, 'UTF8')), 'hex'))`;
  await tx.$executeRaw`
    UPDATE posts SET status = ${record.status}, status_changed_at = ${record.statusChangedAt}::timestamptz
    WHERE platform = ${record.platform} AND platform_id = ${record.platformId} AND first_seen_by = ${record.firstSeenBy}
      AND first_seen_at = ${record.firstSeenAt}::timestamptz`;
}

async function recordOrigins(tx: Tx, origins: { id: number; file: string; line: number }[]) {
  if (origins.length === 0) return;
  await tx.$executeRaw`
    UPDATE captures c SET file_name = o.file, file_line = o.line
    FROM jsonb_to_recordset(${JSON.stringify(origins)}::jsonb) AS o(id int, file text, line int)
    WHERE c.id = o.id AND c.file_name IS NULL`;
}

/** Authors of the batch not seen yet: their account, created archived when it does not exist. */
async function resolveAuthors(db: Prisma, units: PreparedUnit[], authors: AuthorAccounts, now: Date) {
  const byPlatform = new Map<string, Map<string, string | null>>();
  for (const p of units.flatMap((u) => (u.record ? [] : u.posts))) {
    if (!p.authorId || authors.has(authorKey(p))) continue;
    const handles = byPlatform.get(p.platform) ?? new Map<string, string | null>();
    byPlatform.set(p.platform, handles.set(p.authorId, p.authorHandle ?? handles.get(p.authorId) ?? null));
  }
  for (const [platform, handles] of byPlatform) await resolvePlatformAuthors(db, platform, handles, authors, now);
}

async function resolvePlatformAuthors(
  db: Prisma,
  platform: string,
  handles: Map<string, string | null>,
  authors: AuthorAccounts,
  now: Date,
) {
  if (handles.size === 0) return;
  const known = await db.account.findMany({
    where: { platform, platformUserId: { in: [...handles.keys()] } },
    select: { id: true, platformUserId: true },
  });
  for (const k of known) authors.set(authorKey({ platform, authorId: k.platformUserId }), k.id);
  for (const [authorId, handle] of handles) {
    const key = authorKey({ platform, authorId });
    if (authors.has(key)) continue;
    authors.set(key, handle ? await archivedAccount(db, platform, handle, authorId, now) : null);
  }
}

/** An author's key in AuthorAccounts: user IDs are unique on one platform only. */
function authorKey(p: { platform: string; authorId: string | null }): string {
  return `${p.platform}:${p.authorId ?? ''}`;
}

/** The account of each onrecord record of the batch (by line), created archived when it does not exist. */
async function recordAccounts(db: Prisma, units: PreparedUnit[], now: Date): Promise<Map<number, number | null>> {
  const byLine = new Map<number, number | null>();
  for (const u of units) {
    const account = u.record?.account;
    if (!u.record || !account) continue;
    const authorId = u.record.versions.at(-1)?.post.authorId ?? null;
    byLine.set(u.unit.line, await archivedAccount(db, account.platform, account.handle, authorId, now));
  }
  return byLine;
}

/** The account under this user ID or handle; else a new one, archived (not polled until `accounts add`). */
export async function archivedAccount(db: Prisma, platform: string, handle: string, userId: string | null, now: Date) {
  const existing = await db.account.findFirst({
    where: {
      platform,
      OR: [
        ...(userId ? [{ platformUserId: userId }] : []),
        { handle: { equals: handle, mode: 'insensitive' as const }, platformUserId: null },
      ],
    },
    select: { id: true },
  });
  if (existing) return existing.id;
  const created = await db.account.create({
    data: {
      platform,
      handle,
      platformUserId: userId,
      status: 'archived',
      handles: { create: { handle, firstSeenAt: now, lastSeenAt: now } },
    },
  });
  return created.id;
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
