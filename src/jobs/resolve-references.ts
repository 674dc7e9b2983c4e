// Open references (an article cited a post the archive did not hold) are
// matched against posts as they arrive, inside the transaction that stores
// them: by the cited ID, or by the cited account, date window and text, with
// the same rules as when the article was added.
import type { CandidateReference, Evidence, ReferenceKind } from '../core/article-detect.js';
import { assignPosts, differsFromArchive, type PostCandidate } from '../core/article-match.js';
import type { Tx } from '../adapters/db/database.js';
import { handlesOfAccounts } from '../adapters/db/articles-repository.js';
import { recordCitations } from './citation-events.js';

export interface ArrivedPost {
  id: number;
  platform: string;
  platformId: string;
  editIds: string[];
  text: string;
  accountId: number | null;
  createdAt: Date;
}

interface OpenReference {
  id: number;
  article_id: number;
  fingerprint: string;
  platform: string;
  cited_platform_id: string | null;
  cited_handle: string | null;
  cited_date: string | null;
  kind: string;
  evidence: Evidence;
  witnessed_text: string | null;
}

export async function resolveReferencesForPosts(tx: Tx, posts: ArrivedPost[]): Promise<void> {
  if (posts.length === 0) return;
  const handles = await handlesOfAccounts(tx, [...new Set(posts.flatMap((p) => (p.accountId ? [p.accountId] : [])))]);
  const candidates: PostCandidate[] = posts.map((p) => ({
    postId: p.id,
    platform: p.platform,
    platformId: p.platformId,
    editIds: p.editIds,
    accountId: p.accountId,
    handles: p.accountId ? (handles.get(p.accountId) ?? []) : [],
    text: p.text,
    createdAt: p.createdAt,
  }));
  const open = await openReferences(tx, candidates);
  const resolved: number[] = [];
  for (const ref of open) {
    const [assignment] = assignPosts([toCandidate(ref)], () => candidates);
    if (!assignment?.post || !assignment.score) continue;
    const post = assignment.post;
    const updated = await tx.$executeRaw`
      UPDATE article_references SET post_id = ${post.postId}, status = 'resolved', resolved_at = now(),
        confidence = ${assignment.score.confidence},
        evidence = evidence || ${JSON.stringify({ match: assignment.score, resolvedOnArrival: true })}::jsonb,
        differs_from_archive = ${ref.kind === 'embed' ? differsFromArchive(ref.witnessed_text ?? undefined, post.text) : false}
      WHERE id = ${ref.id} AND post_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM article_references o WHERE o.article_id = ${ref.article_id} AND o.post_id = ${post.postId})`;
    if (updated > 0) resolved.push(ref.id);
  }
  await recordCitations(tx, resolved);
}

/** Open references that cite one of the posts' IDs, or one of their accounts' handles. */
async function openReferences(tx: Tx, posts: PostCandidate[]): Promise<OpenReference[]> {
  const ids = [...new Set(posts.flatMap((p) => [p.platformId, ...p.editIds]))];
  const handles = [...new Set(posts.flatMap((p) => p.handles.map((h) => h.toLowerCase())))];
  return tx.$queryRaw<OpenReference[]>`
    SELECT id, article_id, fingerprint, platform, cited_platform_id, cited_handle, cited_date, kind, evidence, witnessed_text
    FROM article_references
    WHERE status = 'unresolved' AND post_id IS NULL
      AND (cited_platform_id = ANY(${ids}::text[])
        OR (cited_platform_id IS NULL AND lower(cited_handle) = ANY(${handles}::text[])))
    ORDER BY id`;
}

function toCandidate(ref: OpenReference): CandidateReference {
  return {
    kind: ref.kind as ReferenceKind,
    platform: 'x',
    fingerprint: ref.fingerprint,
    ...(ref.cited_platform_id ? { citedId: ref.cited_platform_id } : {}),
    ...(ref.cited_handle ? { handle: ref.cited_handle } : {}),
    ...(ref.cited_date ? { date: ref.cited_date } : {}),
    ...(ref.witnessed_text ? { text: ref.witnessed_text } : {}),
    evidence: ref.evidence,
  };
}
