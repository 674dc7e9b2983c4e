// The `includes` and `errors` of an X API v2 body, read once per body: media,
// users, polls and places by key, included posts by ID (parsed on demand),
// partial errors with their kind. Pure.
import { z } from 'zod';
import { errorSchema, mediaSchema, placeSchema, pollSchema, tweetSchema, userSchema, type Tweet } from './x-payload.js';
import { toMedia, toPlace, toPoll, type NormalizedMedia, type PostPlace, type PostPoll } from './x-post-extras.js';

export type { NormalizeProblem, PartialError, PartialErrorKind, ProblemCode } from './post-model.js';
export { PARTIAL_ERROR_KINDS } from './post-model.js';
import type { NormalizeProblem, PartialError, PartialErrorKind } from './post-model.js';

export interface Includes {
  media: Map<string, NormalizedMedia>;
  users: Map<string, { username: string; name: string | null }>;
  polls: Map<string, PostPoll>;
  places: Map<string, PostPlace>;
  /** Included posts by ID, unparsed until a normalized post needs one. */
  tweets: Map<string, unknown>;
}

export function readIncludes(value: unknown, problems: NormalizeProblem[]): Includes {
  const includes: Includes = {
    media: new Map(),
    users: new Map(),
    polls: new Map(),
    places: new Map(),
    tweets: new Map(),
  };
  if (typeof value !== 'object' || value === null) return includes;
  const v = value as Record<string, unknown>;
  for (const item of listOf(v.tweets)) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id === 'string') includes.tweets.set(id, item);
  }
  readEach(v.media, mediaSchema, 'media', problems, (m) => includes.media.set(m.media_key, toMedia(m)));
  readEach(v.users, userSchema, null, problems, (u) =>
    includes.users.set(u.id, { username: u.username, name: u.name ?? null }),
  );
  readEach(v.polls, pollSchema, 'polls', problems, (p) => includes.polls.set(p.id, toPoll(p)));
  readEach(v.places, placeSchema, 'places', problems, (p) => includes.places.set(p.id, toPlace(p)));
  return includes;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Parses each entry; a malformed one is a problem (`what` named) or, for users, skipped. */
function readEach<T>(
  value: unknown,
  schema: z.ZodType<T>,
  what: string | null,
  problems: NormalizeProblem[],
  keep: (item: T) => void,
) {
  for (const item of listOf(value)) {
    const parsed = schema.safeParse(item);
    if (parsed.success) keep(parsed.data);
    else if (what) problems.push({ code: 'bad_payload', message: `malformed includes.${what} entry` });
  }
}

/** An included post, parsed; undefined when absent, a problem when malformed. */
export function includedTweet(includes: Includes, id: string, problems: NormalizeProblem[]): Tweet | undefined {
  const raw = includes.tweets.get(id);
  if (raw === undefined) return undefined;
  const parsed = tweetSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(problemFor(raw, parsed.error));
  return undefined;
}

export function problemFor(item: unknown, error: z.ZodError): NormalizeProblem {
  const raw = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined;
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(post)'}: ${i.message}`);
  return {
    ...(typeof raw === 'string' || typeof raw === 'number' ? { platformId: String(raw) } : {}),
    code: 'bad_payload',
    message: `malformed post: ${issues.join('; ')}`,
  };
}

export function readErrors(value: unknown, problems: NormalizeProblem[]): PartialError[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ code: 'bad_payload', message: 'errors is not an array' });
    return [];
  }
  return value.flatMap((item) => {
    const e = errorSchema.safeParse(item);
    if (!e.success) return [];
    const resourceId = e.data.resource_id ?? (typeof e.data.value === 'string' ? e.data.value : null);
    return [
      {
        kind: errorKind(e.data),
        resourceType: e.data.resource_type ?? null,
        resourceId,
        detail: e.data.detail ?? e.data.title ?? 'unknown error',
      },
    ];
  });
}

/** Problem type hosts vary (api.twitter.com, api.x.com): match on the suffix. */
function errorKind(e: z.infer<typeof errorSchema>): PartialErrorKind {
  const type = e.type ?? '';
  if (/suspended/i.test(e.detail ?? '')) return 'suspended';
  if (type.endsWith('/problems/resource-not-found')) return 'not_found';
  if (type.endsWith('/problems/not-authorized-for-resource')) return 'not_authorized';
  return 'other';
}
