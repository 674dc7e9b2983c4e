// The endpoints' semantics, as plain functions from (state, request) to
// (status, body): validation, partial errors under HTTP 200, the timeline's
// order, bounds, depth and pagination.
import { compareIds } from '../../src/core/ids.js';
import { buildIncludes, parseSelection, renderPost, renderUser, type ParamProblem } from './fake-x-render.js';
import { TIMELINE_DEPTH, TIMELINE_DEPTH_WITHOUT_REPLIES, type FakePost, type FakeXState } from './fake-x-state.js';

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

export const PROBLEMS = 'https://api.twitter.com/2/problems/';
const ID = /^[0-9]{1,19}$/;
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

export function invalidRequest(problems: ParamProblem[]): ApiResult {
  return {
    status: 400,
    body: {
      errors: problems.map((p) => ({ parameters: { [p.parameter]: p.values }, message: p.message })),
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}invalid-request`,
    },
  };
}

function checkPattern(problems: ParamProblem[], name: string, value: string | null, pattern: RegExp): void {
  if (value !== null && !pattern.test(value)) {
    problems.push({
      parameter: name,
      values: [value],
      message: `The \`${name}\` query parameter value [${value}] does not match ${pattern.source}`,
    });
  }
}

function notFound(resourceType: 'user' | 'tweet', parameter: string, value: string) {
  const what = resourceType === 'user' ? `user with ${parameter}` : `tweet with ${parameter}`;
  return {
    value,
    detail: `Could not find ${what}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEMS}resource-not-found`,
  };
}

function suspended(parameter: string, value: string) {
  return {
    parameter,
    resource_id: value,
    value,
    detail: `User has been suspended: [${value}].`,
    title: 'Forbidden',
    resource_type: 'user',
    type: `${PROBLEMS}resource-not-found`,
  };
}

function notAuthorized(resourceType: 'user' | 'tweet', parameter: string, value: string) {
  return {
    value,
    detail: `Sorry, you are not authorized to see the ${resourceType === 'user' ? 'user' : 'Tweet'} with ${parameter}: [${value}].`,
    title: 'Authorization Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    section: 'data',
    type: `${PROBLEMS}not-authorized-for-resource`,
  };
}

/** GET /2/users/by/username/:username and GET /2/users/:id */
export function getUser(state: FakeXState, by: 'username' | 'id', value: string, query: URLSearchParams): ApiResult {
  const problems: ParamProblem[] = [];
  checkPattern(problems, by, value, by === 'id' ? ID : USERNAME);
  const sel = parseSelection(query, problems, true);
  if (problems.length) return invalidRequest(problems);
  const user = by === 'id' ? state.users.get(value) : state.userByUsername(value);
  if (!user) return { status: 200, body: { errors: [notFound('user', by, value)] } };
  if (state.userStatus.get(user.id) === 'suspended') return { status: 200, body: { errors: [suspended(by, value)] } };
  const includes = buildIncludes(state, sel, [], [user]);
  return { status: 200, body: { data: renderUser(user, sel), ...(includes ? { includes } : {}) } };
}

interface TimelineParams {
  maxResults: number;
  sinceId?: string;
  untilId?: string;
  cursor?: string;
  exclude: Set<string>;
  startTime?: string;
  endTime?: string;
}

function parseTimelineParams(query: URLSearchParams, problems: ParamProblem[]): TimelineParams {
  const raw = query.get('max_results');
  const maxResults = raw === null ? 10 : Number(raw);
  if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) {
    problems.push({
      parameter: 'max_results',
      values: [raw ?? ''],
      message: `The \`max_results\` query parameter value [${raw}] is not between 5 and 100`,
    });
  }
  checkPattern(problems, 'since_id', query.get('since_id'), ID);
  checkPattern(problems, 'until_id', query.get('until_id'), ID);
  checkOrder(problems, query.get('since_id'), query.get('until_id'));
  const token = query.get('pagination_token');
  const cursor = token === null ? undefined : decodeToken(token);
  if (token !== null && cursor === undefined) {
    problems.push({
      parameter: 'pagination_token',
      values: [token],
      message: `The \`pagination_token\` query parameter value [${token}] is not valid`,
    });
  }
  const exclude = new Set((query.get('exclude') ?? '').split(',').filter(Boolean));
  for (const value of exclude) {
    if (value !== 'retweets' && value !== 'replies') {
      problems.push({
        parameter: 'exclude',
        values: [value],
        message: `The \`exclude\` value [${value}] is not valid`,
      });
    }
  }
  return {
    maxResults,
    sinceId: query.get('since_id') ?? undefined,
    untilId: query.get('until_id') ?? undefined,
    cursor,
    exclude,
    startTime: query.get('start_time') ?? undefined,
    endTime: query.get('end_time') ?? undefined,
  };
}

