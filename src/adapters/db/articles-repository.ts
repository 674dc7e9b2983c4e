// Articles, their snapshots and their references to posts. Articles are
// idempotent on their key (canonical URL, else the text's sha256); a new
// snapshot is kept only when the content changed; references on (article,
// fingerprint) and (article, post). The candidate search for text matches
// runs in PostgreSQL on the (account_id, created_at) index, ranked by pg_trgm.
import type { Prisma as P } from '../../generated/prisma/client.js';
import type { PostCandidate } from '../../core/article-match.js';
import type { WatchedAccount } from '../../core/article-detect.js';
import type { Tx } from './database.js';

export interface ArticleInput {
  key: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  publishedAt: Date | null;
  text: string;
  contentSha256: string;
  snapshot: { sha256: string; body: string; contentType: string | null; fetchedFrom: string | null };
}

export interface ReferenceInput {
  articleId: number;
  postId: number | null;
  fingerprint: string;
  platform: string;
  citedPlatformId: string | null;
  citedHandle: string | null;
  citedDate: string | null;
  kind: string;
  confidence: number;
  evidence: unknown;
  witnessedText: string | null;
  differsFromArchive: boolean;
}

interface PostRowSql {
  id: number;
  platform: string;
  platform_id: string;
  edit_ids: string[];
  account_id: number | null;
  text: string;
  created_at: Date;
}

/** Inserts or updates an article by key; adds a snapshot when the content is new. */
export async function upsertArticle(tx: Tx, input: ArticleInput) {
  const { snapshot, ...fields } = input;
  const before = await tx.article.findUnique({ where: { key: input.key }, select: { id: true, contentSha256: true } });
  const article = await tx.article.upsert({ where: { key: input.key }, create: fields, update: fields });
  const changed = !before || before.contentSha256 !== input.contentSha256;
  if (changed) {
    await tx.articleSnapshot.createMany({ data: [{ articleId: article.id, ...snapshot }], skipDuplicates: true });
  }
  return { article, created: !before, contentChanged: changed };
}

/** Posts whose platform ID or any edit ID is one of `ids`. */
export async function findPostsByIds(tx: Tx, platform: string, ids: string[]): Promise<PostCandidate[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<PostRowSql[]>`
    SELECT id, platform, platform_id, edit_ids, account_id, text, created_at FROM posts
    WHERE platform = ${platform} AND (platform_id = ANY(${ids}::text[]) OR edit_ids && ${ids}::text[])`;
  return withHandles(tx, rows);
}

/**
 * The best text matches among one account's posts in a time range: an index
 * range scan on (account_id, created_at), ranked by trigram similarity.
 */
export async function findCandidatePosts(
  tx: Tx,
  q: { accountIds: number[]; from: Date | null; to: Date | null; text: string; partial: boolean; limit: number },
): Promise<PostCandidate[]> {
  if (q.accountIds.length === 0) return [];
  const from = q.from ?? new Date(0);
  const to = q.to ?? new Date('9999-01-01T00:00:00Z');
  const rows = q.partial
    ? await tx.$queryRaw<PostRowSql[]>`
        SELECT id, platform, platform_id, edit_ids, account_id, text, created_at FROM posts
        WHERE account_id = ANY(${q.accountIds}::int[]) AND created_at >= ${from} AND created_at < ${to}
        ORDER BY word_similarity(${q.text}, text) DESC LIMIT ${q.limit}`
    : await tx.$queryRaw<PostRowSql[]>`
        SELECT id, platform, platform_id, edit_ids, account_id, text, created_at FROM posts
        WHERE account_id = ANY(${q.accountIds}::int[]) AND created_at >= ${from} AND created_at < ${to}
        ORDER BY similarity(text, ${q.text}) DESC LIMIT ${q.limit}`;
  return withHandles(tx, rows);
}

async function withHandles(tx: Tx, rows: PostRowSql[]): Promise<PostCandidate[]> {
  const handles = await handlesOfAccounts(tx, [...new Set(rows.flatMap((r) => (r.account_id ? [r.account_id] : [])))]);
  return rows.map((r) => ({
    postId: r.id,
    platform: r.platform,
    platformId: r.platform_id,
    editIds: r.edit_ids,
    accountId: r.account_id,
    handles: r.account_id ? (handles.get(r.account_id) ?? []) : [],
    text: r.text,
    createdAt: r.created_at,
  }));
}

/** Every handle (current and former) of each account. */
export async function handlesOfAccounts(tx: Tx, accountIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (accountIds.length === 0) return map;
  const rows = await tx.$queryRaw<{ account_id: number; handle: string }[]>`
    SELECT id AS account_id, handle FROM accounts WHERE id = ANY(${accountIds}::int[])
    UNION SELECT account_id, handle FROM account_handles WHERE account_id = ANY(${accountIds}::int[])`;
  for (const r of rows) map.set(r.account_id, [...(map.get(r.account_id) ?? []), r.handle]);
  return map;
}

