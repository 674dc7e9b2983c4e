// The platform-neutral shapes of what a source reads: a post's versions as the
// archive stores them, the problems met while normalizing a payload, and the
// partial errors a platform reports about posts or users it could not serve.
// Each platform's normalizer (core/x-normalize.ts for X) produces these; jobs
// and repositories see only these. Pure types.
import type { Platform } from './ids.js';

export type ProblemCode = 'bad_payload' | 'media_missing' | 'repost_incomplete';

export interface NormalizeProblem {
  platformId?: string;
  code: ProblemCode;
  message: string;
}

export const PARTIAL_ERROR_KINDS = ['not_found', 'suspended', 'not_authorized', 'other'] as const;
export type PartialErrorKind = (typeof PARTIAL_ERROR_KINDS)[number];

/** An entry of the body's `errors` array (HTTP 200 partial errors). */
export interface PartialError {
  kind: PartialErrorKind;
  resourceType: string | null;
  resourceId: string | null;
  detail: string;
}

export interface NormalizedMedia {
  key: string;
  type: string;
  url: string | null;
  previewUrl: string | null;
  altText: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  variants: { contentType: string | null; url: string; bitRate: number | null }[];
}

/** Where X withholds the post: in these countries, or everywhere for a copyright claim. */
export interface PostWithheld {
  copyright: boolean;
  countryCodes: string[];
  scope: string | null;
}

export interface PostPoll {
  id: string;
  options: { position: number; label: string; votes: number | null }[];
  votingStatus: string | null;
  durationMinutes: number | null;
  endsAt: string | null;
}

export interface PostPlace {
  fullName: string | null;
  name: string | null;
  country: string | null;
  countryCode: string | null;
  placeType: string | null;
  bbox: number[] | null;
}

export interface PostGeo {
  placeId: string | null;
  /** [longitude, latitude] when the post carries exact coordinates. */
  coordinates: [number, number] | null;
  /** The place's details from includes.places (null when X did not include them). */
  place: PostPlace | null;
}

export interface ReferencedPost {
  type: string;
  id: string;
}

/**
 * Where a version was read from: the body's `data`, an earlier version of an
 * edited post (includes.tweets, edit_history_tweet_ids), or the original of a
 * repost (includes.tweets), which belongs to its own author, not to the
 * account whose timeline showed it.
 */
export const NORMALIZED_VIA = ['data', 'edit_history', 'retweeted'] as const;
export type NormalizedVia = (typeof NORMALIZED_VIA)[number];

/** One version of one post, as the archive stores it. */
export interface NormalizedPost {
  platform: Platform;
  /** The natural key: the first ID of the edit chain. */
  platformId: string;
  /** This version's own ID. */
  versionId: string;
  /** The whole edit chain known from this version, oldest first. */
  editIds: string[];
  /**
   * The full text as readers saw it: decoded from X's HTML escaping,
   * note_tweet when the post is long, the original's full text for a repost.
   */
  text: string;
  lang: string | null;
  /** When this version was posted. */
  versionCreatedAt: Date;
  /** When the post (the first version of the chain) was posted. */
  createdAt: Date;
  authorId: string | null;
  authorHandle: string | null;
  /** The author's display name, when the body included the user. */
  authorName: string | null;
  conversationId: string | null;
  inReplyToUserId: string | null;
  referencedPosts: ReferencedPost[];
  /** What the post links to (never its own "show more" link nor media links). */
  urls: string[];
  /**
   * The post's own address, where its platform gives one that its ID cannot
   * rebuild (a feed item's link); absent where the descriptor's postUrl does.
   */
  permalink?: string | null;
  mentions: string[];
  hashtags: string[];
  cashtags: string[];
  /** Details of the media found in includes.media (see mediaKeys for every key). */
  media: NormalizedMedia[];
  /** Every media key the version carries, found in includes.media or not. */
  mediaKeys: string[];
  /** For a repost: the ID of the post it reposts (archived as a post of its own). */
  repostOf: string | null;
  withheld: PostWithheld | null;
  /** The poll, with its counts at capture time. */
  poll: PostPoll | null;
  geo: PostGeo | null;
  via: NormalizedVia;
  /** sha256 over the normalized content of this version (see contentSha256). */
  contentSha256: string;
}

export interface NormalizedBody {
  posts: NormalizedPost[];
  problems: NormalizeProblem[];
  errors: PartialError[];
}
