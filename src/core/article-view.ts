// The public shape of an article and its references, shared by the CLI's
// --json and the HTTP API. A reference shows the archived post when it is
// resolved, and always the article's own copy of it (the witness): when the
// post was deleted or edited, that copy is what the article saw. Pure.
import { toPostView, type PostRow, type PostView } from './post-view.js';

export interface ReferenceRow {
  id: number;
  platform: string;
  kind: string;
  confidence: number;
  evidence: unknown;
  status: string;
  citedPlatformId: string | null;
  citedHandle: string | null;
  citedDate: string | null;
  witnessedText: string | null;
  differsFromArchive: boolean;
  resolvedAt: Date | null;
  post: PostRow | null;
}

export interface ArticleRow {
  id: number;
  key: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  publishedAt: Date | null;
  text: string;
  contentSha256: string;
  createdAt: Date;
  updatedAt: Date;
  references: ReferenceRow[];
  snapshots?: {
    id: number;
    sha256: string;
    contentType: string | null;
    fetchedFrom: string | null;
    capturedAt: Date;
  }[];
}

export type ReferencePost = Omit<Partial<PostView>, 'id' | 'platform'> & { platform: string; id: string | null };

export interface ReferenceView {
  id: number;
  post: ReferencePost;
  kind: string;
  confidence: number;
  evidence: unknown;
  status: string;
  cited: { platformId: string | null; handle: string | null; date: string | null };
  witnessedText: string | null;
  differsFromArchive: boolean;
  resolvedAt: string | null;
}

export interface ArticleView {
  id: number;
  key: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  publishedAt: string | null;
  contentSha256: string;
  createdAt: string;
  updatedAt: string;
  snapshots: {
    id: number;
    sha256: string;
    contentType: string | null;
    fetchedFrom: string | null;
    capturedAt: string;
  }[];
  references: ReferenceView[];
}

export function toReferenceView(r: ReferenceRow): ReferenceView {
  const post: ReferencePost = r.post ? toPostView(r.post) : { platform: r.platform, id: r.citedPlatformId };
  return {
    id: r.id,
    post,
    kind: r.kind,
    confidence: r.confidence,
    evidence: r.evidence,
    status: r.status,
    cited: { platformId: r.citedPlatformId, handle: r.citedHandle, date: r.citedDate },
    witnessedText: r.witnessedText,
    differsFromArchive: r.differsFromArchive,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
  };
}

export function toArticleView(a: ArticleRow): ArticleView {
  return {
    id: a.id,
    key: a.key,
    url: a.url,
    canonicalUrl: a.canonicalUrl,
    title: a.title,
    byline: a.byline,
    siteName: a.siteName,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    contentSha256: a.contentSha256,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    snapshots: (a.snapshots ?? []).map((s) => ({ ...s, capturedAt: s.capturedAt.toISOString() })),
    references: a.references.map(toReferenceView),
  };
}