/** Accounts that have or had a handle (case-insensitive). */
export async function accountIdsByHandle(tx: Tx, platform: string, handle: string): Promise<number[]> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM accounts WHERE platform = ${platform} AND lower(handle) = lower(${handle})
    UNION SELECT h.account_id FROM account_handles h JOIN accounts a ON a.id = h.account_id
      WHERE a.platform = ${platform} AND lower(h.handle) = lower(${handle})`;
  return rows.map((r) => r.id);
}

/** The watched accounts, as prose-quote detection needs them. */
export async function listWatchedAccounts(tx: Tx, platform = 'x'): Promise<WatchedAccount[]> {
  const rows = await tx.account.findMany({ where: { platform }, select: { handle: true, displayName: true } });
  return rows.map((r) => ({ handle: r.handle, displayName: r.displayName }));
}

/**
 * Stores a reference, idempotent on (article, fingerprint). A reference that
 * was resolved stays resolved. Returns undefined when the post is already
 * linked to the article under another fingerprint (one link per pair).
 */
export async function saveReference(
  tx: Tx,
  r: ReferenceInput,
): Promise<{ id: number; postId: number | null } | undefined> {
  if (r.postId !== null) {
    const other = await tx.articleReference.findFirst({
      where: { articleId: r.articleId, postId: r.postId, NOT: { fingerprint: r.fingerprint } },
      select: { id: true },
    });
    if (other) return undefined;
  }
  const evidence = JSON.stringify(r.evidence);
  const rows = await tx.$queryRaw<{ id: number; post_id: number | null }[]>`
    INSERT INTO article_references (article_id, post_id, fingerprint, platform, cited_platform_id, cited_handle,
      cited_date, kind, confidence, evidence, witnessed_text, differs_from_archive, status, resolved_at)
    VALUES (${r.articleId}, ${r.postId}::int, ${r.fingerprint}, ${r.platform}, ${r.citedPlatformId}, ${r.citedHandle},
      ${r.citedDate}, ${r.kind}, ${r.confidence}, ${evidence}::jsonb, ${r.witnessedText}, ${r.differsFromArchive},
      ${r.postId === null ? 'unresolved' : 'resolved'}, ${r.postId === null ? null : new Date()}::timestamptz)
    ON CONFLICT (article_id, fingerprint) DO UPDATE SET
      post_id = COALESCE(article_references.post_id, EXCLUDED.post_id),
      kind = EXCLUDED.kind,
      confidence = CASE WHEN article_references.post_id IS NOT NULL AND EXCLUDED.post_id IS NULL
        THEN article_references.confidence ELSE EXCLUDED.confidence END,
      evidence = CASE WHEN article_references.post_id IS NOT NULL AND EXCLUDED.post_id IS NULL
        THEN article_references.evidence ELSE EXCLUDED.evidence END,
      witnessed_text = EXCLUDED.witnessed_text,
      differs_from_archive = CASE WHEN article_references.post_id IS NOT NULL AND EXCLUDED.post_id IS NULL
        THEN article_references.differs_from_archive ELSE EXCLUDED.differs_from_archive END,
      status = CASE WHEN COALESCE(article_references.post_id, EXCLUDED.post_id) IS NULL THEN 'unresolved' ELSE 'resolved' END,
      resolved_at = COALESCE(article_references.resolved_at, EXCLUDED.resolved_at)
    RETURNING id, post_id`;
  return { id: rows[0]!.id, postId: rows[0]!.post_id };
}

const referenceInclude = { post: { include: { account: true } } } satisfies P.ArticleReferenceInclude;

export async function getArticle(tx: Tx, id: number) {
  return tx.article.findUnique({
    where: { id },
    include: {
      references: { include: referenceInclude, orderBy: { id: 'asc' } },
      snapshots: {
        select: { id: true, sha256: true, contentType: true, fetchedFrom: true, capturedAt: true },
        orderBy: { id: 'asc' },
      },
    },
  });
}

export type ArticleWithReferences = NonNullable<Awaited<ReturnType<typeof getArticle>>>;

export async function listArticles(tx: Tx, limit = 100) {
  return tx.article.findMany({
    orderBy: [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    take: limit,
    include: { _count: { select: { references: true } } },
  });
}

/** The articles that cite a post, with how they cite it (for `posts show`). */
export async function listCitingArticles(tx: Tx, postId: number) {
  const refs = await tx.articleReference.findMany({
    where: { postId },
    include: { article: { select: { id: true, title: true, url: true, canonicalUrl: true, publishedAt: true } } },
    orderBy: { id: 'asc' },
  });
  return refs.map((r) => ({
    id: r.article.id,
    title: r.article.title,
    url: r.article.canonicalUrl ?? r.article.url,
    publishedAt: r.article.publishedAt?.toISOString() ?? null,
    kind: r.kind,
    confidence: r.confidence,
    differsFromArchive: r.differsFromArchive,
    witnessedText: r.witnessedText,
  }));
}
