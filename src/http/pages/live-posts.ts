// Live pages: the hook the live script looks for (where to listen, where to
// fetch the cards of new posts) and those cards, marked "new". Without
// JavaScript the hook is an empty status line and the page is as before.
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from '../../adapters/db/search-repository.js';
import type { SearchRow } from '../../adapters/db/search-sql.js';
import { toPostView } from '../../core/post-view.js';
import { html, markedText, type SafeHtml } from './html.js';
import { postCard } from './post-card.js';

export const LIVE_SCRIPT = html`<script src="/assets/live-posts.js" defer></script>`;

/** `cardsQuery`: the page's filters as a query string ("" or "?q=..."). */
export function liveHook(cardsQuery: string): SafeHtml {
  return html`<div class="live" data-live-events="/api/events?kind=new" data-live-cards="/live/posts${cardsQuery}">
    <p class="live-status" role="status" aria-live="polite"></p>
  </div>`;
}

/** The cards of new posts, as list items for the top of a page's results. */
export function renderLiveCards(rows: SearchRow[]): string {
  return html`${rows.map(
    (row) =>
      html`<li class="is-new">
        <span class="badge badge-new">new</span>
        ${postCard(toPostView(row), {
          text: row.headline ? markedText(row.headline, HIGHLIGHT_START, HIGHLIGHT_STOP) : undefined,
          citations: row.citations,
        })}
      </li>`,
  )}`.value;
}
