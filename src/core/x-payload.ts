// The shapes of an X API v2 body that the normalizer reads, as zod schemas.
// Only what the archive keeps is described; every other field passes through
// untouched (the raw body is kept in its capture). Pure.
import { z } from 'zod';

export const xId = z.string().regex(/^\d{1,19}$/);

/**
 * One `entities.urls` entry. `media_key` marks the link X adds for the post's
 * own media (pic.twitter.com / pic.x.com); `unwound_url` is the final target
 * after redirects, when X resolved it.
 */
export const entityUrl = z.object({
  url: z.string().optional(),
  expanded_url: z.string().optional(),
  display_url: z.string().optional(),
  unwound_url: z.string().optional(),
  media_key: z.string().optional(),
});
export type EntityUrl = z.infer<typeof entityUrl>;

export const entities = z
  .object({
    urls: z.array(entityUrl).optional(),
    mentions: z.array(z.object({ username: z.string() })).optional(),
    hashtags: z.array(z.object({ tag: z.string() })).optional(),
    cashtags: z.array(z.object({ tag: z.string() })).optional(),
  })
  .optional();
export type Entities = z.infer<typeof entities>;

const note = z.object({ text: z.string(), entities }).optional();
const reference = z.object({ type: z.string(), id: xId });

export const tweetSchema = z.object({
  id: xId,
  text: z.string(),
  edit_history_tweet_ids: z.array(xId).min(1).optional(),
  edit_history_post_ids: z.array(xId).min(1).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  author_id: xId.optional(),
  conversation_id: xId.optional(),
  in_reply_to_user_id: xId.optional(),
  lang: z.string().optional(),
  referenced_tweets: z.array(reference).optional(),
  referenced_posts: z.array(reference).optional(),
  attachments: z
    .object({ media_keys: z.array(z.string()).optional(), poll_ids: z.array(z.string()).optional() })
    .optional(),
  entities,
  note_tweet: note,
  note_post: note,
  withheld: z
    .object({
      copyright: z.boolean().optional(),
      country_codes: z.array(z.string()).optional(),
      scope: z.string().optional(),
    })
    .optional(),
  geo: z
    .object({
      place_id: z.string().optional(),
      coordinates: z
        .object({ type: z.string().optional(), coordinates: z.array(z.number()).length(2).nullish() })
        .optional(),
    })
    .optional(),
});
export type Tweet = z.infer<typeof tweetSchema>;

export const mediaSchema = z.object({
  media_key: z.string(),
  type: z.string(),
  url: z.string().optional(),
  preview_image_url: z.string().optional(),
  alt_text: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration_ms: z.number().optional(),
  variants: z
    .array(z.object({ url: z.string(), content_type: z.string().optional(), bit_rate: z.number().optional() }))
    .optional(),
});
export type Media = z.infer<typeof mediaSchema>;

export const userSchema = z.object({ id: xId, username: z.string(), name: z.string().optional() });

export const pollSchema = z.object({
  id: z.string(),
  options: z.array(z.object({ position: z.number(), label: z.string(), votes: z.number().optional() })),
  voting_status: z.string().optional(),
  duration_minutes: z.number().optional(),
  end_datetime: z.string().optional(),
});
export type Poll = z.infer<typeof pollSchema>;

export const placeSchema = z.object({
  id: z.string(),
  full_name: z.string().optional(),
  name: z.string().optional(),
  country: z.string().optional(),
  country_code: z.string().optional(),
  place_type: z.string().optional(),
  geo: z
    .object({ bbox: z.array(z.number()).optional() })
    .loose()
    .optional(),
});
export type Place = z.infer<typeof placeSchema>;

export const errorSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  resource_type: z.string().optional(),
  resource_id: z.string().optional(),
  value: z.unknown().optional(),
});
export type PayloadError = z.infer<typeof errorSchema>;
