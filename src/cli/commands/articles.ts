// `onrecord articles add|show|list`: news articles and the posts they cite.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.js';
import { parseRowId } from '../../core/ids.js';
import type { ArticleView } from '../../core/article-view.js';
import { createArticlesRepository } from '../../adapters/db/articles-repository.js';
import { addArticle, showArticle } from '../../jobs/link-article.js';
import { createLinkDeps } from '../../service/link-deps.js';
import { printJson, printLine, printTable, type Io } from '../output.js';
import type { CliRuntime } from '../runtime.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** A URL is passed on to be fetched; `-` is stdin; anything else is a file path. */
async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return source;
  if (source === '-') return readStdin();
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new InvalidInput(`cannot read ${source}: ${(err as Error).message}`);
  }
}

function parseId(text: string): number {
  return parseRowId(text, 'an article id');
}

function printArticle(io: Io, a: ArticleView): void {
  printLine(io, `article ${a.id}: ${a.title ?? '(no title)'}`);
  if (a.canonicalUrl ?? a.url) printLine(io, `url: ${a.canonicalUrl ?? a.url}`);
  if (a.publishedAt) printLine(io, `published: ${a.publishedAt}`);
  if (a.references.length === 0) return printLine(io, 'no references');
  printTable(
    io,
    ['kind', 'confidence', 'status', 'post', 'account', 'text'],
    a.references.map((r) => [
      r.kind,
      r.confidence.toFixed(2),
      r.differsFromArchive ? `${r.status}, differs` : r.status,
      r.post.id ?? '-',
      r.post.account ?? (r.cited.handle ? `@${r.cited.handle}` : ''),
      r.post.status && r.post.status !== 'available'
        ? `[${r.post.status}; the article's copy] ${r.witnessedText ?? ''}`
        : (r.post.text ?? r.witnessedText),
    ]),
  );
}

export function registerArticles(program: Command, rt: CliRuntime): void {
  const articles = program.command('articles').description('news articles and the posts they cite');
  articles
    .command('add')
    .description('add an article (URL, HTML or text file, or - for stdin) and link the posts it cites')
    .argument('<source>', 'a URL to fetch, a file path, or - for stdin')
    .option('--url <canonical>', 'the canonical URL of the article')
    .option('--title <title>', 'the title, when the page has none')
    .option('--published-at <date>', 'the publication time (ISO 8601), when the page has none')
    .option('--json', 'print the article and its references as JSON')
    .action(async (source: string, opts: { url?: string; title?: string; publishedAt?: string; json?: boolean }) => {
      const body = await readSource(source);
      await rt.run({}, async (ctx) => {
        const deps = createLinkDeps(ctx);
        try {
          const { article } = await addArticle(deps, { source: body, ...opts });
          if (opts.json) return printJson(rt.io, article);
          printArticle(rt.io, article);
        } finally {
          await deps.close();
        }
      });
    });
  articles
    .command('show')
    .description('show an article and its references')
    .argument('<id>', 'the article id')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const articleId = parseId(id);
      return rt.run({}, async (ctx) => {
        const article = await showArticle(ctx.db.prisma, articleId);
        if (opts.json) return printJson(rt.io, article);
        printArticle(rt.io, article);
      });
    });
  articles
    .command('list')
    .description('list the articles, newest first')
    .option('--limit <n>', 'how many (1-1000)', '100')
    .option('--json', 'print JSON')
    .action((opts: { limit: string; json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const limit = Math.min(1000, Math.max(1, Number(opts.limit) || 100));
        const rows = (await createArticlesRepository(ctx.db.prisma).listArticles(limit)).map((a) => ({
          id: a.id,
          title: a.title,
          url: a.canonicalUrl ?? a.url,
          publishedAt: a.publishedAt?.toISOString() ?? null,
          references: a._count.references,
        }));
        if (opts.json) return printJson(rt.io, rows);
        if (rows.length === 0) return printLine(rt.io, 'no articles');
        printTable(
          rt.io,
          ['id', 'published', 'refs', 'title', 'url'],
          rows.map((r) => [r.id, r.publishedAt?.slice(0, 10), r.references, r.title, r.url]),
        );
      }),
    );
}
