// Alerts in the formats of Slack and Discord incoming webhooks, within each
// service's documented limits. Pure.
import { formatTime, headline, messageTitle, truncate, type AlertItem, type AlertMessage } from './alert-messages.js';
import { platformLabel } from './ids.js';

// Slack: a message has at most 50 blocks; a section's text at most 3000 characters.
const SLACK_MAX_BLOCKS = 50;
const SLACK_SECTION_MAX = 3000;
const SLACK_TEXT_MAX = 3000;

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack's mrkdwn reserves &, < and > (links are written <url|label>). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackMessage(message: AlertMessage): SlackMessage {
  const title = messageTitle(message);
  const blocks: Record<string, unknown>[] = [];
  if (message.type !== 'event') blocks.push(section(`*${escapeSlack(title)}*`));
  // Two blocks per item, and one kept for "and N more".
  const room = Math.floor((SLACK_MAX_BLOCKS - blocks.length - 1) / 2);
  const shown = message.items.slice(0, room);
  for (const item of shown) blocks.push(...slackItem(item));
  const hidden = message.items.length - shown.length;
  if (hidden > 0) blocks.push(context(`…and ${hidden} more`));
  const first = message.items[0];
  const fallback = message.type === 'event' && first ? `${title}: ${first.post.text}` : title;
  return { text: truncate(fallback, SLACK_TEXT_MAX), blocks };
}

function slackItem(item: AlertItem): Record<string, unknown>[] {
  const p = item.post;
  const parts = [`*<${p.url}|${escapeSlack(headline(item))}>*`, quote(truncate(p.text, 2000))];
  if (item.previousText !== undefined) parts.push(`_Before the edit:_\n${quote(truncate(item.previousText, 600))}`);
  if (item.article) parts.push(`Article: ${slackLink(item.article.url, item.article.title ?? '(untitled)')}`);
  const where = `${escapeSlack(p.account ?? 'unknown account')} · ${escapeSlack(platformLabel(p.platform))}`;
  const meta = `${where} · ${formatTime(p.createdAt)} · <${p.url}|permalink>`;
  return [section(truncate(parts.join('\n'), SLACK_SECTION_MAX)), context(meta)];
}

function quote(text: string): string {
  return escapeSlack(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function slackLink(url: string | null, label: string): string {
  const safe = escapeSlack(truncate(label, 200)).replace(/\|/g, '¦');
  return url ? `<${url}|${safe}>` : safe;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

// Discord: content ≤ 2000; ≤ 10 embeds; title ≤ 256; description ≤ 4096;
// field value ≤ 1024; author name ≤ 256; and all embeds together ≤ 6000.
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fieldValue: 1024,
  authorName: 256,
  total: 6000,
} as const;

export interface DiscordEmbed {
  title: string;
  url: string;
  description: string;
  timestamp: string;
  author: { name: string };
  fields: { name: string; value: string }[];
  footer: { text: string };
}

export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  /** Never ping anyone: a post's text may contain @everyone. */
  allowed_mentions: { parse: never[] };
}

export function discordMessage(message: AlertMessage): DiscordMessage {
  const shown = message.items.slice(0, DISCORD_LIMITS.embeds);
  const hidden = message.items.length - shown.length;
  const title = messageTitle(message) + (hidden > 0 ? ` (the first ${shown.length} shown)` : '');
  // Leave a margin under the total so that rounding never crosses it.
  const budget = Math.floor((DISCORD_LIMITS.total - 100) / Math.max(1, shown.length));
  return {
    content: truncate(title, DISCORD_LIMITS.content),
    embeds: shown.map((item) => discordEmbed(item, budget)),
    allowed_mentions: { parse: [] },
  };
}

function discordEmbed(item: AlertItem, budget: number): DiscordEmbed {
  const p = item.post;
  const title = truncate(headline(item), Math.min(DISCORD_LIMITS.title, 200));
  const author = truncate(p.account ?? 'unknown account', 100);
  const footer = `onrecord · ${platformLabel(p.platform)} · ${item.kind} · ${formatTime(p.createdAt)}`;
  const raw: { name: string; value: string }[] = [];
  if (item.previousText !== undefined) raw.push({ name: 'Before the edit', value: item.previousText || '(empty)' });
  if (item.article) {
    const label = item.article.title ?? '(untitled)';
    raw.push({ name: 'Article', value: item.article.url ? `[${label}](${item.article.url})` : label });
  }
  let rest = budget - count(title) - count(author) - count(footer) - raw.reduce((n, f) => n + count(f.name), 0);
  const perField = Math.max(1, Math.min(DISCORD_LIMITS.fieldValue, Math.floor((rest * 0.4) / Math.max(1, raw.length))));
  const fields = raw.map((f) => ({ name: f.name, value: truncate(f.value, perField) }));
  rest -= fields.reduce((n, f) => n + count(f.value), 0);
  return {
    title,
    url: p.url,
    description: truncate(p.text, Math.max(1, Math.min(DISCORD_LIMITS.description, rest))),
    timestamp: p.createdAt,
    author: { name: author },
    fields,
    footer: { text: footer },
  };
}

/** Characters as Discord counts them (code points). */
export function count(text: string): number {
  return [...text].length;
}

/** The characters an embed counts towards Discord's 6000 total. */
export function embedSize(e: DiscordEmbed): number {
  return (
    count(e.title) +
    count(e.description) +
    count(e.author.name) +
    count(e.footer.text) +
    e.fields.reduce((n, f) => n + count(f.name) + count(f.value), 0)
  );
}
