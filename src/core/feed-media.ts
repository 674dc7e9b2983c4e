// The media of a feed item as the archive keeps them: enclosures, Media RSS
// content, Atom enclosure links, JSON Feed attachments and images, and the
// images inside its HTML, each once (with the details of every mention), with absolute URLs. A media file's key
// is its URL (a feed gives media no other identity). Pure.
import type { FeedMediaRef } from './feed-fields.js';
import { absoluteHttpUrl, type HtmlImage } from './feed-html.js';
import type { NormalizedMedia } from './post-model.js';

export type FeedMediaInput = FeedMediaRef | (HtmlImage & { kind: 'inline' });

/** photo, video, audio or file, from the MIME type or Media RSS `medium`. */
export function mediaType(mimeType: string | null, medium: string | null): string {
  const family = (mimeType ?? '').split('/')[0]!.toLowerCase();
  if (family === 'image' || medium === 'image') return 'photo';
  if (family === 'video' || medium === 'video') return 'video';
  if (family === 'audio' || medium === 'audio') return 'audio';
  return 'file';
}

export function feedMedia(inputs: FeedMediaInput[], base: string): NormalizedMedia[] {
  const out = new Map<string, NormalizedMedia>();
  for (const input of inputs) {
    const url = absoluteHttpUrl(input.url, base);
    if (!url) continue;
    const media = 'kind' in input ? inlineImage(url, input) : fromRef(url, input, base);
    const known = out.get(url);
    // One file named twice (an enclosure and its media:content): one media, the details of both.
    out.set(url, known ? fillIn(known, media) : media);
  }
  return [...out.values()];
}

function fillIn(known: NormalizedMedia, more: NormalizedMedia): NormalizedMedia {
  const filled = { ...known };
  for (const key of ['previewUrl', 'altText', 'width', 'height', 'durationMs'] as const) {
    if (filled[key] === null) (filled as Record<typeof key, unknown>)[key] = more[key];
  }
  if (filled.type === 'file') filled.type = more.type;
  if (filled.variants.length === 0) filled.variants = more.variants;
  return filled;
}

function inlineImage(url: string, image: HtmlImage): NormalizedMedia {
  return {
    key: url,
    type: 'photo',
    url,
    previewUrl: null,
    altText: image.alt,
    width: image.width,
    height: image.height,
    durationMs: null,
    variants: [],
  };
}

function fromRef(url: string, ref: FeedMediaRef, base: string): NormalizedMedia {
  return {
    key: url,
    type: mediaType(ref.mimeType, ref.medium),
    url,
    previewUrl: absoluteHttpUrl(ref.thumbnailUrl, base),
    altText: ref.altText,
    width: ref.width,
    height: ref.height,
    durationMs: ref.durationSeconds === null ? null : Math.round(ref.durationSeconds * 1000),
    // The declared MIME type is kept as the one variant there is.
    variants: ref.mimeType ? [{ contentType: ref.mimeType, url, bitRate: null }] : [],
  };
}
