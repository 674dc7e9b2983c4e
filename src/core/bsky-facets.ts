// What a Bluesky post links to, mentions and tags, read from its facets
// (app.bsky.richtext.facet). A facet names a range of the text in UTF-8
// BYTES, not in JavaScript's UTF-16 units: an emoji before a mention moves
// the mention by four bytes but by two units. Links are taken from the
// facet's full `uri`, never from the text, which clients shorten
// ("example.gov/news/2026/…"). Pure.
import type { NormalizeProblem } from './post-model.js';
import { describeIssues, facetSchema, linkFeature, mentionFeature, tagFeature } from './bsky-payload.js';

export interface FacetLists {
  urls: string[];
  /** Handles as the text shows them (`@` left out), else the DID the facet names. */
  mentions: string[];
  /** The DIDs of the accounts mentioned: they stay when a handle changes. */
  mentionDids: string[];
  hashtags: string[];
  /** Tags written with a `$` (cashtags), without it. */
  cashtags: string[];
}

const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The text a byte range covers, or undefined when the range does not fall on whole characters. */
export function byteSlice(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** The handle a mention's text shows (`@agency.example.gov` → `agency.example.gov`). */
function handleOf(shown: string | undefined): string | undefined {
  const bare = shown?.trim().replace(/^@/, '');
  return bare && HANDLE.test(bare) ? bare.toLowerCase() : undefined;
}

/**
 * Links, mentions and tags of a post's facets, in text order. A facet whose
 * range falls outside the text (or splits a character) is reported as a
 * problem; its link, DID or tag is still kept, since those do not depend on
 * the range. Unknown feature types are passed over (the lexicon's union is open).
 */
export function facetLists(
  text: string,
  facets: unknown[] | undefined,
  platformId: string,
  problems: NormalizeProblem[],
): FacetLists {
  const out: FacetLists = { urls: [], mentions: [], mentionDids: [], hashtags: [], cashtags: [] };
  const bytes = encoder.encode(text);
  const ordered = (facets ?? []).map((raw, i) => ({ raw, i, parsed: facetSchema.safeParse(raw) }));
  ordered.sort((a, b) => startOf(a.parsed) - startOf(b.parsed) || a.i - b.i);
  for (const { i, parsed } of ordered) {
    if (!parsed.success) {
      problems.push({
        platformId,
        code: 'bad_payload',
        message: `facet ${i}: ${describeIssues(parsed.error, 'facet')}`,
      });
      continue;
    }
    const { byteStart, byteEnd } = parsed.data.index;
    const shown = byteEnd <= bytes.length && byteStart <= byteEnd ? byteSlice(bytes, byteStart, byteEnd) : undefined;
    if (shown === undefined) {
      const range = `${byteStart}..${byteEnd}`;
      const message = `facet ${i}: byte range ${range} does not fit the text's ${bytes.length} UTF-8 bytes`;
      problems.push({ platformId, code: 'bad_payload', message });
    }
    for (const feature of parsed.data.features) addFeature(out, feature, shown);
  }
  return {
    urls: unique(out.urls),
    mentions: unique(out.mentions),
    mentionDids: unique(out.mentionDids),
    hashtags: unique(out.hashtags),
    cashtags: unique(out.cashtags),
  };
}

function startOf(parsed: { success: boolean; data?: { index: { byteStart: number } } }): number {
  return parsed.success ? parsed.data!.index.byteStart : Number.MAX_SAFE_INTEGER;
}

function addFeature(out: FacetLists, feature: unknown, shown: string | undefined): void {
  const link = linkFeature.safeParse(feature);
  if (link.success) {
    out.urls.push(link.data.uri);
    return;
  }
  const mention = mentionFeature.safeParse(feature);
  if (mention.success) {
    out.mentions.push(handleOf(shown) ?? mention.data.did);
    out.mentionDids.push(mention.data.did);
    return;
  }
  const tag = tagFeature.safeParse(feature);
  if (tag.success) {
    const name = tag.data.tag;
    if (name.startsWith('$') && name.length > 1) out.cashtags.push(name.slice(1));
    else out.hashtags.push(name);
  }
}
