// The articles aggregate: articles, their snapshots and their references to
// posts (the queries: article-queries.ts), and the `cited` events of the
// references that link a post (citation-events.ts). A factory over the
// database; every method takes an optional transaction: writes given one
// join the caller's unit of work (the article, its snapshot, its references
// and their events in one transaction), writes without one run in a
// transaction of their own.
import type { WatchedAccount } from '../../core/article-detect.js';
import type { Platform } from '../../core/platforms.js';
import type { Prisma, Tx } from './database.js';
import { inTransaction } from './database.js';
import {
  citationsOf,
  findCandidatePosts,
  findPostsByIds,
  getArticle,
  handlesOfAccounts,
  saveReferences,
  upsertArticle,
  type ArticleInput,
  type CandidateQuery,
  type ReferenceInput,
} from './article-queries.js';
import { recordCitations } from './citation-events.js';

export type { ArticleInput, CandidateQuery, ReferenceInput } from './article-queries.js';

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;

export function createArticlesRepository(db: Prisma) {
  return {
    /** Inserts or updates an article by key and, when its content is new, keeps a snapshot (logged as evidence). */
    upsertArticle: (input: ArticleInput, tx?: Tx) => inTransaction(db, tx, (t) => upsertArticle(t, input)),

    /**
     * Stores references, idempotent on (article, fingerprint); a resolved one
     * stays resolved; one link per (article, post). Returns the rows written.
     */
    saveReferences: (refs: ReferenceInput[], tx: Tx = db) => saveReferences(tx, refs),

    /** Records a `cited` event for each reference that links a post; returns how many were new. */
    recordCitations: (referenceIds: number[], tx?: Tx) =>
      inTransaction(db, tx, (t) => recordCitations(t, referenceIds)),

    /** Posts of a platform whose platform ID or any edit ID is one of `ids`. */
    findPostsByIds: (platform: string, ids: string[], tx: Tx = db) => findPostsByIds(tx, platform, ids),

    /** The best text matches of several candidates in one round trip (see article-queries.ts). */
    findCandidatePosts: (platform: string, queries: CandidateQuery[], limit: number, tx: Tx = db) =>
      findCandidatePosts(tx, platform, queries, limit),

    /** Every handle (current and former) of each account. */
    handlesOfAccounts: (accountIds: number[], tx: Tx = db) => handlesOfAccounts(tx, accountIds),

    /** An article with its snapshots and its references (with their posts). */
    getArticle: (id: number, tx: Tx = db) => getArticle(tx, id),

    /** What a `cited` event needs of each linked reference. */
    citationsOf: (referenceIds: number[], tx: Tx = db) => citationsOf(tx, referenceIds),

    /** The watched accounts of every platform, as prose-quote detection needs them. */
    async listWatchedAccounts(tx: Tx = db): Promise<WatchedAccount[]> {
      const rows = await tx.account.findMany({
        select: { platform: true, handle: true, displayName: true },
        orderBy: { id: 'asc' },
      });
      return rows.map((r) => ({ platform: r.platform as Platform, handle: r.handle, displayName: r.displayName }));
    },

    listArticles(limit = 100, tx: Tx = db) {
      return tx.article.findMany({
        orderBy: [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
        take: limit,
        include: { _count: { select: { references: true } } },
      });
    },

    /** The articles that cite a post, with how they cite it (for `posts show`). */
    async listCitingArticles(postId: number, tx: Tx = db) {
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
    },
  };
}
