// The actors list and one actor: its channels (accounts on any platform, each
// with its platform's badge) and the posts of all of them, newest first.
import type { SearchPage } from '../../adapters/db/search-repository.js';
import type { ActorView } from '../../core/actors.js';
import { toPostView } from '../../core/post-view.js';
import { html, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { LIVE_SCRIPT, liveHook } from './live-posts.js';
import { accountPath, platformBadge, postCard } from './post-card.js';

export function actorPath(name: string): string {
  return `/actors/${encodeURIComponent(name)}`;
}

function channelList(actor: ActorView): SafeHtml {
  if (actor.channels.length === 0) return html`<p class="empty">No channels yet.</p>`;
  return html`<ul class="channels">
    ${actor.channels.map(
      (c) =>
        html`<li>
          ${platformBadge(c)} <a href="${accountPath(c.account)}">${c.account}</a>
          ${c.displayName ? html`<span class="muted">${c.displayName}</span>` : ''}
          ${c.status === 'active' ? '' : html`<span class="badge badge-${c.status}">${c.status}</span>`}
        </li>`,
    )}
  </ul>`;
}

export function renderActorsPage(actors: ActorView[]): string {
  const body = html`<h1>Actors</h1>
    <p class="muted">People and offices that speak on several channels.</p>
    ${
      actors.length
        ? html`<table class="data" tabindex="0">
            <thead>
              <tr>
                <th>Actor</th>
                <th>Channels</th>
              </tr>
            </thead>
            <tbody>
              ${actors.map(
                (a) =>
                  html`<tr>
                    <td><a href="${actorPath(a.name)}">${a.name}</a></td>
                    <td>${a.channels.map((c, i) => html`${i ? ', ' : ''}${platformBadge(c)} ${c.account}`)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="empty">
            No actors yet (<code>onrecord actors add "NAME" --channel x:HANDLE --channel …</code>).
          </p>`
    }`;
  return page('Actors', body, { current: '/actors' });
}

export interface ActorPageData {
  actor: ActorView;
  timeline: SearchPage;
  /** The newest posts are shown: new ones are added as they arrive. */
  isFirstPage: boolean;
}

export function renderActorPage({ actor, timeline, isFirstPage }: ActorPageData): string {
  const feedBase = `/feeds${actorPath(actor.name)}`;
  const head = html`<link
      rel="alternate"
      type="application/atom+xml"
      title="${actor.name} (Atom)"
      href="${feedBase}.atom"
    />
    <link rel="alternate" type="application/rss+xml" title="${actor.name} (RSS)" href="${feedBase}.rss" />
    <link rel="alternate" type="application/feed+json" title="${actor.name} (JSON Feed)" href="${feedBase}.json" />
    ${isFirstPage ? LIVE_SCRIPT : ''}`;
  const next = timeline.next
    ? html`<nav class="pager" aria-label="More results">
        <a rel="next" href="?cursor=${encodeURIComponent(timeline.next)}">Older posts →</a>
      </nav>`
    : '';
  const body = html`<h1>${actor.name}</h1>
    <h2>Channels (${actor.channels.length})</h2>
    ${channelList(actor)}
    <p class="feeds">
      Feeds: <a href="${feedBase}.atom">Atom</a> · <a href="${feedBase}.rss">RSS</a> ·
      <a href="${feedBase}.json">JSON Feed</a> · <a href="/?actor=${encodeURIComponent(actor.name)}">search</a>
    </p>
    <h2>Posts of every channel</h2>
    ${isFirstPage ? liveHook(`?actor=${encodeURIComponent(actor.name)}`) : ''}
    <ol class="results">
      ${timeline.rows.map((row) => html`<li>${postCard(toPostView(row))}</li>`)}
    </ol>
    ${timeline.rows.length ? next : html`<p class="empty">No posts archived yet.</p>`}`;
  return page(actor.name, body, { head, current: '/actors' });
}

/** The actors an account is a channel of, as links (on the account's page). */
export function actorLinks(names: readonly string[]): SafeHtml {
  return html`${names.map((n, i) => html`${i ? ', ' : ''}<a href="${actorPath(n)}">${n}</a>`)}`;
}
