// Adds a news article to the archive and links it to the posts it cites:
// load (fetch a URL safely, or take HTML or text), extract, detect candidate
// references, look up cited posts not archived yet (on each cited platform
// whose source is configured), then in one transaction store the article, a snapshot when the
// content changed, the references (resolved or kept open) and a `cited`
// event per linked post. Free of CLI concerns: the HTTP API calls it too.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { detectReferences, type CandidateReference, type CitationDetector } from '../core/article-detect.js';
import { isMatchedElsewhere, type ActorChannels } from '../core/actor-quotes.js';
import {
  assignPosts,
  candidateWindow,
  differsFromArchive,
  isShortQuote,
  type Assignment,
  type PostCandidate,
} from '../core/article-match.js';
import { toArticleView, type ArticleView, type ReferenceView } from '../core/article-view.js';
import type { Clock } from '../core/clock.js';
import { InvalidInput, NotFound } from '../core/errors.js';
import type { PostSource } from '../ports/post-source.js';
import type { Prisma, Tx } from '../adapters/db/database.js';
import {
  createArticlesRepository,
  type ArticlesRepository,
  type CandidateQuery,
} from '../adapters/db/articles-repository.js';
import type { ExtractedArticle } from '../adapters/articles/extract.js';
import type { ArticleExtractor } from '../adapters/articles/extract-pool.js';
import type { FetchedPage } from '../adapters/fetch/safe-fetch.js';
import { createActorsRepository } from '../adapters/db/actors-repository.js';
import type { Platform } from '../core/platforms.js';
import { archiveMissingPosts } from './lookup-cited-posts.js';
import { resolveCitedUrls } from './cited-urls.js';
import { resolveCitedHandles } from './cited-handles.js';
import { encodeRawBody, storableText } from '../core/storable-text.js';

export interface LinkArticleDeps {
  prisma: Prisma;
  /** Each platform's citation detector (core/citation-detectors.ts). */
  detectors: readonly CitationDetector[];
  logger: Logger;
  clock: Clock;
  /** Fetches a page under the safe-fetch policy. */
  fetchPage(url: string, signal?: AbortSignal): Promise<FetchedPage>;
  /**
   * Reads a page off the main thread with a time limit (the service and the CLI
   * use a worker pool: adapters/articles/extract-pool.ts). Absent: in-process.
   */
  extract?: ArticleExtractor['extract'];
  /** The sources of the platforms that can be read: cited posts not archived yet are looked up by ID on theirs. */
  postSources?: readonly PostSource[];
}

export interface AddArticleInput {
  /** A URL to fetch, or the page itself (HTML or plain text). */
  source: string;
  /** The canonical URL, when the caller knows it better than the page. */
  url?: string;
  title?: string;
  publishedAt?: Date | string;
}

export interface AddArticleResult {
  article: ArticleView;
  references: ReferenceView[];
  created: boolean;
  contentChanged: boolean;
}

const CANDIDATE_LIMIT = 20;

interface Loaded {
  body: string;
  kind?: 'html' | 'text';
  contentType: string | null;
  fetchedFrom: string | null;
}

async function load(deps: LinkArticleDeps, source: string, signal?: AbortSignal): Promise<Loaded> {
  const trimmed = source.trim();
  if (!trimmed) throw new InvalidInput('the article is empty');
  if (/^https?:\/\/\S+$/i.test(trimmed)) {
    const page = await deps.fetchPage(trimmed, signal);
    return { body: page.body, kind: page.kind, contentType: page.contentType, fetchedFrom: page.url };
  }
  return { body: source, contentType: null, fetchedFrom: null };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined || value instanceof Date) return value;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidInput(`not a date: ${value}`);
  return new Date(t);
}

function articleKey(url: string | undefined, text: string): string {
  if (!url) return `sha256:${sha256(text)}`;
  try {
    const u = new URL(url);
    u.hash = '';
    return u.toString();
  } catch {
    return url;
  }
}

