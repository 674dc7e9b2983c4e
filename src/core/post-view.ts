// The public shape of a post, shared by the CLI's --json, the HTTP API, feeds,
// exports and alert payloads. Pure.
import { formatAccountRef, postUrl } from './ids.js';

export interface PostRow {
  platform: string;
  platformId: string;
  text: string;
  createdAt: Date;
  lang: string | null;
  status: string;
  editIds: string[];
  versionCount: number;
  urls: string[];
  mentions: string[];
  hashtags: string[];
  media: unknown;
  referencedPosts: unknown;
  conversationId: string | null;
  inReplyToUserId: string | null;
  /** Absent on rows read before these columns existed (older exports, partial selects). */
  cashtags?: string[];
  mediaKeys?: string[];
  repostOf?: string | null;
  /** The post's own address when its ID cannot rebuild it (see NormalizedPost.permalink). */
  permalink?: string | null;
  withheld?: unknown;
  poll?: unknown;
  geo?: unknown;
  firstSeenAt: Date;
  firstSeenBy: string;
  statusChangedAt: Date | null;
  account?: { platform: string; handle: string } | null;
}

export interface PostView {
  id: string;
  platform: string;
  account: string | null;
  text: string;
  createdAt: string;
  url: string;
  lang: string | null;
  status: string;
  edited: boolean;
  editIds: string[];
  urls: string[];
  mentions: string[];
  hashtags: string[];
  cashtags: string[];
  media: unknown;
  /** Every media key, also those whose details are not archived yet. */
  mediaKeys: string[];
  referencedPosts: unknown;
  /** For a repost: the ID of the post it reposts. */
  repostOf: string | null;
  /** { copyright, countryCodes, scope } where X withholds the post. */
  withheld: unknown;
  /** { id, options: [{ position, label, votes }], votingStatus, durationMinutes, endsAt } as captured. */
  poll: unknown;
  /** { placeId, coordinates, place } */
  geo: unknown;
  conversationId: string | null;
  inReplyToUserId: string | null;
  firstSeenAt: string;
  firstSeenBy: string;
  statusChangedAt: string | null;
}

export function toPostView(row: PostRow): PostView {
  const handle = row.account?.handle ?? null;
  return {
    id: row.platformId,
    platform: row.platform,
    account: row.account ? formatAccountRef(row.account.platform, row.account.handle) : null,
    text: row.text,
    createdAt: row.createdAt.toISOString(),
    url: row.permalink ?? postUrl(row.platform, handle, row.editIds.at(-1) ?? row.platformId),
    lang: row.lang,
    status: row.status,
    edited: row.versionCount > 1 || row.editIds.length > 1,
    editIds: row.editIds,
    urls: row.urls,
    mentions: row.mentions,
    hashtags: row.hashtags,
    cashtags: row.cashtags ?? [],
    media: row.media,
    mediaKeys: row.mediaKeys ?? [],
    referencedPosts: row.referencedPosts,
    repostOf: row.repostOf ?? null,
    withheld: row.withheld ?? null,
    poll: row.poll ?? null,
    geo: row.geo ?? null,
    conversationId: row.conversationId,
    inReplyToUserId: row.inReplyToUserId,
    firstSeenAt: row.firstSeenAt.toISOString(),
    firstSeenBy: row.firstSeenBy,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
  };
}
