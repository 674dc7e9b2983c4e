// The queries of the articles repository (articles-repository.ts), each on a
// client or transaction given first, so that the posts repository can use
// them inside its own transaction (reference resolution, citation events).
// Articles are idempotent on their key (canonical URL, else the text's
// sha256); a new snapshot is kept only when the content changed; references
// on (article, fingerprint) and (article, post). The candidate search for
// text matches runs in PostgreSQL on the (account_id, created_at) index,
// ranked by pg_trgm.
import { Prisma as P } from '../../generated/prisma/client.js';
import type { PostCandidate } from '../../core/article-match.js';
import type { ArticleRow, ReferenceRow } from '../../core/article-view.js';
import type { PostRow } from '../../core/post-view.js';
import type { Tx } from './database.js';
import { encodeRawBody, storableValue } from '../../core/storable-text.js';
import { logArticleSnapshot } from './log-append.js';

export type ArticleInput = Pick<
  ArticleRow,
  'key' | 'url' | 'canonicalUrl' | 'title' | 'byline' | 'siteName' | 'publishedAt' | 'text' | 'contentSha256'
> & {
  /** The page as received (kept exactly: base64 when it cannot be stored as text); sha256 over its bytes. */
  snapshot: { sha256: string; body: string; contentType: string | null; fetchedFrom: string | null };
};

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

// Every handle (current and former) of the post's account, beside each post row.
const POST_WITH_HANDLES = P.sql`p.id, p.platform, p.platform_id, p.edit_ids, p.account_id, p.text, p.created_at,
  (SELECT array_agg(h.handle) FROM (SELECT a.handle FROM accounts a WHERE a.id = p.account_id
    UNION SELECT ah.handle FROM account_handles ah WHERE ah.account_id = p.account_id) h) AS handles`;

/**
 * Inserts or updates an article by key and, when the content is new, keeps a
 * snapshot: one statement (the article's previous content hash is read in
 * the same statement).
 */
export async function upsertArticle(tx: Tx, input: ArticleInput) {
  // Stored columns hold storable text (U+FFFD for NUL and lone surrogates); the snapshot keeps the page exactly.
  const { snapshot, ...fields } = input;
  const a = storableValue(fields).value;
  const raw = encodeRawBody(snapshot.body);
  const snap = storableValue({ ...snapshot, body: raw.body }).value;
  const rows = await tx.$queryRaw<{ id: number; before_id: number | null; before_sha: string | null }[]>`
    WITH before AS (SELECT id, content_sha256 FROM articles WHERE key = ${a.key}),
    up AS (
      INSERT INTO articles (key, url, canonical_url, title, byline, site_name, published_at, text, content_sha256)
      VALUES (${a.key}, ${a.url}, ${a.canonicalUrl}, ${a.title}, ${a.byline}, ${a.siteName}, ${a.publishedAt}::timestamptz,
        ${a.text}, ${a.contentSha256})
      ON CONFLICT (key) DO UPDATE SET url = EXCLUDED.url, canonical_url = EXCLUDED.canonical_url,
        title = EXCLUDED.title, byline = EXCLUDED.byline, site_name = EXCLUDED.site_name,
        published_at = EXCLUDED.published_at, text = EXCLUDED.text, content_sha256 = EXCLUDED.content_sha256,
        updated_at = now()
      RETURNING id),
    snap AS (
      INSERT INTO article_snapshots (article_id, sha256, content_type, body, body_encoding, fetched_from)
      SELECT up.id, ${snap.sha256}, ${snap.contentType}, ${snap.body}, ${raw.encoding}, ${snap.fetchedFrom} FROM up
      WHERE (SELECT content_sha256 FROM before) IS DISTINCT FROM ${a.contentSha256}
      ON CONFLICT (article_id, sha256) DO NOTHING)
    SELECT up.id, (SELECT id FROM before) AS before_id, (SELECT content_sha256 FROM before) AS before_sha FROM up`;
  const row = rows[0]!;
  if (row.before_sha !== a.contentSha256) await logArticleSnapshot(tx, row.id, snap.sha256);
  return { id: row.id, created: row.before_id === null, contentChanged: row.before_sha !== a.contentSha256 };
}

/** Posts whose platform ID or any edit ID is one of `ids`. */
export async function findPostsByIds(tx: Tx, platform: string, ids: string[]): Promise<PostCandidate[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<(PostRowSql & { handles: string[] | null })[]>`
    SELECT ${POST_WITH_HANDLES} FROM posts p
    WHERE p.platform = ${platform} AND (p.platform_id = ANY(${ids}::text[]) OR p.edit_ids && ${ids}::text[])`;
  return rows.map((r) => toCandidate(r, r.handles ?? []));
}

