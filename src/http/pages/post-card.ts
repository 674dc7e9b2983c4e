// One post in a list: account, time, text, status badges, link to its page.
import { platformDescriptor } from '../../core/platforms.js';
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

export interface PostCardOptions {
  /** The text to show instead of the post's (highlighted matches). */
  text?: SafeHtml | undefined;
  score?: number | undefined;
  /** How many articles cite the post (search results). */
  citations?: number | undefined;
}

export function postCard(post: PostView, options: PostCardOptions = {}) {
  const accountHref = accountPath(post.account);
  const platformLabel = platformDescriptor(post.platform)?.label ?? post.platform;
  return html`<article class="post post-${post.status}">
    <header>
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
      <a href="${postPath(post)}">archived copy</a> ·
      <a href="${safeUrl(post.url)}" rel="noopener noreferrer">on ${platformLabel}</a>
      ${post.urls.map((u) => html` · <a class="link" href="${safeUrl(u)}" rel="nofollow noopener noreferrer">${hostOf(u)}</a>`)}
    </footer>
  </article>`;
}
