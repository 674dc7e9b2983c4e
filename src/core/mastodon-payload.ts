// The shapes of the Mastodon API entities the normalizer reads (Status,
// StatusEdit, Account, MediaAttachment, Poll), as zod schemas written from
// docs.joinmastodon.org. Only what the archive keeps is described; every other
// field passes through untouched (the raw body is kept in its capture).
// Servers differ: fields other servers speaking the API leave out are
// optional, nullable ones accept null. Pure.
import { z } from 'zod';

const localId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const time = z.iso.datetime({ offset: true });
const nullableText = z.string().nullish();

export const accountSchema = z.object({
  id: localId,
  username: z.string().min(1),
  /** `username` for an account of the server answering, `username@domain` for others. */
  acct: z.string().min(1),
  display_name: nullableText,
  url: nullableText,
  suspended: z.boolean().optional(),
});
export type MastodonAccount = z.infer<typeof accountSchema>;

const dimensions = z.object({ width: z.number().nullish(), height: z.number().nullish() }).partial();

export const mediaSchema = z.object({
  id: localId,
  type: z.string(),
  url: nullableText,
  preview_url: nullableText,
  remote_url: nullableText,
  description: nullableText,
  /** `{ original: { width, height, duration? }, small: ... }`; null or {} while remote media is unprocessed. */
  meta: z.object({ original: dimensions.extend({ duration: z.number().nullish() }).nullish() }).nullish(),
});
export type MastodonMedia = z.infer<typeof mediaSchema>;

export const mentionSchema = z.object({
  id: localId.optional(),
  username: z.string().optional(),
  url: z.string(),
  acct: z.string(),
});
export type MastodonMention = z.infer<typeof mentionSchema>;

export const pollSchema = z.object({
  id: localId.optional(),
  expires_at: nullableText,
  expired: z.boolean().optional(),
  options: z.array(z.object({ title: z.string(), votes_count: z.number().nullish() })),
});
export type MastodonPoll = z.infer<typeof pollSchema>;

const quoteSchema = z
  .object({ state: z.string().optional(), quoted_status: z.object({ id: localId }).passthrough().nullish() })
  .nullish();

const statusFields = {
  id: localId,
  created_at: time,
  edited_at: time.nullish(),
  uri: nullableText,
  url: nullableText,
  in_reply_to_id: localId.nullish(),
  in_reply_to_account_id: localId.nullish(),
  visibility: z.string().optional(),
  language: nullableText,
  sensitive: z.boolean().optional(),
  spoiler_text: z.string().nullish(),
  content: z.string(),
  account: accountSchema,
  media_attachments: z.array(mediaSchema).default([]),
  mentions: z.array(mentionSchema).default([]),
  tags: z.array(z.object({ name: z.string() })).default([]),
  poll: pollSchema.nullish(),
  quote: quoteSchema,
};

/** A boosted status: a Status of its own (never itself a boost). */
export const boostedStatusSchema = z.object(statusFields);

export const statusSchema = z.object({ ...statusFields, reblog: boostedStatusSchema.nullish() });
export type MastodonStatus = z.infer<typeof statusSchema>;
export type MastodonBoosted = z.infer<typeof boostedStatusSchema>;

/** One entry of GET /api/v1/statuses/:id/history: a revision, oldest first. */
export const statusEditSchema = z.object({
  content: z.string(),
  spoiler_text: z.string().nullish(),
  sensitive: z.boolean().optional(),
  created_at: time,
  media_attachments: z.array(mediaSchema).default([]),
  poll: z.object({ options: z.array(z.object({ title: z.string() })) }).nullish(),
});
export type MastodonStatusEdit = z.infer<typeof statusEditSchema>;

/** A zod error in a few words, for a problem's message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`)
    .join('; ');
}