export interface CandidateQuery {
  /** Returned with each row, to tell the queries apart. */
  key: string;
  handle: string;
  from: Date | null;
  to: Date | null;
  text: string;
  /** Rank by word_similarity (a quotation of part of a post) instead of similarity. */
  partial: boolean;
}

/**
 * The best text matches for several candidates in one round trip: for each,
 * the posts of the accounts that have or had the handle, in the time range
 * (an index range scan on (account_id, created_at)), ranked by pg_trgm, with
 * the texts of their earlier versions (an article may quote a post before an edit).
 */
export async function findCandidatePosts(
  tx: Tx,
  platform: string,
  queries: CandidateQuery[],
  limit: number,
): Promise<Map<string, PostCandidate[]>> {
  const found = new Map<string, PostCandidate[]>(queries.map((q) => [q.key, []]));
  if (queries.length === 0) return found;
  const input = JSON.stringify(
    queries.map((q) => ({
      ...q,
      from: (q.from ?? new Date(0)).toISOString(),
      to: (q.to ?? new Date('9999-01-01')).toISOString(),
    })),
  );
  const rows = await tx.$queryRaw<
    (PostRowSql & { key: string; handles: string[] | null; earlier_texts: string[] | null })[]
  >`
    SELECT c.key, ${POST_WITH_HANDLES},
      CASE WHEN p.version_count > 1 THEN (SELECT array_agg(DISTINCT v.text) FROM post_versions v
        WHERE v.post_id = p.id AND v.text <> p.text) END AS earlier_texts
    -- The LIMIT tells the planner how many candidates there are: its default guess
    -- (100 rows) prices the query high enough to trigger JIT compilation, which
    -- costs more than the query itself.
    FROM (SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS r(key text, handle text, "from" timestamptz, "to" timestamptz,
      text text, partial boolean) LIMIT ${queries.length}) c
    CROSS JOIN LATERAL (
      SELECT * FROM posts p
      WHERE p.account_id IN (
          SELECT a.id FROM accounts a WHERE a.platform = ${platform} AND lower(a.handle) = lower(c.handle)
          UNION SELECT h.account_id FROM account_handles h JOIN accounts a ON a.id = h.account_id
            WHERE a.platform = ${platform} AND lower(h.handle) = lower(c.handle))
        AND p.created_at >= c."from" AND p.created_at < c."to"
      -- An edited post ranks by the best of its texts (GREATEST skips the NULL of a post never edited).
      ORDER BY GREATEST(
        CASE WHEN c.partial THEN word_similarity(c.text, p.text) ELSE similarity(p.text, c.text) END,
        CASE WHEN p.version_count > 1 THEN (SELECT max(CASE WHEN c.partial THEN word_similarity(c.text, v.text)
          ELSE similarity(v.text, c.text) END) FROM post_versions v WHERE v.post_id = p.id) END) DESC
      LIMIT ${limit}) p`;
  for (const r of rows) {
    const candidate = toCandidate(r, r.handles ?? []);
    found.get(r.key)!.push(r.earlier_texts?.length ? { ...candidate, earlierTexts: r.earlier_texts } : candidate);
  }
  return found;
}

