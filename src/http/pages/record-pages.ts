// A post (every version with what changed, its status, the articles citing it
// with their own copy of its text) and an article (its text with the cited
// passages highlighted).
import { diffWords } from 'diff';
import type { PostView } from '../../core/post-view.js';
import { html, linkedText, safeUrl, type SafeHtml } from './html.js';
import { formatPublished, formatTime, page } from './layout.js';
import { badges, postCard, postPath } from './post-card.js';
import { postDetails } from './post-details.js';
import type { ArchivedMedia } from './media-view.js';

interface Version {
  versionId: string;
  text: string;
  createdAt: string;
  capturedAt: string;
}

interface Citation {
  article: {
    id: number;
    url: string | null;
    title: string | null;
    siteName: string | null;
    publishedAt: string | null;
  };
  kind: string;
  confidence: number;
  witnessedText: string | null;
  differsFromArchive: boolean;
}

export function diffHtml(before: string, after: string): SafeHtml {
  return html`${diffWords(before, after).map((part) =>
    part.added ? html`<ins>${part.value}</ins>` : part.removed ? html`<del>${part.value}</del>` : part.value,
  )}`;
}

export function renderPostPage(data: {
  post: PostView;
  versions: Version[];
  citations: Citation[];
  /** What the archive holds of the post's media files. */
  media?: ArchivedMedia[];
}): string {
  const { post, versions, citations } = data;
  const deleted =
    post.status !== 'available'
      ? html`<p class="status-note">
          This post is <strong>${post.status}</strong> on
          ${post.platform}${post.statusChangedAt ? html` (noticed ${formatTime(post.statusChangedAt)})` : ''}. The
          archived copy below is what was published.
        </p>`
      : '';
  const body = html`<h1>Post by ${post.account ?? 'an unknown account'} ${badges(post)}</h1>
    ${deleted} ${postCard(post)} ${postDetails(post, data.media)}
    <h2>Versions (${versions.length})</h2>
    <ol class="versions">
      ${versions.map(
        (v, i) =>
          html`<li>
            <div class="meta">
              Version ${i + 1} · ID ${v.versionId} · published ${formatTime(v.createdAt)} · captured
              ${formatTime(v.capturedAt)}
            </div>
            ${i === 0 ? html`<p class="text">${linkedText(v.text)}</p>` : html`<p class="text diff">${diffHtml(versions[i - 1]!.text, v.text)}</p>`}
          </li>`,
      )}
    </ol>
    <h2>Cited by (${citations.length})</h2>
    ${
      citations.length
        ? html`<ul class="citations">
            ${citations.map(
              (c) =>
                html`<li>
                  <a href="/articles/${c.article.id}"
                    >${c.article.title ?? c.article.url ?? `article ${c.article.id}`}</a
                  >
                  <span class="muted"
                    >${c.article.siteName ? html`${c.article.siteName} · ` : ''}${
                      c.article.publishedAt ? html`${formatPublished(c.article.publishedAt)} · ` : ''
                    }${c.kind},
                    confidence ${c.confidence.toFixed(2)}</span
                  >
                  ${c.differsFromArchive ? html`<span class="badge badge-deleted">differs from the archive</span>` : ''}
                  ${
                    c.witnessedText
                      ? html`<blockquote class="witness">
                          <p>${c.witnessedText}</p>
                          <footer>the article's copy</footer>
                        </blockquote>`
                      : ''
                  }
                </li>`,
            )}
          </ul>`
        : html`<p class="empty">No article in the archive cites this post.</p>`
    }`;
  return page(`Post ${post.id}`, body);
}

interface ArticleReference {
  kind: string;
  confidence: number;
  status: string;
  witnessedText: string | null;
  differsFromArchive: boolean;
  post: PostView | null;
}

/** The article's text with every passage that cites a post marked and linked to it. */
export function highlightReferences(text: string, references: ArticleReference[]): SafeHtml {
  const spans: { start: number; end: number; ref: ArticleReference }[] = [];
  for (const ref of references) {
    if (!ref.witnessedText) continue;
    const start = text.indexOf(ref.witnessedText.trim());
    if (start >= 0) spans.push({ start, end: start + ref.witnessedText.trim().length, ref });
  }
  spans.sort((a, b) => a.start - b.start);
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    parts.push(html`${text.slice(at, span.start)}`);
    const mark = html`<mark class="reference">${text.slice(span.start, span.end)}</mark>`;
    parts.push(span.ref.post ? html`<a class="reference" href="${postPath(span.ref.post)}">${mark}</a>` : mark);
    at = span.end;
  }
  parts.push(html`${text.slice(at)}`);
  return html`${parts}`;
}

/** Site, byline, publication time and the original link, separated by dots only between them. */
function articleFacts(article: {
  url: string | null;
  byline: string | null;
  siteName: string | null;
  publishedAt: string | null;
}): SafeHtml {
  const facts = [
    article.siteName ? html`${article.siteName}` : null,
    article.byline ? html`${article.byline}` : null,
    article.publishedAt ? html`${formatPublished(article.publishedAt)}` : null,
    article.url ? html`<a href="${safeUrl(article.url)}" rel="noopener noreferrer">original</a>` : null,
  ].filter((f) => f !== null);
  return html`${facts.map((f, i) => (i === 0 ? f : html` · ${f}`))}`;
}

export function renderArticlePage(article: {
  id: number;
  url: string | null;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  publishedAt: string | null;
  text: string;
  references: ArticleReference[];
}): string {
  const paragraphs = highlightReferences(article.text, article.references);
  const body = html`<h1>${article.title ?? `Article ${article.id}`}</h1>
    <p class="muted">${articleFacts(article)}</p>
    <div class="article-text">${paragraphs}</div>
    <h2>Posts it cites (${article.references.length})</h2>
    <ul class="citations">
      ${article.references.map(
        (r) =>
          html`<li>
            <span class="muted">${r.kind}, confidence ${r.confidence.toFixed(2)}, ${r.status}</span>
            ${r.differsFromArchive ? html`<span class="badge badge-deleted">differs from the archive</span>` : ''}
            ${r.post ? postCard(r.post) : html`<p class="empty">Not in the archive yet.</p>`}
            ${
              r.witnessedText
                ? html`<blockquote class="witness">
                    <p>${r.witnessedText}</p>
                    <footer>the article's copy</footer>
                  </blockquote>`
                : ''
            }
          </li>`,
      )}
    </ul>`;
  return page(article.title ?? `Article ${article.id}`, body);
}
