// A `cited` event for each reference that links a post, in the transaction
// that links it. The outbox dedupes on cited:<article>:<platform>:<post>, so
// re-adding an article raises nothing new.
import { toPostView } from '../../core/post-view.js';
import type { Tx } from './database.js';
import { citationsOf } from './article-queries.js';
import { eventKeys, recordEvents } from './events-repository.js';

export async function recordCitations(tx: Tx, referenceIds: number[]): Promise<number> {
  const citations = await citationsOf(tx, referenceIds);
  return recordEvents(
    tx,
    citations.map((c) => ({
      kind: 'cited' as const,
      dedupeKey: eventKeys.cited(c.articleId, c.post.platform, c.post.platformId),
      postId: c.postId,
      articleId: c.articleId,
      payload: {
        post: toPostView(c.post),
        article: { id: c.articleId, url: c.articleUrl, title: c.title, kind: c.kind, confidence: c.confidence },
      },
    })),
  );
}
