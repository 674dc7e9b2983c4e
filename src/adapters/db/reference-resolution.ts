// Open references (an article cited a post the archive did not hold) are
// matched against posts as they arrive, inside the transaction that stores
// them: by the cited ID, or by the cited account, date window and text, with
// the same rules as when the article was added. A prose quotation waits for a
// post of the quoted account that contains it, created in the month before the
// article (counted from the date stored with the quotation).
import type { CandidateReference, Evidence, ReferenceKind } from '../../core/article-detect.js';
import { assignPosts, differsFromArchive, QUOTE_LOOKBACK_DAYS, type PostCandidate } from '../../core/article-match.js';
import type { Platform } from '../../core/platforms.js';
import type { Tx } from './database.js';
import { handlesOfAccounts } from './article-queries.js';
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
  /** When the article was published (or added, when undated): a quotation's window is counted from it. */
  article_date: Date;
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
    const [assignment] = assignPosts([toCandidate(ref)], () => candidates, ref.article_date, { containedOnly: true });
    if (!assignment?.post || !assignment.score) continue;
    const post = assignment.post;
    const { witnessed, ...match } = assignment.score;
    const updated = await tx.$executeRaw`
      UPDATE article_references SET post_id = ${post.postId}, status = 'resolved', resolved_at = now(),
        confidence = ${assignment.score.confidence},
        evidence = evidence || ${JSON.stringify({ match, resolvedOnArrival: true })}::jsonb,
        witnessed_text = ${witnessed ?? ref.witnessed_text},
        differs_from_archive = ${ref.kind === 'embed' ? differsFromArchive(witnessed ?? ref.witnessed_text ?? undefined, post.text) : false}
      WHERE id = ${ref.id} AND post_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM article_references o WHERE o.article_id = ${ref.article_id} AND o.post_id = ${post.postId})`;
    if (updated > 0) resolved.push(ref.id);
  }
  await recordCitations(tx, resolved);
}

/**
 * Open references of the posts' platforms that cite one of the posts' IDs, or
 * one of their accounts' handles. Quotations whose look-back window cannot hold any of the posts are
 * left out here already: spoken words never posted stay open for good, and
 * must not cost every later batch of the account.
 */
async function openReferences(tx: Tx, posts: PostCandidate[]): Promise<OpenReference[]> {
  const platforms = [...new Set(posts.map((p) => p.platform))];
  const ids = [...new Set(posts.flatMap((p) => [p.platformId, ...p.editIds]))];
  const handles = [...new Set(posts.flatMap((p) => p.handles.map((h) => h.toLowerCase())))];
  const times = posts.map((p) => p.createdAt.getTime());
  const earliest = new Date(Math.min(...times));
  const latest = new Date(Math.max(...times));
  const lookback = `${QUOTE_LOOKBACK_DAYS} days`;
  return tx.$queryRaw<OpenReference[]>`
    SELECT * FROM (
      SELECT r.id, r.article_id, r.fingerprint, r.platform, r.cited_platform_id, r.cited_handle, r.cited_date, r.kind,
        r.evidence, r.witnessed_text,
        COALESCE((r.evidence->>'articleDate')::timestamptz, a.published_at, a.created_at) AS article_date
      FROM article_references r JOIN articles a ON a.id = r.article_id
      WHERE r.status = 'unresolved' AND r.post_id IS NULL AND r.platform = ANY(${platforms}::text[])
        AND (r.cited_platform_id = ANY(${ids}::text[])
          OR (r.cited_platform_id IS NULL AND lower(r.cited_handle) = ANY(${handles}::text[])))) o
    WHERE o.kind <> 'quote' OR o.cited_platform_id IS NOT NULL
      OR (o.article_date + interval '1 day' > ${earliest}::timestamptz
        AND o.article_date - ${lookback}::interval <= ${latest}::timestamptz)
    ORDER BY o.id`;
}

function toCandidate(ref: OpenReference): CandidateReference {
  return {
    kind: ref.kind as ReferenceKind,
    platform: ref.platform as Platform,
    fingerprint: ref.fingerprint,
    ...(ref.cited_platform_id ? { citedId: ref.cited_platform_id } : {}),
    ...(ref.cited_handle ? { handle: ref.cited_handle } : {}),
    ...(ref.cited_date ? { date: ref.cited_date } : {}),
    ...(ref.witnessed_text ? { text: ref.witnessed_text } : {}),
    ...(ref.evidence.textVariants?.length ? { textVariants: ref.evidence.textVariants } : {}),
    evidence: ref.evidence,
  };
}
