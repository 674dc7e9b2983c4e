// Field selection and expansions, as the X API v2 does them: only the default
// fields unless `tweet.fields` / `user.fields` / `media.fields` / `poll.fields`
// / `place.fields` ask for more, related objects in `includes` only when
// `expansions` asks, empty arrays omitted. Post text goes out HTML-escaped.
import type { FakeMedia, FakePlace, FakePoll, FakePost, FakeUser, FakeXState } from './fake-x-state.js';

export const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
] as const;
export const USER_FIELDS = [
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'location',
  'most_recent_tweet_id',
  'name',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_type',
  'withheld',
] as const;
export const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'non_public_metrics',
  'organic_metrics',
  'preview_image_url',
  'promoted_metrics',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
] as const;
export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;
export const PLACE_FIELDS = [
  'contained_within',
  'country',
  'country_code',
  'full_name',
  'geo',
  'id',
  'name',
  'place_type',
] as const;
export const TWEET_EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'entities.note.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
] as const;
export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

const DEFAULT_TWEET = ['id', 'text', 'edit_history_tweet_ids'];
const DEFAULT_USER = ['id', 'name', 'username'];
const DEFAULT_MEDIA = ['media_key', 'type'];
const DEFAULT_POLL = ['id', 'options'];
const DEFAULT_PLACE = ['id', 'full_name'];

export interface Selection {
  tweetFields: Set<string>;
  userFields: Set<string>;
  mediaFields: Set<string>;
  pollFields: Set<string>;
  placeFields: Set<string>;
  expansions: Set<string>;
}

/** One bad parameter: its values and the API's message. */
export interface ParamProblem {
  parameter: string;
  values: string[];
  message: string;
}

