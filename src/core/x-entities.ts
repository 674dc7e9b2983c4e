// What a post says and links to, as its readers saw it: the text decoded from
// X's HTML escaping, and the links it carries without the ones X adds itself
// (its own "show more" link, the links standing for attached media). Pure.
import { decodeXML } from 'entities';
import type { EntityUrl, Entities } from './x-payload.js';

/**
 * X API v2 returns `text` (and `note_tweet.text`) with `&`, `<` and `>`
 * escaped as `&amp;`, `&lt;`, `&gt;`; entity indices count the decoded text.
 * One decoding pass, so a post that really says `&amp;` keeps it (X sends it
 * as `&amp;amp;`). The XML set is X's own escaping set: a bare `&copy;` that
 * X did not escape is left as written.
 */
export function decodeXText(text: string): string {
  return text.includes('&') ? decodeXML(text) : text;
}

const STATUS_LINK = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(?:i\/web|[^/?#]+)\/status(?:es)?\/(\d+)/i;
const MEDIA_LINK = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/[^/?#]+\/status\/(\d+)\/(?:photo|video)\/\d+/i;
const MEDIA_DISPLAY = /^(?:https?:\/\/)?pic\.(?:twitter|x)\.com\//i;
const SHOW_MORE = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/i\/web\/status\/(\d+)/i;

/**
 * What a post links to. Left out: the link to its own full text that X appends
 * to a truncated text (`…/i/web/status/<own id>`), and every media link
 * (`media_key`, a `pic.twitter.com` display, or `…/status/<id>/photo|video/n`)
 * of the post itself or of the post it reposts: media belong to the post that
 * carries them and are kept as its media, never as a link.
 */
export function linkedUrls(urls: EntityUrl[], ownIds: string[]): string[] {
  return unique(
    urls.flatMap((u) => {
      const target = u.unwound_url ?? u.expanded_url ?? u.url;
      if (!target || u.media_key || isMediaLink(u, target, ownIds)) return [];
      const more = SHOW_MORE.exec(target);
      if (more && ownIds.includes(more[1]!)) return [];
      return [target];
    }),
  );
}

function isMediaLink(u: EntityUrl, target: string, ownIds: string[]): boolean {
  const media = MEDIA_LINK.exec(u.expanded_url ?? target);
  if (media) return ownIds.includes(media[1]!) || MEDIA_DISPLAY.test(u.display_url ?? '');
  return MEDIA_DISPLAY.test(u.display_url ?? '') && STATUS_LINK.test(u.expanded_url ?? '');
}

export interface EntityLists {
  mentions: string[];
  hashtags: string[];
  cashtags: string[];
}

export function entityLists(ents: Entities): EntityLists {
  return {
    mentions: unique((ents?.mentions ?? []).map((m) => m.username)),
    hashtags: unique((ents?.hashtags ?? []).map((h) => h.tag)),
    cashtags: unique((ents?.cashtags ?? []).map((c) => c.tag)),
  };
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
