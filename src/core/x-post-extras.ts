// The parts of a post beyond its text: where it is withheld, its poll (with
// the counts at capture time), its place and coordinates, its media. Plain
// data from the payload's snake_case shapes. Pure.
import type { Media, Place, Poll, Tweet } from './x-payload.js';

export type { NormalizedMedia, PostGeo, PostPlace, PostPoll, PostWithheld } from './post-model.js';
import type { NormalizedMedia, PostGeo, PostPlace, PostPoll, PostWithheld } from './post-model.js';

export function toMedia(m: Media): NormalizedMedia {
  return {
    key: m.media_key,
    type: m.type,
    url: m.url ?? null,
    previewUrl: m.preview_image_url ?? null,
    altText: m.alt_text ?? null,
    width: m.width ?? null,
    height: m.height ?? null,
    durationMs: m.duration_ms ?? null,
    variants: (m.variants ?? []).map((v) => ({
      contentType: v.content_type ?? null,
      url: v.url,
      bitRate: v.bit_rate ?? null,
    })),
  };
}

export function toWithheld(t: Tweet): PostWithheld | null {
  const w = t.withheld;
  if (!w) return null;
  return { copyright: w.copyright ?? false, countryCodes: w.country_codes ?? [], scope: w.scope ?? null };
}

export function toPoll(p: Poll): PostPoll {
  return {
    id: p.id,
    options: [...p.options]
      .sort((a, b) => a.position - b.position)
      .map((o) => ({ position: o.position, label: o.label, votes: o.votes ?? null })),
    votingStatus: p.voting_status ?? null,
    durationMinutes: p.duration_minutes ?? null,
    endsAt: p.end_datetime ?? null,
  };
}

export function toPlace(p: Place): PostPlace {
  return {
    fullName: p.full_name ?? null,
    name: p.name ?? null,
    country: p.country ?? null,
    countryCode: p.country_code ?? null,
    placeType: p.place_type ?? null,
    bbox: p.geo?.bbox ?? null,
  };
}

export function toGeo(t: Tweet, places: Map<string, PostPlace>): PostGeo | null {
  const g = t.geo;
  if (!g || (!g.place_id && !g.coordinates?.coordinates)) return null;
  const c = g.coordinates?.coordinates;
  return {
    placeId: g.place_id ?? null,
    coordinates: c ? [c[0]!, c[1]!] : null,
    place: g.place_id ? (places.get(g.place_id) ?? null) : null,
  };
}

/** A poll's identity for the content sha: options without their vote counts (which move). */
export function pollIdentity(poll: PostPoll | null) {
  return poll ? { id: poll.id, options: poll.options.map((o) => o.label) } : undefined;
}
