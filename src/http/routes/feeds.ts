// Atom, RSS and JSON Feed for every account, every actor (the posts of all its
// channels) and every search: a feed reader subscribed to a search is an alert
// channel. Feeds list the newest matches.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Feed } from 'feed';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { createArchiveReadRepository } from '../../adapters/db/archive-read-repository.js';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { NotFound } from '../../core/errors.js';
import { parseActorName } from '../../core/actors.js';
import { formatAccountRef, parseAccountRef, platformLabel } from '../../core/ids.js';
import { toPostView, type PostView } from '../../core/post-view.js';
import { parseFilters, type SearchFilters, type SearchInput } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import { escapeHtml } from '../pages/html.js';
import { postPath } from '../pages/post-card.js';
import { publicUrl } from './pages.js';

export const FEED_ITEMS = 50;
const FORMATS = {
  atom: { type: 'application/atom+xml; charset=utf-8', render: (f: FeedInput) => xmlFeed('atom', f).atom1() },
  rss: { type: 'application/rss+xml; charset=utf-8', render: (f: FeedInput) => xmlFeed('rss', f).rss2() },
  json: { type: 'application/feed+json; charset=utf-8', render: (f: FeedInput) => JSON.stringify(jsonFeed(f)) },
} as const;
type FeedFormat = keyof typeof FORMATS;

interface FeedInput {
  base: string;
  meta: { title: string; link: string; self: string };
  posts: PostView[];
}

function titleOf(post: PostView): string {
  const flat = post.text.replace(/\s+/g, ' ').trim();
  const text = flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
  return `${post.account ?? post.platform}${post.status === 'deleted' ? ' (deleted)' : ''}: ${text}`;
}

const authorOf = (post: PostView) => post.account ?? post.platform;
/** The text, then the post on its platform ("on X: https://x.com/..."). */
const contentOf = (post: PostView) =>
  `<p>${escapeHtml(post.text)}</p><p>on ${escapeHtml(platformLabel(post.platform))}: <a href="${escapeHtml(post.url)}">${escapeHtml(post.url)}</a></p>`;

/**
 * Atom and RSS through `feed`. It escapes the feed-level title itself (plain
 * text); item titles and descriptions go in CDATA and are read as HTML by feed
 * readers (Atom type="html"), so those are escaped here. RSS's <author> must be
 * an e-mail address: the account goes in dc:creator instead.
 */
function xmlFeed(format: 'atom' | 'rss', { base, meta, posts }: FeedInput): Feed {
  const feed = new Feed({
    id: `${base}${meta.self}`,
    title: meta.title,
    link: `${base}${meta.link}`,
    updated: posts[0] ? new Date(posts[0].createdAt) : new Date(0),
    generator: 'onrecord',
    copyright: 'Statements by their authors; archived by onrecord',
    feedLinks: { [format]: `${base}${meta.self}` },
  });
  for (const post of posts) {
    const link = `${base}${postPath(post)}`;
    const date = new Date(post.createdAt);
    feed.addItem({
      title: escapeHtml(titleOf(post)),
      id: link,
      link,
      date,
      published: date,
      description: escapeHtml(post.text),
      content: contentOf(post),
      category: [{ name: platformLabel(post.platform), term: post.platform }],
      ...(format === 'atom'
        ? { author: [{ name: authorOf(post) }] }
        : { extensions: [{ name: 'dc:creator', objects: { _text: authorOf(post) } }] }),
    });
  }
  return feed;
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): plain-text titles, `authors`, `date_published`. */
function jsonFeed({ base, meta, posts }: FeedInput) {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: meta.title,
    home_page_url: `${base}${meta.link}`,
    feed_url: `${base}${meta.self}`,
    description: 'Statements by their authors; archived by onrecord',
    items: posts.map((post) => ({
      id: `${base}${postPath(post)}`,
      url: `${base}${postPath(post)}`,
      external_url: post.url,
      title: titleOf(post),
      content_text: post.text,
      content_html: contentOf(post),
      date_published: new Date(post.createdAt).toISOString(),
      authors: [{ name: authorOf(post) }],
      tags: [post.platform],
      ...(post.lang ? { language: post.lang } : {}),
    })),
  };
}

function parseFeedFile(file: string): { name: string; format: FeedFormat } {
  const m = /^(.+)\.(atom|rss|json)$/.exec(file);
  if (!m) throw new NotFound('feeds end in .atom, .rss or .json');
  return { name: m[1]!, format: m[2] as FeedFormat };
}

function send(reply: FastifyReply, format: FeedFormat, feed: FeedInput) {
  return reply.header('content-type', FORMATS[format].type).send(FORMATS[format].render(feed));
}

export function registerFeeds(app: FastifyInstance, deps: AppDeps): void {
  const search = createTimedSearchRepository(deps.db.prisma, deps.config.ONRECORD_SEARCH_TIMEOUT);
  const read = createArchiveReadRepository(deps.db.prisma);
  const actors = createActorsRepository(deps.db.prisma);
  const newest = async (filters: SearchFilters) => (await search.newest(filters, FEED_ITEMS)).map(toPostView);
  const hide = { schema: { hide: true } };

  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    app.get<{ Querystring: SearchInput }>(`/feeds/search.${format}`, hide, async (request, reply) => {
      const filters = parseFilters(request.query);
      const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '').toString();
      const meta = {
        title: filters.q ? `onrecord: “${filters.q}”` : 'onrecord: newest posts',
        link: `/${query ? `?${query}` : ''}`,
        self: `/feeds/search.${format}${query ? `?${query}` : ''}`,
      };
      return send(reply, format, { base: publicUrl(deps), meta, posts: await newest(filters) });
    });
  }

  app.get<{ Params: { platform: string; file: string } }>(
    '/feeds/accounts/:platform/:file',
    hide,
    async (request, reply) => {
      const { name, format } = parseFeedFile(request.params.file);
      const ref = parseAccountRef(`${request.params.platform}:${name}`);
      const account = await read.findAccount(ref.platform, ref.handle);
      if (!account) throw new NotFound(`no watched account ${ref.platform}:${ref.handle}`);
      const accountRef = formatAccountRef(account.platform, account.handle);
      const path = `/accounts/${encodeURIComponent(account.platform)}/${encodeURIComponent(account.handle)}`;
      const meta = {
        title: `onrecord: ${account.displayName ?? account.handle} (${accountRef})`,
        link: path,
        self: `/feeds${path}.${format}`,
      };
      const posts = await newest(parseFilters({ account: accountRef }));
      return send(reply, format, { base: publicUrl(deps), meta, posts });
    },
  );

  app.get<{ Params: { file: string } }>('/feeds/actors/:file', hide, async (request, reply) => {
    const { name, format } = parseFeedFile(request.params.file);
    const actor = await actors.get(parseActorName(name));
    const path = `/actors/${encodeURIComponent(actor.name)}`;
    const meta = { title: `onrecord: ${actor.name}`, link: path, self: `/feeds${path}.${format}` };
    const posts = await newest(parseFilters({ actor: actor.name }));
    return send(reply, format, { base: publicUrl(deps), meta, posts });
  });
}
