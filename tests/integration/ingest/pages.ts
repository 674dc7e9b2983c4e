// Small builders of X API v2 bodies in the documented shape, for repository
// tests that store pages without going through the fake X API.
import { snowflakeAt } from '../../../src/core/x-snowflake.js';
import { normalizeXBody } from '../../../src/core/x-normalize.js';
import type { CaptureInput } from '../../../src/adapters/db/posts-repository.js';

export const USER_ID = '1593187340';

/** A snowflake for a time, plus a small sequence so IDs at one time differ. */
export function idAt(iso: string, seq = 0): string {
  return (BigInt(snowflakeAt(new Date(iso))) + BigInt(seq)).toString();
}

export function tweet(id: string, text: string, editIds: string[] = [id]) {
  return {
    id,
    text,
    created_at: new Date(Math.floor(Number((BigInt(id) >> 22n) + 1288834974657n) / 1000) * 1000).toISOString(),
    author_id: USER_ID,
    conversation_id: editIds[0],
    lang: 'en',
    edit_history_tweet_ids: editIds,
  };
}

export function page(tweets: unknown[], extra: Record<string, unknown> = {}) {
  return {
    ...(tweets.length ? { data: tweets } : {}),
    includes: { users: [{ id: USER_ID, name: 'U.S. Forces Example', username: 'USFOR_A' }] },
    meta: { result_count: tweets.length },
    ...extra,
  };
}

export function captureOf(body: unknown, capturedAt = new Date('2026-03-05T00:00:00Z')): CaptureInput {
  return {
    source: 'x:timeline',
    requestUrl: `https://api.x.com/2/users/${USER_ID}/tweets?max_results=100`,
    httpStatus: 200,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
    capturedAt,
  };
}

/** What the poll job hands to storeBatch for one page. */
export function batchOf(body: unknown) {
  const normalized = normalizeXBody(body);
  return { capture: captureOf(body), posts: normalized.posts, problems: normalized.problems };
}