function listParam(
  query: URLSearchParams,
  name: string,
  allowed: readonly string[],
  problems: ParamProblem[],
  alias?: string,
): Set<string> {
  const raw = query.get(name) ?? (alias ? query.get(alias) : null);
  if (raw === null) return new Set();
  const values = raw.split(',').filter(Boolean);
  for (const value of values) {
    if (!allowed.includes(value)) {
      problems.push({
        parameter: name,
        values: [value],
        message: `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
      });
    }
  }
  return new Set(values);
}

export function parseSelection(query: URLSearchParams, problems: ParamProblem[], forUsers = false): Selection {
  return {
    // The 2026-08 OpenAPI names `post.fields`; the wire still uses `tweet.fields`. Accept both.
    tweetFields: listParam(query, 'tweet.fields', TWEET_FIELDS, problems, 'post.fields'),
    userFields: listParam(query, 'user.fields', USER_FIELDS, problems),
    mediaFields: listParam(query, 'media.fields', MEDIA_FIELDS, problems),
    pollFields: listParam(query, 'poll.fields', POLL_FIELDS, problems),
    placeFields: listParam(query, 'place.fields', PLACE_FIELDS, problems),
    expansions: listParam(query, 'expansions', forUsers ? USER_EXPANSIONS : TWEET_EXPANSIONS, problems),
  };
}

function pick<T extends object>(object: T, defaults: string[], asked: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined && (defaults.includes(key) || asked.has(key))) out[key] = value;
  }
  return out;
}

export const renderUser = (user: FakeUser, sel: Selection) => pick(user, DEFAULT_USER, sel.userFields);
export const renderMedia = (media: FakeMedia, sel: Selection) => pick(media, DEFAULT_MEDIA, sel.mediaFields);
export const renderPoll = (poll: FakePoll, sel: Selection) => pick(poll, DEFAULT_POLL, sel.pollFields);
export const renderPlace = (place: FakePlace, sel: Selection) => pick(place, DEFAULT_PLACE, sel.placeFields);

export function renderPost(post: FakePost, sel: Selection): Record<string, unknown> {
  const out = pick(post, DEFAULT_TWEET, sel.tweetFields);
  out.text = escapeXText(post.text);
  if (post.note_tweet && out.note_tweet)
    out.note_tweet = { ...post.note_tweet, text: escapeXText(post.note_tweet.text) };
  return out;
}

/**
 * X API v2 sends `text` and `note_tweet.text` with exactly these three
 * characters escaped (not quotes, not non-ASCII), while entity indices count
 * the unescaped text. No library escapes this exact set, hence the table.
 */
export function escapeXText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** The `includes` object for a list of primary posts (or users), or undefined when nothing expands. */
export function buildIncludes(
  state: FakeXState,
  sel: Selection,
  posts: FakePost[],
  users: FakeUser[] = [],
): Record<string, unknown[]> | undefined {
  const acc = new Includes(state, sel);
  for (const post of posts) acc.expandPost(post);
  for (const user of users) acc.expandUser(user);
  return acc.result();
}

class Includes {
  private readonly users = new Map<string, FakeUser>();
  private readonly tweets = new Map<string, FakePost>();
  private readonly media = new Map<string, FakeMedia>();
  private readonly polls = new Map<string, FakePoll>();
  private readonly places = new Map<string, FakePlace>();

  constructor(
    private readonly state: FakeXState,
    private readonly sel: Selection,
  ) {}

  expandPost(post: FakePost): void {
    const ex = this.sel.expansions;
    if (ex.has('author_id')) this.addUser(post.author_id);
    if (ex.has('in_reply_to_user_id') && post.in_reply_to_user_id) this.addUser(post.in_reply_to_user_id);
    if (ex.has('attachments.media_keys')) this.addMedia(post);
    if (ex.has('attachments.poll_ids')) this.addPolls(post);
    if (ex.has('geo.place_id')) this.addPlace(post);
    if (ex.has('entities.mentions.username')) this.addMentions(post.entities);
    if (ex.has('entities.note.mentions.username')) this.addMentions(post.note_tweet?.entities);
    if (ex.has('edit_history_tweet_ids')) {
      for (const id of post.edit_history_tweet_ids) if (id !== post.id) this.addTweet(id);
    }
    for (const ref of post.referenced_tweets ?? []) {
      const target = ex.has('referenced_tweets.id') ? this.addTweet(ref.id) : undefined;
      if (!target) continue;
      if (ex.has('referenced_tweets.id.author_id')) this.addUser(target.author_id);
      if (ex.has('referenced_tweets.id.attachments.media_keys')) this.addMedia(target);
    }
  }

  expandUser(user: FakeUser): void {
    if (this.sel.expansions.has('pinned_tweet_id') && typeof user.pinned_tweet_id === 'string') {
      this.addTweet(user.pinned_tweet_id);
    }
    if (this.sel.expansions.has('most_recent_tweet_id') && typeof user.most_recent_tweet_id === 'string') {
      this.addTweet(user.most_recent_tweet_id);
    }
  }

  result(): Record<string, unknown[]> | undefined {
    const out: Record<string, unknown[]> = {};
    if (this.media.size) out.media = [...this.media.values()].map((m) => renderMedia(m, this.sel));
    if (this.users.size) out.users = [...this.users.values()].map((u) => renderUser(u, this.sel));
    if (this.tweets.size) out.tweets = [...this.tweets.values()].map((t) => renderPost(t, this.sel));
    if (this.polls.size) out.polls = [...this.polls.values()].map((p) => renderPoll(p, this.sel));
    if (this.places.size) out.places = [...this.places.values()].map((p) => renderPlace(p, this.sel));
    return Object.keys(out).length ? out : undefined;
  }

  private addUser(id: string): void {
    const user = this.state.users.get(id);
    if (user) this.users.set(id, user);
  }

  private addTweet(id: string): FakePost | undefined {
    const post = this.state.posts.get(id);
    if (!post || this.state.deleted.has(id)) return undefined;
    this.tweets.set(id, post);
    return post;
  }

  private addMedia(post: FakePost): void {
    for (const key of post.attachments?.media_keys ?? []) {
      const media = this.state.media.get(key);
      if (media) this.media.set(key, media);
    }
  }

  private addPolls(post: FakePost): void {
    for (const id of post.attachments?.poll_ids ?? []) {
      const poll = this.state.polls.get(id);
      if (poll) this.polls.set(id, poll);
    }
  }

  private addPlace(post: FakePost): void {
    const id = (post.geo as { place_id?: string } | undefined)?.place_id;
    const place = id ? this.state.places.get(id) : undefined;
    if (place) this.places.set(place.id, place);
  }

  private addMentions(entities: Record<string, unknown> | undefined): void {
    const mentions = (entities?.mentions ?? []) as { username?: string }[];
    for (const mention of mentions) {
      const user = mention.username ? this.state.userByUsername(mention.username) : undefined;
      if (user) this.users.set(user.id, user);
    }
  }
}
