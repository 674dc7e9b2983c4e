// A post's media on its page, always from the archive (/media/<sha256>),
// never loaded from the platform: a captured photo as an image, a captured
// video or GIF as a player (its captured preview as the poster), and for a
// file not captured (yet, or ever) a placeholder that says why and gives the
// platform's address as text only, so that reading the page never asks the
// platform for anything.
import { originalOf } from '../../core/media-capture.js';
import type { NormalizedMedia } from '../../core/post-model.js';
import { html, type SafeHtml } from './html.js';
import { formatTime } from './layout.js';

/** What the archive holds of one media address. */
export interface ArchivedMedia {
  url: string;
  kind: string;
  status: string;
  sha256: string | null;
  contentType: string | null;
  goneAt: string | null;
  httpStatus: number | null;
  lastError: string | null;
}

export const mediaPath = (sha256: string) => `/media/${sha256}`;

const NOUNS: Record<string, string> = { photo: 'Photo', video: 'Video', animated_gif: 'GIF', preview: 'Preview' };

/** One media item of the post: its file (and preview) from the archive, or a placeholder. */
export function mediaFigure(m: NormalizedMedia, files: ReadonlyMap<string, ArchivedMedia>): SafeHtml {
  const original = originalOf(m);
  const file = original ? files.get(original.url) : undefined;
  const preview = m.previewUrl ? files.get(m.previewUrl) : undefined;
  const noun = NOUNS[original?.kind ?? m.type] ?? m.type;
  const caption = `${noun}${m.altText ? `: ${m.altText}` : ''}`;
  const stored = (f: ArchivedMedia | undefined) => (f?.status === 'stored' && f.sha256 ? f.sha256 : null);
  const fileSha = stored(file);
  const previewSha = stored(preview);
  let shown: SafeHtml | '' = '';
  if (fileSha && original?.kind === 'photo') {
    shown = html`<a href="${mediaPath(fileSha)}"
      ><img src="${mediaPath(fileSha)}" alt="${m.altText ?? caption}" loading="lazy"
    /></a>`;
  } else if (fileSha) {
    const gif = original?.kind === 'animated_gif';
    shown = html`<video
      src="${mediaPath(fileSha)}"
      ${previewSha ? html`poster="${mediaPath(previewSha)}"` : ''}
      controls
      preload="metadata"
      ${gif ? html`autoplay loop muted playsinline` : ''}
    ></video>`;
  } else if (previewSha) {
    shown = html`<img src="${mediaPath(previewSha)}" alt="${`Preview of the ${noun.toLowerCase()}`}" loading="lazy" />`;
  }
  const notes = [
    original && !fileSha ? placeholder(noun, original.url, file) : '',
    m.previewUrl && !previewSha && fileSha === null ? placeholder('Preview', m.previewUrl, preview) : '',
  ];
  return html`<figure class="media media-${m.type}">
    ${shown}${notes}
    <figcaption>${caption}</figcaption>
  </figure>`;
}

/** Why a file is not shown, with the platform's address as plain text. */
function placeholder(noun: string, url: string, file: ArchivedMedia | undefined): SafeHtml {
  const why = !file
    ? 'not captured'
    : file.status === 'gone'
      ? `gone from the platform (HTTP ${file.httpStatus ?? '?'}${file.goneAt ? `, noticed ${formatTime(file.goneAt)}` : ''})`
      : file.status === 'refused'
        ? `not captured: ${file.lastError ?? 'refused'}`
        : file.status === 'failed'
          ? 'could not be captured'
          : 'not captured yet';
  return html`<p class="media-placeholder media-${file?.status ?? 'none'}">
    ${noun} ${why}. Original address: <code class="media-url">${url}</code>
  </p>`;
}
