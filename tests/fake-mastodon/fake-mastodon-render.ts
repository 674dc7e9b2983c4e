// What the fake server sends: status text rendered to HTML the way Mastodon
// renders a local status (paragraphs, `<br />`, links shortened with
// invisible spans, h-card mentions, hashtag links, `&#39;` for apostrophes),
// and the JSON of the API entities (Account, Status, MediaAttachment, Poll,
// StatusEdit) with the fields and quirks of docs.joinmastodon.org.
import type { FakeAccount, FakeMastodonState, FakeMedia, FakeRevision, FakeStatus } from './fake-mastodon-state.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

// A URL, a mention (@user or @user@domain) or a hashtag, each where Mastodon would see one.
const TOKEN =
  /(https?:\/\/[^\s<>"]*[^\s<>".,:;!?)'\]])|(?<![\w/])@([A-Za-z0-9_]+(?:@[A-Za-z0-9.-]*[A-Za-z0-9])?)|(?<![\w/&#])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;

export interface Rendered {
  html: string;
  mentionIds: string[];
  tags: string[];
}

/** Mastodon's link markup: scheme (and www.) hidden, 30 characters shown, the rest hidden. */
export function linkHtml(url: string): string {
  const prefix = /^https?:\/\/(www\.)?/.exec(url)?.[0] ?? '';
  const rest = url.slice(prefix.length);
  const shown = rest.slice(0, 30);
  const cls = rest.length > 30 ? 'ellipsis' : '';
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span><span class="${cls}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(rest.slice(30))}</span></a>`
  );
}

export function accountUrl(account: FakeAccount, domain: string): string {
  return `https://${account.domain ?? domain}/@${account.username}`;
}

function renderLine(line: string, state: FakeMastodonState, out: Rendered): string {
  let html = '';
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    html += escapeHtml(line.slice(last, m.index));
    last = m.index + m[0].length;
    const [, url, acct, tag] = m;
    const mentioned = acct ? state.accountByAcct(acct) : undefined;
    if (url) html += linkHtml(url);
    else if (mentioned) {
      out.mentionIds.push(mentioned.id);
      html +=
        `<span class="h-card" translate="no"><a href="${escapeHtml(accountUrl(mentioned, state.domain))}" ` +
        `class="u-url mention">@<span>${escapeHtml(mentioned.username)}</span></a></span>`;
    } else if (tag) {
      out.tags.push(tag);
      html +=
        `<a href="https://${state.domain}/tags/${encodeURIComponent(tag.toLowerCase())}" ` +
        `class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
    } else html += escapeHtml(m[0]);
  }
  return html + escapeHtml(line.slice(last));
}

/** Plain text as Mastodon renders it: a blank line starts a paragraph, a newline is `<br />`. */
export function renderText(text: string, state: FakeMastodonState): Rendered {
  const out: Rendered = { html: '', mentionIds: [], tags: [] };
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim() !== '');
  out.html = paragraphs
    .map(
      (p) =>
        `<p>${p
          .split('\n')
          .map((l) => renderLine(l, state, out))
          .join('<br />')}</p>`,
    )
    .join('');
  out.mentionIds = [...new Set(out.mentionIds)];
  out.tags = [...new Set(out.tags)];
  return out;
}

export function accountJson(a: FakeAccount, state: FakeMastodonState) {
  const domain = a.domain ?? state.domain;
  const statuses = [...state.statuses.values()].filter((s) => s.accountId === a.id && !s.deleted);
  const last = statuses
    .map((s) => s.createdAt)
    .sort()
    .at(-1);
  const base = {
    id: a.id,
    username: a.username,
    acct: a.domain ? `${a.username}@${a.domain}` : a.username,
    display_name: a.suspended ? '' : a.displayName,
    locked: false,
    bot: a.bot,
    discoverable: !a.suspended,
    indexable: !a.suspended,
    group: false,
    // Mastodon shows when an account was created to the day, and its last status to the day.
    created_at: `${a.createdAt.slice(0, 10)}T00:00:00.000Z`,
    note: a.suspended || !a.note ? '' : `<p>${escapeHtml(a.note)}</p>`,
    url: accountUrl(a, state.domain),
    uri: `https://${domain}/users/${a.username}`,
    avatar: `https://${state.domain}/avatars/original/missing.png`,
    avatar_static: `https://${state.domain}/avatars/original/missing.png`,
    header: `https://${state.domain}/headers/original/missing.png`,
    header_static: `https://${state.domain}/headers/original/missing.png`,
    followers_count: a.suspended ? 0 : 1200,
    following_count: a.suspended ? 0 : 35,
    statuses_count: a.suspended ? 0 : statuses.length,
    last_status_at: a.suspended || !last ? null : last.slice(0, 10),
    hide_collections: false,
    emojis: [],
    fields: [],
  };
  return a.suspended ? { ...base, suspended: true, roles: [] } : { ...base, noindex: false, roles: [] };
}

