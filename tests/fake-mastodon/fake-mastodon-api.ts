// The endpoints' semantics, from docs.joinmastodon.org and Mastodon's own
// controllers: an account's statuses newest first; `max_id` an exclusive
// upper bound, `since_id` an exclusive lower bound (the NEWEST page above
// it), `min_id` the page immediately above it (read oldest to newest, served
// newest first); `limit` 20 by default, 40 at most; `Link` rel="next"
// (max_id = the page's last ID, only when the page is full) and rel="prev"
// (min_id = its first ID, when not empty), naming the server's public address;
// `exclude_reblogs`, `exclude_replies` (replies to others only), `only_media`,
// `tagged`; followers-only and direct statuses never shown; deleted statuses
// 404 (or 410 on servers that say Gone); a suspended account's statuses empty.
import { accountJson, historyJson, statusJson } from './fake-mastodon-render.js';
import { compareIds, type FakeMastodonState, type FakeStatus } from './fake-mastodon-state.js';

export const ENDPOINTS = [
  'accounts/lookup',
  'accounts/:id',
  'accounts/:id/statuses',
  'statuses/:id',
  'statuses/:id/history',
] as const;
export type EndpointKey = (typeof ENDPOINTS)[number];

export interface ApiContext {
  state: FakeMastodonState;
  now: number;
  /** The server's public address (what `Link` headers and URLs name), e.g. https://gov.example. */
  publicUrl: string;
  deletedStatus: 404 | 410;
  /** How a suspended account's statuses answer: empty (Mastodon 3.3+) or 410 Gone (2.4 to 3.2). */
  suspendedAccounts: 'empty' | 'gone';
}

export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const NOT_FOUND: ApiResult = { status: 404, body: { error: 'Record not found' } };
const TRUE = new Set(['1', 't', 'true', 'on', 'yes']);
const truthy = (value: string | null) => value !== null && TRUE.has(value.toLowerCase());
const PASSED_ON = ['only_media', 'exclude_replies', 'exclude_reblogs', 'pinned', 'tagged'];
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 40;

/** Mastodon's limit_param: the default without `limit`, else |limit| capped at twice the default. */
function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  return Math.min(Math.abs(Number.parseInt(raw, 10) || 0), MAX_LIMIT);
}

const isVisible = (s: FakeStatus) => s.visibility === 'public' || s.visibility === 'unlisted';

function filtered(ctx: ApiContext, accountId: string, query: URLSearchParams): FakeStatus[] {
  const tagged = query.get('tagged')?.toLowerCase();
  return ctx.state.statusesOf(accountId).filter((s) => {
    if (!isVisible(s)) return false;
    if (truthy(query.get('exclude_reblogs')) && s.reblogOfId) return false;
    if (truthy(query.get('exclude_replies')) && s.inReplyToId && s.inReplyToAccountId !== accountId) return false;
    if (truthy(query.get('only_media')) && s.current.mediaIds.length === 0) return false;
    return !tagged || s.current.tags.some((t) => t.toLowerCase() === tagged);
  });
}

/** One page of a newest-first list, by max_id / since_id / min_id. */
export function paginate(list: FakeStatus[], query: URLSearchParams, limit: number): FakeStatus[] {
  const max = query.get('max_id');
  const since = query.get('since_id');
  const min = query.get('min_id');
  const below = (s: FakeStatus) => !max || compareIds(s.id, max) < 0;
  if (min) {
    const above = list.filter((s) => compareIds(s.id, min) > 0 && below(s)).reverse();
    return above.slice(0, limit).reverse();
  }
  return list.filter((s) => below(s) && (!since || compareIds(s.id, since) > 0)).slice(0, limit);
}

function linkHeader(ctx: ApiContext, accountId: string, query: URLSearchParams, page: FakeStatus[], limit: number) {
  const url = (core: Record<string, string>) => {
    const params = new URLSearchParams();
    if (query.has('limit')) params.set('limit', query.get('limit')!);
    for (const key of PASSED_ON) if (query.has(key)) params.set(key, query.get(key)!);
    for (const [k, v] of Object.entries(core)) params.set(k, v);
    return `${ctx.publicUrl}/api/v1/accounts/${accountId}/statuses?${params}`;
  };
  const links: string[] = [];
  if (page.length > 0 && page.length === limit) links.push(`<${url({ max_id: page.at(-1)!.id })}>; rel="next"`);
  if (page.length > 0) links.push(`<${url({ min_id: page[0]!.id })}>; rel="prev"`);
  return links.length ? { link: links.join(', ') } : undefined;
}

function accountStatuses(ctx: ApiContext, accountId: string, query: URLSearchParams): ApiResult {
  const account = ctx.state.accounts.get(accountId);
  if (!account) return NOT_FOUND;
  if (account.suspended && ctx.suspendedAccounts === 'gone')
    return { status: 410, body: { error: 'Record not found' } };
  const limit = limitOf(query);
  const page = account.suspended ? [] : paginate(filtered(ctx, accountId, query), query, limit);
  const headers = linkHeader(ctx, accountId, query, page, limit);
  return { status: 200, body: page.map((s) => statusJson(s, ctx.state, ctx.now)), ...(headers ? { headers } : {}) };
}

/** A status as GET /api/v1/statuses/:id sees it, or why not. */
function readable(ctx: ApiContext, id: string): FakeStatus | ApiResult {
  const status = ctx.state.statuses.get(id);
  if (!status || !isVisible(status) || ctx.state.account(status.accountId).suspended) return NOT_FOUND;
  if (status.deleted) return ctx.deletedStatus === 410 ? { status: 410, body: { error: 'Gone' } } : NOT_FOUND;
  return status;
}

function showStatus(ctx: ApiContext, id: string, what: 'status' | 'history'): ApiResult {
  const found = readable(ctx, id);
  if (!('accountId' in found)) return found;
  const body = what === 'status' ? statusJson(found, ctx.state, ctx.now) : historyJson(found, ctx.state);
  return { status: 200, body };
}

function account(ctx: ApiContext, ref: { id?: string; acct?: string | null }): ApiResult {
  const found =
    ref.id !== undefined ? ctx.state.accounts.get(ref.id) : ref.acct ? ctx.state.accountByAcct(ref.acct) : undefined;
  return found ? { status: 200, body: accountJson(found, ctx.state) } : NOT_FOUND;
}

export interface Route {
  endpoint: EndpointKey;
  run(ctx: ApiContext, query: URLSearchParams): ApiResult;
}

/** Paths take an optional `.json` suffix, as Rails routes do. */
export function route(pathname: string): Route | undefined {
  const path = pathname.replace(/\.json$/, '');
  if (path === '/api/v1/accounts/lookup') {
    return { endpoint: 'accounts/lookup', run: (c, q) => account(c, { acct: q.get('acct') }) };
  }
  let m = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(path);
  if (m) return { endpoint: 'accounts/:id/statuses', run: (c, q) => accountStatuses(c, m![1]!, q) };
  m = /^\/api\/v1\/accounts\/([^/]+)$/.exec(path);
  if (m) return { endpoint: 'accounts/:id', run: (c) => account(c, { id: m![1]! }) };
  m = /^\/api\/v1\/statuses\/([^/]+)\/history$/.exec(path);
  if (m) return { endpoint: 'statuses/:id/history', run: (c) => showStatus(c, m![1]!, 'history') };
  m = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
  if (m) return { endpoint: 'statuses/:id', run: (c) => showStatus(c, m![1]!, 'status') };
  return undefined;
}
