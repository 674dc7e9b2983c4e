// The search page: a form that works without JavaScript, results with the
// matched words highlighted, and a link to the next page.
import { HIGHLIGHT_START, HIGHLIGHT_STOP, type SearchPage } from '../../adapters/db/search-repository.js';
import type { SearchInput } from '../../core/search-query.js';
import { PLATFORMS, platformLabel } from '../../core/ids.js';
import { toPostView } from '../../core/post-view.js';
import { html, markedText, type SafeHtml } from './html.js';
import { page } from './layout.js';
import { postCard } from './post-card.js';
import { LIVE_SCRIPT, liveHook } from './live-posts.js';

function queryString(input: SearchInput, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (key === 'cursor' || key === 'limit' || value === undefined || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function checkbox(name: 'cited' | 'edited' | 'deleted', label: string, input: SearchInput): SafeHtml {
  return html`<label class="check"
    ><input type="checkbox" name="${name}" value="true" ${input[name] === 'true' ? html` checked` : ''} />
    ${label}</label
  >`;
}

function platformSelect(input: SearchInput): SafeHtml {
  const chosen = input.platform?.toLowerCase() ?? '';
  return html`<label
    >Platform
    <select name="platform">
      <option value="">any</option>
      ${PLATFORMS.map(
        (p) => html`<option value="${p}" ${p === chosen ? html` selected` : ''}>${platformLabel(p)}</option>`,
      )}
    </select></label
  >`;
}

/** One box per actor asked for (a name may hold commas, so names are never joined in one box). */
function actorInputs(input: SearchInput): SafeHtml {
  const actors = [input.actor ?? []].flat();
  return html`${(actors.length ? actors : ['']).map(
    (a) => html`<label>Actor <input name="actor" value="${a}" placeholder="USFOR-A spokesman" /></label>`,
  )}`;
}

function searchForm(input: SearchInput): SafeHtml {
  const accounts = [input.account ?? []].flat().join(', ');
  return html`<form class="search" method="get" action="/" role="search">
    <div class="query">
      <label for="q" class="visually-hidden">Words</label>
      <input
        id="q"
        name="q"
        type="search"
        value="${input.q ?? ''}"
        placeholder='words, "a phrase", this OR that, -without'
        autofocus
      />
      <button type="submit">Search</button>
    </div>
    <div class="filters">
      <label>Account <input name="account" value="${accounts}" placeholder="x:USFOR_A" /></label>
      ${actorInputs(input)} ${platformSelect(input)}
      <label>From <input name="since" type="date" value="${input.since ?? ''}" /></label>
      <label>To <input name="until" type="date" value="${input.until ?? ''}" /></label>
      <label>Language <input name="lang" value="${input.lang ?? ''}" size="4" placeholder="en" /></label>
      ${checkbox('cited', 'cited by articles', input)} ${checkbox('edited', 'edited', input)}
      ${checkbox('deleted', 'deleted', input)}
    </div>
  </form>`;
}

export function renderSearchPage(input: SearchInput, result: SearchPage | { error: string }): string {
  const feedQuery = queryString(input);
  const head = html`<link
      rel="alternate"
      type="application/atom+xml"
      title="This search (Atom)"
      href="/feeds/search.atom${feedQuery}"
    />
    <link rel="alternate" type="application/rss+xml" title="This search (RSS)" href="/feeds/search.rss${feedQuery}" />
    <link
      rel="alternate"
      type="application/feed+json"
      title="This search (JSON Feed)"
      href="/feeds/search.json${feedQuery}"
    />
    ${isLive(input, result) ? LIVE_SCRIPT : ''}`;
  const body = html`<h1>Search the record</h1>
    ${searchForm(input)} ${isLive(input, result) ? liveHook(feedQuery) : ''}
    ${'error' in result ? html`<p class="error" role="alert">${result.error}</p>` : results(input, result)}
    <p class="feeds">
      Follow this search: <a href="/feeds/search.atom${feedQuery}">Atom</a> ·
      <a href="/feeds/search.rss${feedQuery}">RSS</a> · <a href="/feeds/search.json${feedQuery}">JSON Feed</a>
    </p>`;
  return page(input.q ? `“${input.q}”` : 'Search', body, { head, current: '/' });
}

/** The first page of a valid search shows new matches as they arrive. */
function isLive(input: SearchInput, result: SearchPage | { error: string }): boolean {
  return !('error' in result) && !input.cursor;
}

function isFiltered(input: SearchInput): boolean {
  return Object.entries(input).some(([key, value]) => key !== 'limit' && value !== undefined && value !== '');
}

/** The archive is empty: what to do next. */
function gettingStarted(): SafeHtml {
  return html`<section class="getting-started">
    <h2>The archive is empty</h2>
    <p>Watch an official account, give onrecord an X bearer token, and poll:</p>
    <pre tabindex="0"><code>bin/onrecord accounts add x:USFOR_A --every 5m
echo 'X_BEARER_TOKEN=…' &gt;&gt; .env     # an X app bearer token
bin/onrecord poll --once               # or keep npm start running</code></pre>
    <p>
      No X account? The README shows how to run the local fake X API for a demonstration. Accounts and their state are
      listed under <a href="/accounts">Accounts</a>.
    </p>
  </section>`;
}

function results(input: SearchInput, result: SearchPage): SafeHtml {
  if (result.rows.length === 0)
    return isFiltered(input) ? html`<p class="empty">No posts found.</p>` : gettingStarted();
  const note =
    result.mode === 'similar'
      ? html`<p class="note">No post contains these words; these are the closest matches.</p>`
      : result.mode === 'recent'
        ? html`<p class="note">Newest posts first.</p>`
        : html`<p class="note">Best matches first; newer first among equals.</p>`;
  const next = result.next
    ? html`<nav class="pager" aria-label="More results">
        <a rel="next" href="/${queryString(input, { cursor: result.next })}">Next page →</a>
      </nav>`
    : '';
  return html`${note}
    <ol class="results">
      ${result.rows.map(
        (row) =>
          html`<li>
            ${postCard(toPostView(row), {
              text: row.headline ? markedText(row.headline, HIGHLIGHT_START, HIGHLIGHT_STOP) : undefined,
              score: result.mode === 'recent' ? undefined : row.score,
              citations: row.citations,
            })}
          </li>`,
      )}
    </ol>
    ${next}`;
}