function checkOrder(problems: ParamProblem[], sinceId: string | null, untilId: string | null): void {
  if (sinceId === null || untilId === null || !ID.test(sinceId) || !ID.test(untilId)) return;
  if (compareIds(sinceId, untilId) < 0) return;
  problems.push({
    parameter: 'since_id',
    values: [sinceId],
    message: `The \`since_id\` query parameter value [${sinceId}] must be smaller than the \`until_id\` query parameter value [${untilId}]`,
  });
}

/** Tokens are opaque to clients; here they carry the last ID served (exclusive upper bound). */
export function encodeToken(lastId: string): string {
  return `7140d${BigInt(lastId).toString(36)}`;
}

function decodeToken(token: string): string | undefined {
  const m = /^7140d([0-9a-z]+)$/.exec(token);
  if (!m) return undefined;
  let value = 0n;
  for (const ch of m[1]!) value = value * 36n + BigInt(parseInt(ch, 36));
  return value.toString();
}

function reachable(state: FakeXState, userId: string, p: TimelineParams): FakePost[] {
  let posts = state.timeline(userId);
  if (p.exclude.has('retweets')) posts = posts.filter((t) => !t.referenced_tweets?.some((r) => r.type === 'retweeted'));
  if (p.exclude.has('replies')) posts = posts.filter((t) => !t.referenced_tweets?.some((r) => r.type === 'replied_to'));
  return posts.slice(0, p.exclude.has('replies') ? TIMELINE_DEPTH_WITHOUT_REPLIES : TIMELINE_DEPTH);
}

function inBounds(post: FakePost, p: TimelineParams): boolean {
  if (p.sinceId !== undefined && compareIds(post.id, p.sinceId) <= 0) return false;
  if (p.untilId !== undefined && compareIds(post.id, p.untilId) >= 0) return false;
  if (p.cursor !== undefined && compareIds(post.id, p.cursor) >= 0) return false;
  // since_id / until_id take precedence over the times.
  if (p.sinceId === undefined && p.startTime && post.created_at < new Date(p.startTime).toISOString()) return false;
  if (p.untilId === undefined && p.endTime && post.created_at >= new Date(p.endTime).toISOString()) return false;
  return true;
}

/** GET /2/users/:id/tweets */
export function getTimeline(state: FakeXState, userId: string, query: URLSearchParams): ApiResult {
  const problems: ParamProblem[] = [];
  checkPattern(problems, 'id', userId, ID);
  const sel = parseSelection(query, problems);
  const params = parseTimelineParams(query, problems);
  if (problems.length) return invalidRequest(problems);
  const user = state.users.get(userId);
  if (!user) return { status: 200, body: { errors: [notFound('user', 'id', userId)] } };
  const status = state.userStatus.get(userId);
  if (status === 'suspended') return { status: 200, body: { errors: [suspended('id', userId)] } };
  if (status === 'protected') return { status: 200, body: { errors: [notAuthorized('user', 'id', userId)] } };
  const candidates = reachable(state, userId, params).filter((post) => inBounds(post, params));
  const page = candidates.slice(0, params.maxResults);
  if (!page.length) return { status: 200, body: { meta: { result_count: 0 } } };
  const includes = buildIncludes(state, sel, page);
  const meta: Record<string, unknown> = {
    result_count: page.length,
    newest_id: page[0]!.id,
    oldest_id: page.at(-1)!.id,
  };
  if (candidates.length > page.length) meta.next_token = encodeToken(page.at(-1)!.id);
  return {
    status: 200,
    body: { data: page.map((p) => renderPost(p, sel)), ...(includes ? { includes } : {}), meta },
  };
}

/** GET /2/tweets?ids= and GET /2/tweets/:id */
export function getPosts(state: FakeXState, ids: string[], parameter: 'ids' | 'id', query: URLSearchParams): ApiResult {
  const problems: ParamProblem[] = [];
  if (ids.length < 1 || ids.length > 100) {
    problems.push({
      parameter,
      values: [ids.join(',')],
      message: `The number of values in the \`${parameter}\` query parameter list [${ids.length}] is not between 1 and 100`,
    });
  }
  for (const id of ids) checkPattern(problems, parameter, id, ID);
  const sel = parseSelection(query, problems);
  if (problems.length) return invalidRequest(problems);
  const found: FakePost[] = [];
  const errors: unknown[] = [];
  for (const id of ids) {
    const post = state.posts.get(id);
    if (!post || state.deleted.has(id)) errors.push(notFound('tweet', parameter, id));
    else if (state.userStatus.get(post.author_id) !== 'active') errors.push(notAuthorized('tweet', parameter, id));
    else found.push(post);
  }
  const includes = buildIncludes(state, sel, found);
  const data = found.map((p) => renderPost(p, sel));
  const body: Record<string, unknown> = {};
  if (data.length) body.data = parameter === 'id' ? data[0] : data;
  if (includes) body.includes = includes;
  if (errors.length) body.errors = errors;
  return { status: 200, body };
}