export async function addArticle(
  deps: LinkArticleDeps,
  input: AddArticleInput,
  signal?: AbortSignal,
): Promise<AddArticleResult> {
  const loaded = await load(deps, input.source, signal);
  // The page is read as storable text (U+FFFD for NUL and lone surrogates); the snapshot keeps it exactly.
  // In-process extraction loads the DOM library only when first needed (the service uses its worker pool).
  const extract =
    deps.extract ??
    (async (body, options) => (await import('../adapters/articles/extract.js')).extractArticle(body, options));
  const extracted = await extract(
    storableText(loaded.body).text,
    { kind: loaded.kind, url: input.url ?? loaded.fetchedFrom ?? undefined },
    signal,
  );
  if (!extracted.text.trim() && extracted.embeds.length === 0) throw new InvalidInput('no article text found');
  const publishedAt = parseDate(input.publishedAt) ?? extracted.publishedAt;
  const canonical = input.url ?? extracted.canonicalUrl ?? loaded.fetchedFrom ?? undefined;
  const articles = createArticlesRepository(deps.prisma);
  const watched = await articles.listWatchedAccounts();
  const actors = await actorChannels(deps.prisma);
  const content = canonical ? { ...extracted, pageUrl: canonical } : extracted;
  const detected = detectReferences(content, { detectors: deps.detectors, watched, actors });
  const candidates = await resolveCitedUrls(articles, await resolveCitedHandles(deps, detected, signal));
  for (const source of deps.postSources ?? []) {
    await archiveMissingPosts(deps, source, citedIds(candidates, source.platform), signal);
  }
  const stored = await deps.prisma.$transaction(async (tx) => {
    const article = {
      key: articleKey(canonical, extracted.text),
      url: loaded.fetchedFrom ?? input.url ?? null,
      canonicalUrl: canonical ?? null,
      title: storableOrNull(input.title) ?? extracted.title ?? firstLine(extracted),
      byline: extracted.byline ?? null,
      siteName: extracted.siteName ?? null,
      publishedAt: publishedAt ?? null,
      text: extracted.text,
      contentSha256: sha256(extracted.text),
      snapshot: {
        sha256: createHash('sha256').update(encodeRawBody(loaded.body).bytes).digest('hex'),
        body: loaded.body,
        contentType: loaded.contentType,
        fetchedFrom: loaded.fetchedFrom,
      },
    };
    const { id, created, contentChanged } = await articles.upsertArticle(article, tx);
    // Quotations are looked for in the month before publication; an undated
    // article is taken as published now, so the search always has bounds.
    const articleDate = publishedAt ?? deps.clock.now();
    const assignments = await matchCandidates(articles, tx, candidates, articleDate);
    await saveAssignments(articles, tx, id, assignments, articleDate);
    return { id, created, contentChanged };
  });
  const view = await showArticle(deps.prisma, stored.id);
  deps.logger.info(
    { article: stored.id, references: view.references.length, created: stored.created },
    'article linked',
  );
  return { article: view, references: view.references, created: stored.created, contentChanged: stored.contentChanged };
}

/** Every actor with the accounts of its channels (prose quotes attributed to it match any of them). */
async function actorChannels(prisma: Prisma): Promise<ActorChannels[]> {
  return (await createActorsRepository(prisma).list()).map((a) => ({
    name: a.name,
    channels: a.channels.map((c) => ({ platform: c.platform as Platform, handle: c.handle })),
  }));
}

function storableOrNull(text: string | undefined): string | undefined {
  return text === undefined ? undefined : storableText(text).text;
}

function firstLine(extracted: ExtractedArticle): string | null {
  const line = extracted.text
    .split('\n')
    .find((l) => l.trim())
    ?.trim();
  return line && line.length <= 200 ? line : null;
}

function citedIds(candidates: CandidateReference[], platform: string): string[] {
  return [...new Set(candidates.flatMap((c) => (c.citedId && c.platform === platform ? [c.citedId] : [])))];
}

/**
 * Gathers the posts each candidate may designate (two queries per cited
 * platform at most), then lets the core assign them.
 */