export function mediaJson(m: FakeMedia, domain: string) {
  const path = `https://files.${domain}/media_attachments/files/${m.id}`;
  const original = {
    width: m.width,
    height: m.height,
    ...(m.duration !== undefined ? { duration: m.duration, frame_rate: '30/1', bitrate: 800_000 } : {}),
    size: `${m.width}x${m.height}`,
    aspect: m.width / m.height,
  };
  const small = { width: Math.round(m.width / 2), height: Math.round(m.height / 2) };
  return {
    id: m.id,
    type: m.type,
    url: m.isUnprocessed ? null : `${path}/original/${m.id}.${m.type === 'image' ? 'jpg' : 'mp4'}`,
    preview_url: m.isUnprocessed ? null : `${path}/small/${m.id}.jpg`,
    remote_url: m.isUnprocessed ? `https://remote.example/media/${m.id}` : null,
    preview_remote_url: null,
    text_url: null,
    meta: m.isUnprocessed
      ? null
      : { original, small: { ...small, size: `${small.width}x${small.height}`, aspect: m.width / m.height } },
    description: m.description,
    blurhash: 'UBL_:rOpGG-;~qRjWBay00xu?bof~qRjWBay',
  };
}

function pollJson(status: FakeStatus, now: number) {
  const poll = status.poll;
  const options = status.current.pollOptions;
  if (!poll || !options) return null;
  const votes = options.map((_, i) => poll.votes[i] ?? 0);
  return {
    id: poll.id,
    expires_at: poll.expiresAt,
    expired: poll.expiresAt !== null && Date.parse(poll.expiresAt) <= now,
    multiple: false,
    votes_count: votes.reduce((a, b) => a + b, 0),
    voters_count: votes.reduce((a, b) => a + b, 0),
    options: options.map((title, i) => ({ title, votes_count: votes[i] })),
    emojis: [],
  };
}

function revisionFields(rev: FakeRevision, state: FakeMastodonState) {
  return {
    content: rev.html,
    spoiler_text: rev.spoilerText,
    sensitive: rev.sensitive,
    media_attachments: rev.mediaIds.map((id) => mediaJson(state.media.get(id)!, state.domain)),
  };
}

function links(s: FakeStatus, author: FakeAccount, domain: string) {
  if (s.reblogOfId) {
    const activity = `https://${domain}/users/${author.username}/statuses/${s.id}/activity`;
    return { uri: activity, url: activity };
  }
  const home = author.domain ?? domain;
  const id = s.remoteId ?? s.id;
  return {
    uri: `https://${home}/users/${author.username}/statuses/${id}`,
    url: `https://${home}/@${author.username}/${id}`,
  };
}

export function statusJson(s: FakeStatus, state: FakeMastodonState, now: number): Record<string, unknown> {
  const author = state.account(s.accountId);
  const all = [...state.statuses.values()].filter((o) => !o.deleted);
  const boosted = s.reblogOfId ? state.statuses.get(s.reblogOfId) : undefined;
  const rev = s.current;
  return {
    id: s.id,
    created_at: s.createdAt,
    in_reply_to_id: s.inReplyToId,
    in_reply_to_account_id: s.inReplyToAccountId,
    sensitive: rev.sensitive,
    spoiler_text: rev.spoilerText,
    visibility: s.visibility,
    language: boosted ? null : rev.language,
    ...links(s, author, state.domain),
    replies_count: all.filter((o) => o.inReplyToId === s.id).length,
    reblogs_count: all.filter((o) => o.reblogOfId === s.id).length,
    favourites_count: 0,
    quotes_count: 0,
    edited_at: s.editedAt,
    content: rev.html,
    reblog: boosted ? statusJson(boosted, state, now) : null,
    ...(s.application && !author.domain ? { application: { name: s.application, website: null } } : {}),
    account: accountJson(author, state),
    media_attachments: revisionFields(rev, state).media_attachments,
    mentions: rev.mentionIds.map((id) => {
      const m = state.account(id);
      return {
        id: m.id,
        username: m.username,
        url: accountUrl(m, state.domain),
        acct: m.domain ? `${m.username}@${m.domain}` : m.username,
      };
    }),
    tags: rev.tags.map((t) => ({
      name: t.toLowerCase(),
      url: `https://${state.domain}/tags/${encodeURIComponent(t.toLowerCase())}`,
    })),
    emojis: [],
    card: null,
    poll: pollJson(s, now),
  };
}

/** GET /api/v1/statuses/:id/history: every revision oldest first; one entry for a status never edited. */
export function historyJson(s: FakeStatus, state: FakeMastodonState) {
  const revisions = s.edits.length > 0 ? s.edits : [s.current];
  const account = accountJson(state.account(s.accountId), state);
  return revisions.map((rev) => ({
    ...revisionFields(rev, state),
    created_at: rev.createdAt,
    ...(rev.pollOptions ? { poll: { options: rev.pollOptions.map((title) => ({ title })) } } : {}),
    account,
    emojis: [],
  }));
}
