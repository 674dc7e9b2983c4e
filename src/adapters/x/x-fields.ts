// What the adapter asks X for: every field and expansion the model keeps
// (full text of long posts, references, entities, media, edit chains,
// withheld countries, polls, places).
export const TWEET_FIELDS = [
  'created_at',
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'entities',
  'attachments',
  'lang',
  'edit_history_tweet_ids',
  'edit_controls',
  'note_tweet',
  'possibly_sensitive',
  'reply_settings',
  'public_metrics',
  'withheld',
  'geo',
] as const;

// edit_history_tweet_ids puts the earlier versions of an edited post in
// includes.tweets: a post first seen after its edits still has every text.
// referenced_tweets.id brings the full original of a repost (whose own text X
// shortens to `RT @user: …`), with its author and its media.
export const EXPANSIONS = [
  'attachments.media_keys',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'geo.place_id',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
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

export const MEDIA_FIELDS = [
  'media_key',
  'type',
  'url',
  'preview_image_url',
  'variants',
  'alt_text',
  'width',
  'height',
  'duration_ms',
] as const;

export const USER_FIELDS = ['created_at', 'description', 'protected', 'verified', 'verified_type'] as const;

/** The query parameters of every request that returns posts. */
export const POST_QUERY: Record<string, string> = {
  'tweet.fields': TWEET_FIELDS.join(','),
  expansions: EXPANSIONS.join(','),
  'media.fields': MEDIA_FIELDS.join(','),
  'user.fields': USER_FIELDS.join(','),
  'poll.fields': POLL_FIELDS.join(','),
  'place.fields': PLACE_FIELDS.join(','),
};

export const USER_QUERY: Record<string, string> = { 'user.fields': USER_FIELDS.join(',') };

/** Largest page of the user timeline. */
export const TIMELINE_PAGE_SIZE = 100;
/** Most IDs in one GET /2/tweets. */
export const LOOKUP_MAX_IDS = 100;
