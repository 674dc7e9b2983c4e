// Reads that gather what an evidence bundle holds about one post: the raw
// captures behind its versions, its status observations, and the snapshots of
// the articles that cite it.
import { decodeRawBody } from '../../core/storable-text.js';
import type { Prisma, Tx } from './database.js';

/** Bodies are returned as received (decoded from their storage encoding). */
const decoded = <T extends { body: string; bodyEncoding: string }>({ bodyEncoding, ...row }: T) => ({
  ...row,
  body: decodeRawBody(bodyEncoding, row.body),
});

export interface CaptureBlob {
  id: number;
  source: string;
  requestUrl: string | null;
  contentType: string | null;
  capturedAt: Date;
  body: string;
}

export interface SnapshotBlob {
  id: number;
  articleId: number;
  articleTitle: string | null;
  articleUrl: string | null;
  contentType: string | null;
  fetchedFrom: string | null;
  capturedAt: Date;
  body: string;
}

export interface ObservationRow {
  id: number;
  status: string;
  detail: string | null;
  observedAt: Date;
}

export interface ExchangeCapture extends CaptureBlob {
  httpStatus: number | null;
}

export function createEvidenceRepository(db: Prisma) {
  return {
    /** The captures that showed any version of these posts, each once, oldest first. */
    async capturesOfPosts(postIds: number[], tx: Tx = db): Promise<ExchangeCapture[]> {
      const rows = await tx.capture.findMany({
        where: { versions: { some: { postId: { in: postIds } } } },
        orderBy: { id: 'asc' },
        select: {
          id: true,
          source: true,
          requestUrl: true,
          httpStatus: true,
          contentType: true,
          capturedAt: true,
          body: true,
          bodyEncoding: true,
        },
      });
      return rows.map(decoded);
    },

    /** Snapshots of the articles citing any of these posts, each once, oldest first. */
    async snapshotsCitingPosts(postIds: number[], tx: Tx = db): Promise<SnapshotBlob[]> {
      const rows = await tx.articleSnapshot.findMany({
        where: { article: { references: { some: { postId: { in: postIds } } } } },
        orderBy: { id: 'asc' },
        include: { article: { select: { title: true, url: true, canonicalUrl: true } } },
      });
      return rows.map(({ article, sha256: _sha, ...s }) => ({
        ...decoded(s),
        articleTitle: article.title,
        articleUrl: article.canonicalUrl ?? article.url,
      }));
    },

    async captures(ids: number[], tx: Tx = db): Promise<CaptureBlob[]> {
      const rows = await tx.capture.findMany({
        where: { id: { in: ids } },
        orderBy: { id: 'asc' },
        select: {
          id: true,
          source: true,
          requestUrl: true,
          contentType: true,
          capturedAt: true,
          body: true,
          bodyEncoding: true,
        },
      });
      return rows.map(decoded);
    },

    observations(platform: string, platformId: string, tx: Tx = db): Promise<ObservationRow[]> {
      return tx.statusObservation.findMany({
        where: { platform, platformId },
        orderBy: { id: 'asc' },
        select: { id: true, status: true, detail: true, observedAt: true },
      });
    },

    async citingSnapshots(postId: number, tx: Tx = db): Promise<SnapshotBlob[]> {
      const rows = await tx.articleSnapshot.findMany({
        where: { article: { references: { some: { postId } } } },
        orderBy: { id: 'asc' },
        include: { article: { select: { title: true, url: true, canonicalUrl: true } } },
      });
      return rows.map(({ article, sha256: _sha, ...s }) => ({
        ...decoded(s),
        articleTitle: article.title,
        articleUrl: article.canonicalUrl ?? article.url,
      }));
    },
  };
}
