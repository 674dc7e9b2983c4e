// Atom, RSS and JSON Feed for every account and every search: a feed reader
// subscribed to a search is an alert channel. Feeds list the newest matches.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Feed } from 'feed';
import { createArchiveReadRepository } from '../../adapters/db/archive-read-repository.js';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { NotFound } from '../../core/errors.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import { toPostView, type PostView } from '../../core/post-view.js';
import { parseFilters, type SearchFilters, type SearchInput } from '../../core/search-query.js';
import type { AppDeps } from '../app.js';
import { escapeHtml } from '../pages/html.js';
import { postPath } from '../pages/post-card.js';
import { publicUrl } from './pages.js';

export const FEED_ITEMS = 50;
const FORMATS = {
  atom: { type: 'application/atom+xml; charset=utf-8', render: (f: Feed) => f.atom1() },
  rss: { type: 'application/rss+xml; charset=utf-8', render: (f: Feed) => f.rss2() },
  json: { type: 'application/feed+json; charset=utf-8', render: (f: Feed) => f.json1() },
} as const;
type FeedFormat = keyof typeof FORMATS;

function titleOf(post: PostView): string {
  const flat = post.text.replace(/\s+/g, ' ').trim();
  const text = flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
  return `${post.account ?? post.platform}${post.status === 'deleted' ? ' (deleted)' : ''}: ${text}`;
}

/**
 * Atom titles (type="html") and RSS titles and descriptions are read as HTML by
 * feed readers, so the text is escaped there; JSON Feed titles are plain text.
 */
function buildFeed(
  format: FeedFormat,
  base: string,
  meta: { title: string; link: string; self: string },
  posts: PostView[],
): Feed {
  const asHtml = (text: string) => (format === 'json' ? text : escapeHtml(text));
  const feed = new Feed({
    id: `${base}${meta.self}`,
    title: asHtml(meta.title),
    link: `${base}${meta.link}`,
    updated: posts[0] ? new Date(posts[0].createdAt) : new Date(0),
    generator: 'onrecord',
    copyright: 'Statements by their authors; archived by onrecord',
    feedLinks: { atom: `${base}${meta.self}` },
  });
  for (const post of posts) {
    const link = `${base}${postPath(post)}`;
    feed.addItem({
      title: asHtml(titleOf(post)),
      id: link,
      link,
      date: new Date(post.createdAt),
      description: asHtml(post.text),
      content: `<p>${escapeHtml(post.text)}</p><p><a href="${escapeHtml(post.url)}">${escapeHtml(post.url)}</a></p>`,
      author: [{ name: post.account ?? post.platform }],
    });
  }
  return feed;
}

function parseFeedFile(file: string): { name: string; format: FeedFormat } {
  const m = /^(.+)\.(atom|rss|json)$/.exec(file);
  if (!m) throw new NotFound('feeds end in .atom, .rss or .json');
  return { name: m[1]!, format: m[2] as FeedFormat };
}

function send(reply: FastifyReply, format: FeedFormat, feed: Feed) {
  return reply.header('content-type', FORMATS[format].type).send(FORMATS[format].render(feed));
}

export function registerFeeds(app: FastifyInstance, deps: AppDeps): void {
  const search = createTimedSearchRepository(deps.db.prisma, deps.config.ONRECORD_SEARCH_TIMEOUT);
  const read = createArchiveReadRepository(deps.db.prisma);
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
      return send(reply, format, buildFeed(format, publicUrl(deps), meta, await newest(filters)));
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
      return send(reply, format, buildFeed(format, publicUrl(deps), meta, posts));
    },
  );
}
