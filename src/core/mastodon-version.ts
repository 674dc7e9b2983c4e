// One version of a Mastodon status as the archive stores it, built from a
// revision (what the status said: content, content warning, media, poll) and
// the status it belongs to (who, when, in reply to what, in which language,
// which accounts its mentions name). A status as it stands and each entry of
// its edit history are revisions. Pure.
import { mastodonHtmlToText } from './mastodon-html.js';
import { qualifyId } from './mastodon-ids.js';
import { mastodonPlatform } from './mastodon-platform.js';
import type { MastodonBoosted, MastodonMedia, MastodonMention } from './mastodon-payload.js';
import type { NormalizedMedia, NormalizedPost, NormalizedVia, PostPoll, ReferencedPost } from './post-model.js';
import { contentSha256 } from './content-sha256.js';

export const MASTODON_PLATFORM = mastodonPlatform.name;

export interface Revision {
  content: string;
  spoiler_text?: string | null;
  sensitive?: boolean;
  media_attachments: MastodonMedia[];
  poll?: {
    id?: string;
    expires_at?: string | null;
    expired?: boolean;
    options: { title: string; votes_count?: number | null }[];
  } | null;
}

export interface VersionSpec {
  server: string;
  /** The status the version belongs to (for a boost: the boost itself). */
  status: MastodonBoosted;
  revision: Revision;
  /** The status whose words the version shows: the boosted one for a boost, else `status`. */
  shown: MastodonBoosted;
  versionId: string;
  editIds: string[];
  versionCreatedAt: string;
  /** The revision is the status as it stands (not an entry of its history). */
  isCurrent: boolean;
  via: NormalizedVia;
  repostOf: string | null;
}

/** `user@domain` for any account name a server gives (`user` for its own accounts). */
export function fullAcct(acct: string, server: string): string {
  const bare = acct.replace(/^@/, '');
  return bare.includes('@') ? bare : `${bare}@${server}`;
}

/** The account a mention link points to: the status's mentions by URL, else the link's own shape. */
function mentionAcct(href: string, mentions: MastodonMention[], server: string): string | null {
  const named = mentions.find((m) => m.url === href);
  if (named) return fullAcct(named.acct, server);
  try {
    const url = new URL(href);
    const m = /^\/(?:@|users\/|u\/)([^/@]+)(?:@([^/]+))?\/?$/.exec(url.pathname);
    return m ? `${decodeURIComponent(m[1]!)}@${m[2] ?? url.host}` : null;
  } catch {
    return null;
  }
}

function toMedia(m: MastodonMedia, server: string): NormalizedMedia {
  const original = m.meta?.original;
  const duration = original?.duration;
  return {
    key: qualifyId(server, m.id),
    type: m.type,
    url: m.url ?? m.remote_url ?? null,
    previewUrl: m.preview_url ?? null,
    altText: m.description ?? null,
    width: original?.width ?? null,
    height: original?.height ?? null,
    durationMs: typeof duration === 'number' ? Math.round(duration * 1000) : null,
    variants: [],
  };
}

function toPoll(poll: Revision['poll'], server: string, pollId: string | undefined): PostPoll | null {
  if (!poll) return null;
  return {
    id: qualifyId(server, poll.id ?? pollId ?? 'poll'),
    options: poll.options.map((o, i) => ({ position: i + 1, label: o.title, votes: o.votes_count ?? null })),
    votingStatus: poll.expired === undefined ? null : poll.expired ? 'closed' : 'open',
    durationMinutes: null,
    endsAt: poll.expires_at ?? null,
  };
}

function uniqueFolded(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function references(spec: VersionSpec): ReferencedPost[] {
  const { server, shown, repostOf } = spec;
  const refs: ReferencedPost[] = [];
  if (repostOf) refs.push({ type: 'reblogged', id: repostOf });
  if (shown.in_reply_to_id) refs.push({ type: 'replied_to', id: qualifyId(server, shown.in_reply_to_id) });
  const quoted = shown.quote?.quoted_status?.id;
  if (quoted) refs.push({ type: 'quoted', id: qualifyId(server, quoted) });
  return refs;
}

/** The words of a revision: its content warning (kept, before the content) and its content as text. */
function wordsOf(spec: VersionSpec) {
  const { revision, shown, server, isCurrent } = spec;
  const html = mastodonHtmlToText(revision.content);
  const spoiler = (revision.spoiler_text ?? '').trim();
  const fromHtml = html.mentions.flatMap((m) => mentionAcct(m.href, shown.mentions, server) ?? []);
  // A status as it stands also names mentions and tags the HTML may not link (other servers' markup).
  const mentions = [...fromHtml, ...(isCurrent ? shown.mentions.map((m) => fullAcct(m.acct, server)) : [])];
  const hashtags = [...html.hashtags, ...(isCurrent ? shown.tags.map((t) => t.name) : [])];
  return {
    text: spoiler ? `${spoiler}\n\n${html.text}` : html.text,
    spoiler,
    urls: html.links,
    mentions: uniqueFolded(mentions),
    hashtags: uniqueFolded(hashtags),
  };
}

export function buildVersion(spec: VersionSpec): NormalizedPost {
  const { server, status, shown, revision } = spec;
  const words = wordsOf(spec);
  const media = revision.media_attachments.map((m) => toMedia(m, server));
  const poll = toPoll(revision.poll, server, shown.poll?.id);
  const content = {
    text: words.text,
    lang: shown.language ?? null,
    conversationId: null,
    inReplyToUserId: shown.in_reply_to_account_id ? qualifyId(server, shown.in_reply_to_account_id) : null,
    referencedPosts: references(spec),
    urls: words.urls,
    mentions: words.mentions,
    hashtags: words.hashtags,
    media,
  };
  return {
    platform: MASTODON_PLATFORM,
    platformId: qualifyId(server, status.id),
    versionId: spec.versionId,
    editIds: spec.editIds,
    versionCreatedAt: new Date(spec.versionCreatedAt),
    createdAt: new Date(status.created_at),
    authorId: qualifyId(server, status.account.id),
    authorHandle: fullAcct(status.account.acct, server),
    authorName: status.account.display_name || null,
    ...content,
    cashtags: [],
    mediaKeys: media.map((m) => m.key),
    repostOf: spec.repostOf,
    withheld: null,
    poll,
    geo: null,
    via: spec.via,
    contentSha256: contentSha256({
      ...content,
      spoilerText: words.spoiler || undefined,
      sensitive: revision.sensitive || undefined,
      repostOf: spec.repostOf ?? undefined,
      poll: poll ? poll.options.map((o) => o.label) : undefined,
    }),
  };
}
