// Which files of a version's media the archive downloads, from which
// addresses, and what an answer means for the download queue. Pure.
//
// - A photo: its `url`, read in its original size. X serves photos from
//   pbs.twimg.com in the sizes its "photo media URL formatting" names with
//   `?format=<ext>&name=<size>` (thumb, small, medium, large); `name=orig` is
//   the uploaded original, undocumented but what X's own web client links to
//   for "open image in full size". When the original-size address answers
//   404, the address as given is read instead, so the original-size form can
//   never make a file look gone.
// - A video or animated GIF: its variant of the highest bit rate (the HLS
//   playlist has none and is not a file: it is skipped).
// - A preview image (videos and GIFs): its `previewUrl`, in original size too.
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { NormalizedMedia } from './post-model.js';

export const MEDIA_KINDS = ['photo', 'video', 'animated_gif', 'preview'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MEDIA_STATUSES = ['pending', 'stored', 'gone', 'refused', 'failed'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

/** One file a version shows, to be downloaded. */
export interface MediaWanted {
  url: string;
  kind: MediaKind;
  /** The platform's media key it belongs to. */
  mediaKey: string;
  /** Order of the media in the version (a file and its preview share it). */
  position: number;
}

/** The files of a version's media, originals before previews, each address once. */
export function mediaToCapture(media: readonly NormalizedMedia[]): MediaWanted[] {
  const wanted: MediaWanted[] = [];
  media.forEach((m, position) => {
    const original = originalOf(m);
    if (original) wanted.push({ url: original.url, kind: original.kind, mediaKey: m.key, position });
    if (m.previewUrl) wanted.push({ url: m.previewUrl, kind: 'preview', mediaKey: m.key, position });
  });
  const seen = new Set<string>();
  return wanted.filter((w) => isHttpUrl(w.url) && !seen.has(w.url) && seen.add(w.url));
}

/** The file that is the media itself: a photo's url, a video's or GIF's best variant. */
export function originalOf(m: NormalizedMedia): { url: string; kind: MediaKind } | null {
  if (m.type === 'photo') return m.url ? { url: m.url, kind: 'photo' } : null;
  const variant = bestVariant(m.variants);
  if (!variant) return null;
  return { url: variant.url, kind: m.type === 'animated_gif' ? 'animated_gif' : 'video' };
}

/** The variant of the highest bit rate among the files (playlists and variants without a rate last). */
export function bestVariant(variants: NormalizedMedia['variants']): NormalizedMedia['variants'][number] | null {
  const files = variants.filter((v) => !isPlaylist(v.contentType, v.url));
  if (files.length === 0) return null;
  return files.reduce((best, v) => ((v.bitRate ?? -1) > (best.bitRate ?? -1) ? v : best));
}

function isPlaylist(contentType: string | null, url: string): boolean {
  return /mpegurl/i.test(contentType ?? '') || /\.m3u8(\?|$)/i.test(url);
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^/]+/i.test(url);
}

const TWIMG_IMAGE = /^(https:\/\/pbs\.twimg\.com\/[^?#:]+?)(?:\.(jpe?g|png|webp|gif))?(?::[a-z0-9]+)?(\?[^#]*)?$/i;

/** The original-size address of an image on pbs.twimg.com (`?format=jpg&name=orig`); other addresses as they are. */
export function originalSizeUrl(url: string): string {
  const m = TWIMG_IMAGE.exec(url);
  if (!m) return url;
  const [, path, ext, query] = m;
  const params = new URLSearchParams(query?.slice(1) ?? '');
  const format = ext?.toLowerCase().replace('jpeg', 'jpg') ?? params.get('format');
  if (!format) return url;
  params.set('format', format);
  params.set('name', 'orig');
  return `${path}?${params.toString()}`;
}

/** The addresses tried in turn for a file: its original size first, then the address as given. */
export function downloadCandidates(url: string, kind: MediaKind): string[] {
  const orig = kind === 'photo' || kind === 'preview' ? originalSizeUrl(url) : url;
  return orig === url ? [url] : [orig, url];
}

/** HTTP statuses that say the file is gone for good: an observation, not a retry. */
export const GONE_HTTP_STATUSES = new Set([404, 410]);

export const MEDIA_BACKOFF: BackoffPolicy = { baseMs: 60_000, maxMs: 6 * 3600_000 };
/** Attempts before a file that keeps failing is marked failed (about four days of back-off). */
export const MEDIA_MAX_ATTEMPTS = 20;

export type RetryVerdict = { kind: 'retry'; at: Date } | { kind: 'failed' };

/** When to try a failed download again, or that it has been tried enough. */
export function retryVerdict(attempts: number, now: Date, random: () => number = Math.random): RetryVerdict {
  if (attempts >= MEDIA_MAX_ATTEMPTS) return { kind: 'failed' };
  return { kind: 'retry', at: new Date(now.getTime() + backoffDelay(attempts - 1, MEDIA_BACKOFF, random)) };
}

/** Content types a browser may show inline from the archive's origin (never HTML, SVG or scripts). */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp|avif)|video\/(mp4|webm|quicktime)|audio\/(mpeg|mp4|aac|ogg))$/;

export function isInlineMediaType(contentType: string | null): boolean {
  return INLINE_TYPES.test((contentType ?? '').split(';')[0]!.trim().toLowerCase());
}

/** A file name extension for a content type (bundles name media files by it). */
export function extensionOf(contentType: string | null): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const known: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'image/avif': 'avif',
    'video/mp4': 'mp4',
    'video/webm': 'webm',
    'video/quicktime': 'mov',
  };
  return known[type] ?? 'bin';
}

/** A sha256 in hex, as media files are named. */
export function isSha256Hex(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
