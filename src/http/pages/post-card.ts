// One post in a list: account, time, text, status badges, link to its page.
import { platformLabel } from '../../core/ids.js';
import type { PostView } from '../../core/post-view.js';
import { html, linkedText, safeUrl, type SafeHtml } from './html.js';
import { formatTime } from './layout.js';

export function postPath(post: { platform: string; id: string }): string {
  return `/posts/${encodeURIComponent(post.platform)}/${encodeURIComponent(post.id)}`;
}

export function accountPath(account: string | null): string | null {
  if (!account) return null;
  // A handle may hold a colon itself (Mastodon: `user@server:port`).
  const colon = account.indexOf(':');
  const [platform, handle] = colon < 0 ? [account, ''] : [account.slice(0, colon), account.slice(colon + 1)];
  return `/accounts/${encodeURIComponent(platform)}/${encodeURIComponent(handle)}`;
}

/** The host a link leads to, as shown beside a post ("news.example"). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

export function badges(post: PostView): SafeHtml {
  return html`${post.status !== 'available' ? html`<span class="badge badge-${post.status}">${post.status}</span>` : ''}${
    post.edited ? html`<span class="badge badge-edited">edited</span>` : ''
  }`;
}

/** The platform a post was published on, by its descriptor's label ("X"). */
export function platformBadge(post: { platform: string }): SafeHtml {
  return html`<span class="badge badge-platform" data-platform="${post.platform}"
    >${platformLabel(post.platform)}</span
  >`;
}

/** The post on its platform (the descriptor's permalink); plain text when the platform has no web address for it. */
export function originalLink(post: PostView): SafeHtml {
  const label = `on ${platformLabel(post.platform)}`;
  return safeUrl(post.url) === '#'
    ? html`<span class="original">${label}</span>`
    : html`<a class="original" href="${safeUrl(post.url)}" rel="noopener noreferrer">${label}</a>`;
}

export interface PostCardOptions {
  /** The text to show instead of the post's (highlighted matches). */
  text?: SafeHtml | undefined;
  score?: number | undefined;
  /** How many articles cite the post (search results). */
  citations?: number | undefined;
}

export function postCard(post: PostView, options: PostCardOptions = {}) {
  const accountHref = accountPath(post.account);
  return html`<article class="post post-${post.status}">
    <header>
      ${platformBadge(post)}
      ${accountHref ? html`<a class="account" href="${accountHref}">${post.account}</a>` : html`<span class="account">unknown account</span>`}
      <a class="time" href="${postPath(post)}"
        ><time datetime="${post.createdAt}">${formatTime(post.createdAt)}</time></a
      >
      ${badges(post)}
      ${options.citations ? html`<span class="badge badge-cited">cited by ${options.citations === 1 ? 'an article' : `${options.citations} articles`}</span>` : ''}
      ${options.score !== undefined ? html`<span class="score" title="relevance">${options.score.toFixed(3)}</span>` : ''}
    </header>
    <p class="text">${options.text ?? linkedText(post.text)}</p>
    <footer>
      <a href="${postPath(post)}">archived copy</a> · ${originalLink(post)}
      ${post.urls.map((u) => html` · <a class="link" href="${safeUrl(u)}" rel="nofollow noopener noreferrer">${hostOf(u)}</a>`)}
    </footer>
  </article>`;
}
