// Post text with facets, as a Bluesky client writes it: each link, mention
// and tag is a facet over a range of the text counted in UTF-8 bytes. A link
// may show a shortened text (clients cut long URLs) while its facet keeps the
// full URL.

export type RichPart =
  | string
  /** A link: its full URL, shown as `text` (default: the URL itself). */
  | { link: string; text?: string }
  /** A mention of an account, shown as `@handle`. */
  | { mention: string; did: string }
  /** A hashtag (`#tag` shown) or a cashtag (`$TAG` shown, tag `$TAG`). */
  | { tag: string };

export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: Record<string, unknown>[];
}

const encoder = new TextEncoder();

function feature(part: Exclude<RichPart, string>): { shown: string; feature: Record<string, unknown> } {
  if ('link' in part) {
    return { shown: part.text ?? part.link, feature: { $type: 'app.bsky.richtext.facet#link', uri: part.link } };
  }
  if ('mention' in part) {
    return { shown: `@${part.mention}`, feature: { $type: 'app.bsky.richtext.facet#mention', did: part.did } };
  }
  const shown = part.tag.startsWith('$') ? part.tag : `#${part.tag}`;
  return { shown, feature: { $type: 'app.bsky.richtext.facet#tag', tag: part.tag } };
}

/** The text and its facets (byte offsets) for a list of plain and rich parts. */
export function richText(parts: RichPart[]): { text: string; facets: Facet[] } {
  let text = '';
  const facets: Facet[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const { shown, feature: f } = feature(part);
    const byteStart = encoder.encode(text).length;
    text += shown;
    facets.push({ index: { byteStart, byteEnd: byteStart + encoder.encode(shown).length }, features: [f] });
  }
  return { text, facets };
}
