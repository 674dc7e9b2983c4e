// twarc2's flattened form (`twarc2 flatten`, and `--flatten` on its search and
// timeline commands) writes one post per line with its expansions inlined:
// `author`, `in_reply_to_user`, `attachments.media`, `attachments.poll`,
// `geo` merged with its place, mentions merged with their users, and each
// `referenced_tweets` entry merged with the post it names (older versions put
// it under `.tweet`), plus twarc's `__twarc` metadata. Missing expansions are
// inlined as `{}`. This undoes the inlining: the post goes back to `data` and
// what was inlined to `includes`, the v2 response shape the normalizer reads.
// Pure.

type Json = Record<string, unknown>;

interface Includes {
  users: Map<string, Json>;
  media: Map<string, Json>;
  tweets: Map<string, Json>;
  polls: Map<string, Json>;
  places: Map<string, Json>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The object's string key (`id`, `media_key`), when it has one; twarc inlines `{}` for what is missing. */
const keyOf = (v: unknown, key = 'id'): string | undefined =>
  isObject(v) && typeof v[key] === 'string' ? v[key] : undefined;

/** A flattened post as a v2 body `{ data: [post], includes }`. */
export function unflattenTwarcTweet(flat: Json): Json {
  const includes: Includes = {
    users: new Map(),
    media: new Map(),
    tweets: new Map(),
    polls: new Map(),
    places: new Map(),
  };
  const data = collapse(flat, includes);
  return {
    data: [data],
    includes: {
      users: [...includes.users.values()],
      media: [...includes.media.values()],
      tweets: [...includes.tweets.values()],
      polls: [...includes.polls.values()],
      places: [...includes.places.values()],
    },
  };
}

/** The post without its inlined expansions, which go to `includes`. */
function collapse(flat: Json, includes: Includes): Json {
  const { author, in_reply_to_user, __twarc, ...post } = flat;
  void __twarc;
  for (const user of [author, in_reply_to_user]) {
    const id = keyOf(user);
    if (id) includes.users.set(id, user as Json);
  }
  if (isObject(post.attachments)) post.attachments = collapseAttachments(post.attachments, includes);
  if (isObject(post.geo)) post.geo = collapseGeo(post.geo, includes);
  if (Array.isArray(post.referenced_tweets)) {
    post.referenced_tweets = post.referenced_tweets.filter(isObject).map((ref) => collapseReference(ref, includes));
  }
  return post;
}

function collapseAttachments(attachments: Json, includes: Includes): Json {
  const { media, poll, ...rest } = attachments;
  for (const m of Array.isArray(media) ? media : []) {
    const key = keyOf(m, 'media_key');
    if (key) includes.media.set(key, m as Json);
  }
  const pollId = keyOf(poll);
  if (pollId) includes.polls.set(pollId, poll as Json);
  return rest;
}

function collapseGeo(geo: Json, includes: Includes): Json {
  const { place_id, coordinates, ...place } = geo;
  if (typeof place_id === 'string' && Object.keys(place).length > 0) {
    includes.places.set(place_id, { ...place, id: place_id });
  }
  return { ...(place_id === undefined ? {} : { place_id }), ...(coordinates === undefined ? {} : { coordinates }) };
}

/** `{ type, id, ...post }` or `{ type, id, tweet: post }` → `{ type, id }`, the post to includes. */
function collapseReference(ref: Json, includes: Includes): Json {
  const { type, id, tweet, ...merged } = ref;
  const included = isObject(tweet) ? tweet : { id, ...merged };
  if (typeof id === 'string' && typeof included.text === 'string' && !includes.tweets.has(id)) {
    includes.tweets.set(id, collapse({ ...included, id }, includes));
  }
  return { type, id };
}
