// The accounts list and one account: its freshness, a chart of how often it
// posts (a table without JavaScript, a uPlot chart with it) and its timeline.
import type { AccountSummary } from '../../adapters/db/archive-read-repository.js';
import type { SearchPage } from '../../adapters/db/search-repository.js';
import { assessFreshness, type Freshness } from '../../core/freshness.js';
import type { PlatformBlock } from '../../core/account-hold.js';
import { formatAccountRef } from '../../core/ids.js';
import { toPostView } from '../../core/post-view.js';
import { html, jsonScript, type SafeHtml } from './html.js';
import { formatSpan, formatTime, page } from './layout.js';
import { accountPath, platformBadge, postCard } from './post-card.js';
import { actorLinks } from './actor-pages.js';
import { LIVE_SCRIPT, liveHook } from './live-posts.js';

function freshnessBadge(f: Freshness): SafeHtml {
  return html`<span class="badge badge-${f.state}" title="${f.reason ?? ''}">${f.state}</span>`;
}

export function renderAccountsPage(
  accounts: AccountSummary[],
  now: Date,
  blocks: ReadonlyMap<string, PlatformBlock> = new Map(),
): string {
  const rows = accounts.map((a) => {
    const ref = formatAccountRef(a.platform, a.handle);
    const f = assessFreshness(a, now, blocks.get(a.platform));
    return html`<tr>
      <td>
        ${platformBadge(a)} <a href="${accountPath(ref)}">${ref}</a>
        <div class="muted">${a.displayName}</div>
      </td>
      <td>${freshnessBadge(f)} <span class="muted">${f.reason}</span></td>
      <td class="num">${a.postCount}</td>
      <td>${formatTime(a.lastPostAt)}</td>
      <td>${formatTime(a.lastSuccessAt)}</td>
    </tr>`;
  });
  const body = html`<h1>Accounts</h1>
    ${
      accounts.length
        ? html`<table class="data" tabindex="0">
            <thead>
              <tr>
                <th>Account</th>
                <th>Freshness</th>
                <th>Posts</th>
                <th>Last post</th>
                <th>Last poll</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
        : html`<p class="empty">No accounts are watched yet (<code>onrecord accounts add x:HANDLE</code>).</p>`
    }`;
  return page('Accounts', body, { current: '/accounts' });
}

/** Posts per month, from posts per day (the table readers see without JavaScript). */
export function monthlyCounts(perDay: { day: string; posts: number }[]): { month: string; posts: number }[] {
  const months = new Map<string, number>();
  for (const { day, posts } of perDay) months.set(day.slice(0, 7), (months.get(day.slice(0, 7)) ?? 0) + posts);
  return [...months].map(([month, posts]) => ({ month, posts }));
}

export interface AccountPageData {
  account: AccountSummary;
  perDay: { day: string; posts: number }[];
  timeline: SearchPage;
  now: Date;
  /** The block of the account's platform, when it cannot be polled. */
  block?: PlatformBlock | null;
  /** The newest posts are shown: new ones are added as they arrive. */
  isFirstPage?: boolean;
  /** The actors this account is a channel of. */
  actors?: readonly string[];
}

export function renderAccountPage(data: AccountPageData): string {
  const { account, perDay, timeline, now, block, isFirstPage, actors = [] } = data;
  const ref = formatAccountRef(account.platform, account.handle);
  const f = assessFreshness(account, now, block);
  const feedBase = `/feeds/accounts/${encodeURIComponent(account.platform)}/${encodeURIComponent(account.handle)}`;
  const head = html`<link rel="stylesheet" href="/assets/uPlot.min.css" />
    <link rel="alternate" type="application/atom+xml" title="${ref} (Atom)" href="${feedBase}.atom" />
    <link rel="alternate" type="application/rss+xml" title="${ref} (RSS)" href="${feedBase}.rss" />
    <link rel="alternate" type="application/feed+json" title="${ref} (JSON Feed)" href="${feedBase}.json" />
    <script src="/assets/uPlot.iife.min.js" defer></script>
    <script src="/assets/account-chart.js" defer></script>
    ${isFirstPage ? LIVE_SCRIPT : ''}`;
  const next = timeline.next
    ? html`<nav class="pager" aria-label="More results">
        <a rel="next" href="?cursor=${encodeURIComponent(timeline.next)}">Older posts →</a>
      </nav>`
    : '';
  const body = html`<h1>
      ${account.displayName ?? account.handle} <span class="muted">${ref}</span> ${platformBadge(account)}
    </h1>
    <dl class="facts">
      ${
        actors.length
          ? html`<dt>${actors.length === 1 ? 'Actor' : 'Actors'}</dt>
              <dd>${actorLinks(actors)}</dd>`
          : ''
      }
      <dt>Freshness</dt>
      <dd>${freshnessBadge(f)} ${f.reason}</dd>
      <dt>Status</dt>
      <dd>${account.status}${account.statusDetail ? html` — ${account.statusDetail}` : ''}</dd>
      <dt>Posts archived</dt>
      <dd>${account.postCount}</dd>
      <dt>Last post</dt>
      <dd>${formatTime(account.lastPostAt)}</dd>
      <dt>Usual gap between posts</dt>
      <dd>${formatSpan(account.usualGapMs)}</dd>
      <dt>Last successful poll</dt>
      <dd>${formatTime(account.lastSuccessAt)}</dd>
      ${
        account.lastError
          ? html`<dt>Last error</dt>
              <dd class="error">
                ${account.lastErrorCode}: ${account.lastError} (${formatTime(account.lastErrorAt)})
              </dd>`
          : ''
      }
      <dt>Feeds</dt>
      <dd>
        <a href="${feedBase}.atom">Atom</a> · <a href="${feedBase}.rss">RSS</a> ·
        <a href="${feedBase}.json">JSON Feed</a>
      </dd>
    </dl>
    ${frequency(perDay)}
    <h2>Timeline</h2>
    ${isFirstPage ? liveHook(`?account=${encodeURIComponent(ref)}`) : ''}
    <ol class="results">
      ${timeline.rows.map((row) => html`<li>${postCard(toPostView(row))}</li>`)}
    </ol>
    ${timeline.rows.length ? next : html`<p class="empty">No posts archived yet.</p>`}`;
  return page(ref, body, { head, current: '/accounts' });
}

function frequency(perDay: { day: string; posts: number }[]): SafeHtml {
  if (perDay.length === 0) return html``;
  const months = monthlyCounts(perDay);
  return html`<section class="frequency">
<h2>Posting frequency</h2>
<div id="frequency-chart" class="chart" aria-hidden="true"></div>
<script type="application/json" id="frequency-data">${jsonScript(perDay)}</script>
<details${months.length <= 12 ? html` open` : ''}><summary>Posts per month</summary>
<table class="data compact"><thead><tr><th>Month</th><th>Posts</th></tr></thead>
<tbody>${months.map(
    (m) =>
      html`<tr>
        <td>${m.month}</td>
        <td class="num">${m.posts}</td>
      </tr>`,
  )}</tbody></table>
</details>
</section>`;
}
