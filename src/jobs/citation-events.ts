// A `cited` event for each reference that links a post, in the transaction
// that links it. The outbox dedupes on cited:<article>:<platform>:<post>, so
// re-adding an article raises nothing new.
import { toPostView } from '../core/post-view.js';
import type { Tx } from '../adapters/db/database.js';
import { eventKeys, recordEvents } from '../adapters/db/events-repository.js';

export async function recordCitations(tx: Tx, referenceIds: number[]): Promise<number> {
  if (referenceIds.length === 0) return 0;
  const refs = await tx.articleReference.findMany({
    where: { id: { in: referenceIds }, postId: { not: null } },
    include: {
      post: { include: { account: true } },
      article: { select: { id: true, url: true, canonicalUrl: true, title: true } },
    },
  });
  return recordEvents(
    tx,
    refs.flatMap((r) =>
      r.post
        ? [
            {
              kind: 'cited' as const,
              dedupeKey: eventKeys.cited(r.articleId, r.post.platform, r.post.platformId),
              postId: r.post.id,
              articleId: r.articleId,
              payload: {
                post: toPostView(r.post),
                article: {
                  id: r.article.id,
                  url: r.article.canonicalUrl ?? r.article.url,
                  title: r.article.title,
                  kind: r.kind,
                  confidence: r.confidence,
                },
              },
            },
          ]
        : [],
    ),
  );
}