function toCandidate(r: PostRowSql, handles: string[]): PostCandidate {
  return {
    postId: r.id,
    platform: r.platform,
    platformId: r.platform_id,
    editIds: r.edit_ids,
    accountId: r.account_id,
    handles,
    text: r.text,
    createdAt: r.created_at,
  };
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

/**
 * Stores references in one statement, idempotent on (article, fingerprint).
 * A reference that was resolved stays resolved. A reference whose post is
 * already linked to the article under another fingerprint is skipped (one
 * link per pair). Returns the rows written.
 */
export async function saveReferences(tx: Tx, refs: ReferenceInput[]): Promise<{ id: number; postId: number | null }[]> {
  if (refs.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: number; post_id: number | null }[]>`
    INSERT INTO article_references (article_id, post_id, fingerprint, platform, cited_platform_id, cited_handle,
      cited_date, kind, confidence, evidence, witnessed_text, differs_from_archive, status, resolved_at)
    SELECT r."articleId", r."postId", r.fingerprint, r.platform, r."citedPlatformId", r."citedHandle", r."citedDate",
      r.kind, r.confidence, r.evidence, r."witnessedText", r."differsFromArchive",
      CASE WHEN r."postId" IS NULL THEN 'unresolved' ELSE 'resolved' END,
      CASE WHEN r."postId" IS NULL THEN NULL ELSE now() END
    FROM jsonb_to_recordset(${JSON.stringify(storableValue(refs).value)}::jsonb) AS r("articleId" int, "postId" int, fingerprint text,
      platform text, "citedPlatformId" text, "citedHandle" text, "citedDate" text, kind text, confidence float8,
      evidence jsonb, "witnessedText" text, "differsFromArchive" boolean)
    WHERE r."postId" IS NULL OR NOT EXISTS (SELECT 1 FROM article_references o
      WHERE o.article_id = r."articleId" AND o.post_id = r."postId" AND o.fingerprint <> r.fingerprint)
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
  return rows.map((r) => ({ id: r.id, postId: r.post_id }));
}

// A post row in the shape toPostView takes, with its account.
const POST_ROW = P.sql`p.platform AS "postPlatform", p.platform_id AS "platformId", p.text, p.created_at AS "createdAt",
  p.lang, p.status AS "postStatus", p.edit_ids AS "editIds", p.version_count AS "versionCount", p.urls, p.mentions,
  p.hashtags, p.media, p.referenced_posts AS "referencedPosts", p.conversation_id AS "conversationId", p.cashtags,
  p.media_keys AS "mediaKeys", p.repost_of AS "repostOf", p.permalink, p.withheld, p.poll, p.geo,
  p.in_reply_to_user_id AS "inReplyToUserId", p.first_seen_at AS "firstSeenAt", p.first_seen_by AS "firstSeenBy",
  p.status_changed_at AS "statusChangedAt",
  CASE WHEN ac.id IS NULL THEN NULL ELSE json_build_object('platform', ac.platform, 'handle', ac.handle) END AS account`;

type JoinedPostRow = Omit<PostRow, 'platform' | 'status'> & { postPlatform: string; postStatus: string };

function toPostRow(r: JoinedPostRow): PostRow {
  const { postPlatform, postStatus, ...rest } = r;
  return { ...rest, platform: postPlatform, status: postStatus };
}

/** An article with its snapshots and its references (with their posts), in three queries. */
export async function getArticle(tx: Tx, id: number): Promise<ArticleRow | null> {
  const article = await tx.article.findUnique({
    where: { id },
    include: {
      snapshots: {
        select: { id: true, sha256: true, contentType: true, fetchedFrom: true, capturedAt: true },
        orderBy: { id: 'asc' },
      },
    },
  });
  if (!article) return null;
  const refs = await tx.$queryRaw<(Omit<ReferenceRow, 'post'> & { postId: number | null } & JoinedPostRow)[]>`
    SELECT r.id, r.platform, r.kind, r.confidence, r.evidence, r.status, r.cited_platform_id AS "citedPlatformId",
      r.cited_handle AS "citedHandle", r.cited_date AS "citedDate", r.witnessed_text AS "witnessedText",
      r.differs_from_archive AS "differsFromArchive", r.resolved_at AS "resolvedAt", r.post_id AS "postId", ${POST_ROW}
    FROM article_references r LEFT JOIN posts p ON p.id = r.post_id LEFT JOIN accounts ac ON ac.id = p.account_id
    WHERE r.article_id = ${id} ORDER BY r.id`;
  const references = refs.map((r) => ({
    id: r.id,
    platform: r.platform,
    kind: r.kind,
    confidence: r.confidence,
    evidence: r.evidence,
    status: r.status,
    citedPlatformId: r.citedPlatformId,
    citedHandle: r.citedHandle,
    citedDate: r.citedDate,
    witnessedText: r.witnessedText,
    differsFromArchive: r.differsFromArchive,
    resolvedAt: r.resolvedAt,
    post: r.postId === null ? null : toPostRow(r),
  }));
  return { ...article, references };
}

/** What a `cited` event needs of each linked reference, in one query. */
export async function citationsOf(tx: Tx, referenceIds: number[]) {
  if (referenceIds.length === 0) return [];
  const rows = await tx.$queryRaw<
    ({
      articleId: number;
      kind: string;
      confidence: number;
      postId: number;
      title: string | null;
      articleUrl: string | null;
    } & JoinedPostRow)[]
  >`
    SELECT r.article_id AS "articleId", r.kind, r.confidence, r.post_id AS "postId", ar.title,
      COALESCE(ar.canonical_url, ar.url) AS "articleUrl", ${POST_ROW}
    FROM article_references r JOIN posts p ON p.id = r.post_id LEFT JOIN accounts ac ON ac.id = p.account_id
      JOIN articles ar ON ar.id = r.article_id
    WHERE r.id = ANY(${referenceIds}::int[]) ORDER BY r.id`;
  return rows.map((r) => ({
    articleId: r.articleId,
    kind: r.kind,
    confidence: r.confidence,
    postId: r.postId,
    title: r.title,
    articleUrl: r.articleUrl,
    post: toPostRow(r),
  }));
}
