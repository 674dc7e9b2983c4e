// Candidates that cite a post only by its own address (a press release's page,
// see `citedUrls` in core/article-detect.ts): each whose address is the
// permalink of an archived post of its platform becomes a citation of that
// post by ID; the others cite nothing (any link may be such a candidate, so
// an unmatched one is not kept open). One query per cited platform.
import type { CandidateReference } from '../core/article-detect.js';
import type { ArticlesRepository } from '../adapters/db/articles-repository.js';

export async function resolveCitedUrls(
  articles: ArticlesRepository,
  candidates: CandidateReference[],
): Promise<CandidateReference[]> {
  const byUrl = candidates.filter((c) => !c.citedId && c.citedUrls?.length);
  if (byUrl.length === 0) return candidates;
  const owners = new Map<string, string>();
  for (const platform of new Set(byUrl.map((c) => c.platform))) {
    const urls = [...new Set(byUrl.filter((c) => c.platform === platform).flatMap((c) => c.citedUrls!))];
    for (const post of await articles.findPostsByPermalinks(platform, urls)) {
      owners.set(`${platform} ${post.permalink}`, post.platformId);
    }
  }
  return candidates.flatMap((c) => {
    if (c.citedId || !c.citedUrls?.length) return [c];
    const id = c.citedUrls.map((u) => owners.get(`${c.platform} ${u}`)).find((found) => found !== undefined);
    return id ? [{ ...c, citedId: id, fingerprint: `${c.platform}:id:${id}` }] : [];
  });
}
