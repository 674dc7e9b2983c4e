// What a post carries beyond its text, on its page: the post it reposts, its
// links, cashtags, media (from the archive; also those whose details are not
// archived yet), its poll as captured, its place, and where X withholds it.
import type { PostView } from '../../core/post-view.js';
import type { NormalizedMedia, PostGeo, PostPoll, PostWithheld } from '../../core/post-model.js';
import { html, safeUrl, type SafeHtml } from './html.js';
import { formatTime } from './layout.js';
import { postPath } from './post-card.js';
import { mediaFigure, type ArchivedMedia } from './media-view.js';

/** `media`: what the archive holds of the post's media files (shown from the archive, never the platform). */
export function postDetails(post: PostView, media: readonly ArchivedMedia[] = []): SafeHtml {
  const files = new Map(media.map((f) => [f.url, f]));
  const rows = [
    post.repostOf
      ? row(
          'Repost of',
          html`<a href="${postPath({ platform: post.platform, id: post.repostOf })}">${post.repostOf}</a>`,
        )
      : '',
    post.urls.length
      ? row(
          'Links',
          post.urls.map((u) => html`<a href="${safeUrl(u)}" rel="noopener noreferrer">${u}</a> `),
        )
      : '',
    post.cashtags.length ? row('Cashtags', post.cashtags.map((c) => `$${c}`).join(' ')) : '',
    mediaRow(post, files),
    post.poll ? pollRow(post.poll as PostPoll) : '',
    post.geo ? placeRow(post.geo as PostGeo) : '',
    post.withheld ? withheldRow(post.withheld as PostWithheld) : '',
  ].filter((r) => r !== '');
  return rows.length ? html`<dl class="post-details">${rows}</dl>` : html``;
}

function row(term: string, value: SafeHtml | string | (SafeHtml | string)[]): SafeHtml {
  return html`<dt>${term}</dt>
    <dd>${value}</dd>`;
}

function mediaRow(post: PostView, files: ReadonlyMap<string, ArchivedMedia>): SafeHtml | '' {
  const media = Array.isArray(post.media) ? (post.media as NormalizedMedia[]) : [];
  const keys = post.mediaKeys.length ? post.mediaKeys : media.map((m) => m.key);
  if (keys.length === 0) return '';
  const byKey = new Map(media.map((m) => [m.key, m]));
  return row(
    'Media',
    keys.map((key) => {
      const m = byKey.get(key);
      if (!m) return html`<span class="media media-missing">${key} (details not archived yet)</span> `;
      return mediaFigure(m, files);
    }),
  );
}

function pollRow(poll: PostPoll): SafeHtml {
  const options = poll.options.map(
    (o) => html`<li>${o.label}${o.votes === null ? '' : html` <span class="votes">${o.votes} votes</span>`}</li>`,
  );
  const state = poll.votingStatus
    ? ` (${poll.votingStatus}${poll.endsAt ? `, ends ${formatTime(poll.endsAt)}` : ''})`
    : '';
  return row(
    'Poll',
    html`<ol class="poll">
        ${options}
      </ol>
      <span class="meta">as captured${state}</span>`,
  );
}

function placeRow(geo: PostGeo): SafeHtml {
  const place = geo.place?.fullName ?? geo.placeId ?? '';
  const at = geo.coordinates ? ` (${geo.coordinates[1]}, ${geo.coordinates[0]})` : '';
  return row('Place', `${place}${geo.place?.country ? `, ${geo.place.country}` : ''}${at}`);
}

function withheldRow(w: PostWithheld): SafeHtml {
  const where = w.countryCodes.length ? `in ${w.countryCodes.join(', ')}` : 'in some countries';
  return row('Withheld', `${w.copyright ? 'for a copyright claim, ' : ''}${where}`);
}
