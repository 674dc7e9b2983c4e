// What an alert says, in each channel's own format: the generic webhook JSON
// body, email, and (in chat-messages.ts) Slack and Discord. Pure. Every
// message carries each post's text, account, platform, time and permalink,
// the text before an edit, and for `cited` the citing article.
import { platformLabel } from './ids.js';
import type { PostView } from './post-view.js';

/** One event as an alert shows it (the payload the outbox recorded). */
export interface AlertItem {
  eventId: number;
  kind: string;
  /** When the event was recorded. */
  at: Date;
  post: PostView;
  previousText?: string;
  article?: { id: number; url: string | null; title: string | null; kind: string; confidence: number };
}

export interface AlertMessage {
  /** The delivery's id: receivers dedupe on it (X-Onrecord-Delivery). */
  deliveryId: string;
  ruleId: number;
  /** `event`: one event; `digest`: the events of a period; `test`: a sample sent by `alerts test`. */
  type: 'event' | 'digest' | 'test';
  items: AlertItem[];
  digest?: { key: string; start: Date; end: Date };
}

/** The value of X-Onrecord-Event: the event's kind, `digest`, or `test`. */
export function eventName(message: AlertMessage): string {
  if (message.type === 'event') return message.items[0]?.kind ?? 'event';
  return message.type;
}

export interface WebhookBody {
  delivery: string;
  event: string;
  rule: number;
  test: boolean;
  digest: { key: string; start: string; end: string } | null;
  events: {
    id: number;
    kind: string;
    at: string;
    post: PostView;
    previousText?: string;
    article?: AlertItem['article'];
  }[];
}

/** The generic webhook's JSON body. The same delivery always renders the same bytes. */
export function webhookBody(message: AlertMessage): WebhookBody {
  return {
    delivery: message.deliveryId,
    event: eventName(message),
    rule: message.ruleId,
    test: message.type === 'test',
    digest: message.digest
      ? { key: message.digest.key, start: message.digest.start.toISOString(), end: message.digest.end.toISOString() }
      : null,
    events: message.items.map(webhookEvent),
  };
}

/** One event as webhooks (in `events`) and the live stream (/api/events) carry it. */
export function webhookEvent(item: AlertItem): WebhookBody['events'][number] {
  return {
    id: item.eventId,
    kind: item.kind,
    at: item.at.toISOString(),
    post: item.post,
    ...(item.previousText !== undefined ? { previousText: item.previousText } : {}),
    ...(item.article ? { article: item.article } : {}),
  };
}

/** One line that says what happened, e.g. "New post by x:USFOR_A". */
export function headline(item: AlertItem): string {
  const who = item.post.account ?? 'an unknown account';
  switch (item.kind) {
    case 'new':
      return `New post by ${who}`;
    case 'edited':
      return `${who} edited a post`;
    case 'deleted':
      return item.post.status === 'deleted' ? `${who} deleted a post` : `A post by ${who} is ${item.post.status}`;
    case 'cited':
      return `${item.article?.title ? `"${item.article.title}"` : 'An article'} cites a post by ${who}`;
    default:
      return `${item.kind}: a post by ${who}`;
  }
}

/** The heading of a whole message (digests and tests count their items). */
export function messageTitle(message: AlertMessage): string {
  if (message.type === 'test') return `Test alert from onrecord (rule ${message.ruleId})`;
  if (message.type === 'digest' && message.digest) {
    const n = message.items.length;
    return `${n} ${n === 1 ? 'match' : 'matches'} for rule ${message.ruleId}, ${periodLabel(message.digest)}`;
  }
  const first = message.items[0];
  return first ? headline(first) : `Alert from onrecord (rule ${message.ruleId})`;
}

export function periodLabel(period: { key: string; start: Date; end: Date }): string {
  const kind = period.key.startsWith('daily') ? 'daily digest' : 'hourly digest';
  return `${kind} ${formatTime(period.start)} to ${formatTime(period.end)}`;
}

/** "2026-03-04 15:00 UTC": unambiguous for every reader. */
export function formatTime(at: Date | string): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Cuts text to at most max characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

export function emailMessage(message: AlertMessage): EmailMessage {
  const title = messageTitle(message);
  const first = message.items[0];
  const subject =
    message.type === 'event' && first
      ? truncate(`${title}: ${first.post.text.replace(/\s+/g, ' ')}`, 150)
      : truncate(title, 150);
  const items = message.items.flatMap((item) => [...emailItemLines(item), '']);
  const lines = message.type === 'event' ? items : [title, '', ...items];
  const text = [...lines, `onrecord delivery ${message.deliveryId}`, ''].join('\n');
  const html = [
    `<h2>${escapeHtml(title)}</h2>`,
    ...message.items.map((item) => emailItemHtml(item)),
    `<p style="color:#666">onrecord delivery ${escapeHtml(message.deliveryId)}</p>`,
  ].join('\n');
  return { subject: subject.replace(/[\r\n]+/g, ' '), text, html };
}

function emailItemLines(item: AlertItem): string[] {
  return [
    headline(item),
    '',
    item.post.text,
    ...(item.previousText !== undefined ? ['', `Before the edit: ${item.previousText}`] : []),
    '',
    `Account: ${item.post.account ?? 'unknown'}`,
    `Platform: ${platformLabel(item.post.platform)}`,
    `Posted: ${formatTime(item.post.createdAt)}`,
    `Link: ${item.post.url}`,
    ...(item.article ? [`Article: ${item.article.title ?? '(untitled)'} ${item.article.url ?? ''}`.trimEnd()] : []),
  ];
}

function emailItemHtml(item: AlertItem): string {
  const p = item.post;
  const article = item.article ? `<p>Article: ${link(item.article.url, item.article.title ?? '(untitled)')}</p>` : '';
  const before =
    item.previousText !== undefined ? `<p><em>Before the edit:</em> ${escapeHtml(item.previousText)}</p>` : '';
  return [
    `<h3>${escapeHtml(headline(item))}</h3>`,
    `<blockquote style="white-space:pre-wrap">${escapeHtml(p.text)}</blockquote>`,
    before,
    `<p>${escapeHtml(p.account ?? 'unknown')} · ${escapeHtml(platformLabel(p.platform))} · ${escapeHtml(formatTime(p.createdAt))} · ${link(p.url, 'permalink')}</p>`,
    article,
  ]
    .filter(Boolean)
    .join('\n');
}

function link(url: string | null, label: string): string {
  if (!url) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