async function matchCandidates(
  articles: ArticlesRepository,
  tx: Tx,
  candidates: CandidateReference[],
  publishedAt?: Date,
): Promise<Assignment[]> {
  const byId = new Map<string, PostCandidate[]>();
  const byText = new Map<string, PostCandidate[]>();
  for (const platform of new Set(candidates.map((c) => c.platform))) {
    byId.set(platform, await articles.findPostsByIds(platform, citedIds(candidates, platform), tx));
    const queries = textQueries(
      candidates.filter((c) => c.platform === platform),
      publishedAt,
    );
    const found = await articles.findCandidatePosts(platform, queries, CANDIDATE_LIMIT, tx);
    for (const [key, posts] of found) byText.set(key, posts);
  }
  const postsOf = (c: CandidateReference) => (c.citedId ? byId.get(c.platform) : byText.get(c.fingerprint)) ?? [];
  return assignPosts(candidates, postsOf, publishedAt);
}

/** The text searches of the candidates that cite no ID (plain-text embeds, quotations). */
function textQueries(candidates: CandidateReference[], publishedAt: Date | undefined): CandidateQuery[] {
  return candidates.flatMap((c) => {
    if (c.citedId || !c.handle || !c.text) return [];
    const window = candidateWindow(c, publishedAt);
    const q: CandidateQuery = {
      key: c.fingerprint,
      handle: c.handle,
      from: window?.from ?? null,
      to: window?.to ?? null,
      text: c.text,
      partial: c.kind === 'quote',
    };
    return [q];
  });
}

async function saveAssignments(
  articles: ArticlesRepository,
  tx: Tx,
  articleId: number,
  assignments: Assignment[],
  articleDate: Date,
): Promise<void> {
  // A second sight of a linked citation (an embed and a link to it) adds no reference.
  // An unmatched prose quote is kept open: its post may not be archived yet. It
  // carries the date its look-back window is counted from, so that it resolves on
  // arrival under the same rules as here. A quotation of an actor that one of its
  // channels' posts says is not kept open for its other channels.
  const kept = assignments.filter(
    ({ sameAs, candidate, post, ambiguous }) =>
      !sameAs && (post || (!ambiguous && keptOpen(candidate) && !isMatchedElsewhere(candidate, assignments))),
  );
  const saved = await articles.saveReferences(
    kept.map(({ candidate: c, post, score }) => ({
      articleId,
      postId: post?.postId ?? null,
      fingerprint: c.fingerprint,
      platform: c.platform,
      citedPlatformId: c.citedId ?? null,
      citedHandle: c.handle ?? null,
      citedDate: c.date ?? null,
      kind: c.kind,
      confidence: score?.confidence ?? 0,
      evidence: evidenceOf(c, articleDate, post ? score : undefined),
      witnessedText: score?.witnessed ?? c.text ?? null,
      differsFromArchive:
        post && c.kind === 'embed' ? differsFromArchive(score?.witnessed ?? c.text, post.text) : false,
    })),
    tx,
  );
  await articles.recordCitations(
    saved.flatMap((r) => (r.postId ? [r.id] : [])),
    tx,
  );
}

/**
 * An unmatched prose quotation is kept open only when its sentence designates
 * one account and it is long enough to designate one post: an open reference
 * resolves later to any post of that account that says it.
 */
function keptOpen(c: CandidateReference): boolean {
  return c.kind !== 'quote' || (c.evidence.unambiguous === true && !isShortQuote(c));
}

function evidenceOf(c: CandidateReference, articleDate: Date, score: Assignment['score']) {
  const { witnessed: _witnessed, ...match } = score ?? {};
  return {
    ...c.evidence,
    ...(c.name ? { name: c.name } : {}),
    ...(c.kind === 'quote' ? { articleDate: articleDate.toISOString() } : {}),
    ...(!score && c.textVariants?.length ? { textVariants: c.textVariants } : {}),
    ...(score ? { match } : {}),
  };
}

export async function showArticle(db: Prisma, id: number): Promise<ArticleView> {
  const row = await createArticlesRepository(db).getArticle(id);
  if (!row) throw new NotFound(`no article ${id}`);
  return toArticleView(row);
}
