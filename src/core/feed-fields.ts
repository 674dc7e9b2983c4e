// Small readers for parsed feed data, which is never trusted to have the
// documented type: strings, arrays, objects, text constructs, and the media
// an item carries (RSS enclosures, Media RSS content, groups and thumbnails).
// Pure.

/** A text as the feed gives it: plain, or markup to be read as HTML. */
export interface FeedText {
  value: string;
  kind: 'text' | 'html';
}

/** A media file an item carries, as written (URLs not yet made absolute). */
export interface FeedMediaRef {
  url: string;
  mimeType: string | null;
  /** Media RSS `medium` (image, audio, video, document, executable). */
  medium: string | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  thumbnailUrl: string | null;
}

type Data = Record<string, unknown>;

/** A non-empty trimmed string, or null. */
export function str(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}

export function arr(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

export function obj(value: unknown): Data | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : null;
}

export function text(value: unknown, kind: FeedText['kind']): FeedText | null {
  return typeof value === 'string' && value.trim() ? { value, kind } : null;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function noMedia(url: string): FeedMediaRef {
  return {
    url,
    mimeType: null,
    medium: null,
    altText: null,
    width: null,
    height: null,
    durationSeconds: null,
    thumbnailUrl: null,
  };
}

/** RSS enclosures and Media RSS content (in groups or not) of an item or entry. */
export function mediaOf(item: Data): FeedMediaRef[] {
  const enclosures = arr(item.enclosures).flatMap((e) => {
    const url = str(obj(e)?.url);
    return url ? [{ ...noMedia(url), mimeType: str(obj(e)?.type) }] : [];
  });
  const media = obj(item.media);
  const groups = arr(media?.groups).flatMap((g) => (obj(g) ? [obj(g)!] : []));
  const contents = [
    ...arr(media?.contents).map((c) => ({ content: c, group: null as Data | null })),
    ...groups.flatMap((group) => arr(group.contents).map((c) => ({ content: c, group }))),
  ];
  const fromMedia = contents.flatMap(({ content, group }) => {
    const c = obj(content);
    const url = str(c?.url);
    return c && url ? [mediaContent(url, c, group, media)] : [];
  });
  // A thumbnail on its own (no media:content) is the item's picture.
  const thumbnail = str(obj(arr(media?.thumbnails)[0])?.url);
  const lone = fromMedia.length === 0 && thumbnail ? [{ ...noMedia(thumbnail), medium: 'image' }] : [];
  return [...enclosures, ...fromMedia, ...lone];
}

/** One media:content, its title, description and thumbnail taken from itself, its group or its item. */
function mediaContent(url: string, c: Data, group: Data | null, item: Data | null): FeedMediaRef {
  const layers = [c, group, item];
  const pick = (key: string) => layers.map((l) => str(obj(l?.[key])?.value)).find((v) => v) ?? null;
  const thumbnail = layers.map((l) => str(obj(arr(l?.thumbnails)[0])?.url)).find((v) => v) ?? null;
  return {
    url,
    mimeType: str(c.type),
    medium: str(c.medium),
    altText: pick('description') ?? pick('title'),
    width: num(c.width),
    height: num(c.height),
    durationSeconds: num(c.duration),
    thumbnailUrl: thumbnail,
  };
}
