// posts show: one archived post with every version (oldest first) and the
// captures that showed them. Any ID of an X edit chain finds the post.
import type { Command } from 'commander';
import { createPostsRepository } from '../../adapters/db/posts-repository.js';
import { createArticlesRepository } from '../../adapters/db/articles-repository.js';
import type { Prisma } from '../../adapters/db/database.js';
import { NotFound } from '../../core/errors.js';
import { parsePostRef } from '../../core/ids.js';
import { toPostView } from '../../core/post-view.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine } from '../output.js';

type FoundPost = NonNullable<Awaited<ReturnType<ReturnType<typeof createPostsRepository>['findByAnyId']>>>;

/** The JSON of `posts show --json`: assembled here only, so that a field is a one-line addition. */
export async function postShowJson(db: Prisma, post: FoundPost) {
  const captures = new Map(post.versions.flatMap((v) => (v.capture ? [[v.capture.id, v.capture]] : [])));
  return {
    ...toPostView(post),
    statusDetail: post.statusDetail,
    versionCount: post.versionCount,
    versions: post.versions.map((v) => ({
      versionId: v.versionId,
      text: v.text,
      createdAt: v.createdAt.toISOString(),
      capturedAt: v.capturedAt.toISOString(),
      sha256: v.contentSha256,
      captureId: v.captureId,
      mediaKeys: mediaKeysOf(v.data),
    })),
    captures: [...captures.values()].map((c) => ({
      id: c.id,
      source: c.source,
      requestUrl: c.requestUrl,
      sha256: c.sha256,
      capturedAt: c.capturedAt.toISOString(),
    })),
    articles: await createArticlesRepository(db).listCitingArticles(post.id),
  };
}

/** Every media key of a version as stored (its data is the normalized version). */
function mediaKeysOf(data: unknown): string[] {
  const d = data as { mediaKeys?: unknown; media?: { key?: unknown }[] } | null;
  if (Array.isArray(d?.mediaKeys)) return d.mediaKeys.filter((k): k is string => typeof k === 'string');
  return (Array.isArray(d?.media) ? d.media : []).flatMap((m) => (typeof m?.key === 'string' ? [m.key] : []));
}

export function registerPosts(program: Command, rt: CliRuntime): void {
  const posts = program.command('posts').description('archived posts');
  posts
    .command('show <post>')
    .description('show a post and its versions, e.g. x:1235243970720694456 (any ID of an edit chain)')
    .option('--json', 'print as JSON')
    .action((ref: string, opts: { json?: boolean }) => {
      const { platform, id } = parsePostRef(ref);
      return rt.run({}, async (ctx) => {
        const post = await createPostsRepository(ctx.db.prisma).findByAnyId(platform, id);
        if (!post) throw new NotFound(`no archived post ${platform}:${id}`);
        const json = await postShowJson(ctx.db.prisma, post);
        if (opts.json) return printJson(rt.io, json);
        printLine(rt.io, `${json.account ?? json.platform}  ${json.createdAt}  ${json.status}`);
        printLine(rt.io, json.url);
        printLine(rt.io);
        printLine(rt.io, json.text);
        for (const a of json.articles)
          printLine(rt.io, `cited by article ${a.id} (${a.kind}, ${a.confidence}): ${a.title ?? a.url ?? ''}`);
        if (json.versions.length > 1) {
          printLine(rt.io);
          printLine(rt.io, `${json.versions.length} versions, oldest first:`);
          for (const v of json.versions) printLine(rt.io, `  ${v.createdAt}  ${v.versionId}  ${v.text}`);
        }
      });
    });
}
