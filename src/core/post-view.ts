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
  media: unknown;
  referencedPosts: unknown;
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
    url: postUrl(row.platform, handle, row.editIds.at(-1) ?? row.platformId),
    lang: row.lang,
    status: row.status,
    edited: row.versionCount > 1 || row.editIds.length > 1,
    editIds: row.editIds,
    urls: row.urls,
    mentions: row.mentions,
    hashtags: row.hashtags,
    media: row.media,
    referencedPosts: row.referencedPosts,
    conversationId: row.conversationId,
    inReplyToUserId: row.inReplyToUserId,
    firstSeenAt: row.firstSeenAt.toISOString(),
    firstSeenBy: row.firstSeenBy,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
  };
}
