// The account archive X lets a user download: `data/tweets.js` (and
// `tweets-part1.js`, ... for large accounts) is a script
// `window.YTD.tweets.part0 = [ { "tweet": { ... } }, ... ]` whose posts are
// shaped like API v1.1 (`id_str`, `full_text`, `created_at` like
// `Wed Mar 04 16:41:27 +0000 2020`, `entities`, `extended_entities`,
// `edit_info`); `data/account.js` names the account (its id and username).
// A post is turned into the v2 shape and normalized by the one normalizer, so
// that an archived post and a polled one are stored alike. Pure.
import { normalizeXBody, type NormalizedBody } from './x-normalize.js';

type Json = Record<string, unknown>;

export interface ArchiveAccount {
  accountId: string;
  username: string;
  displayName: string | null;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
/** Archives write most numbers as strings (`"w": "2048"`, `"bitrate": "2176000"`). */
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** `window.YTD.tweets.part0 = ` (any part, any data set): the text before the JSON array. */
export const ARCHIVE_PREFIX = /^\s*window\.YTD\.[\w]+\.part\d+\s*=\s*/;

/** An entry of `data/` that holds posts: tweets.js, tweets-part1.js, ... */
export function isTweetsEntry(path: string): boolean {
  return /(^|\/)data\/tweets(-part\d+)?\.js$/.test(path) || /(^|\/)tweets(-part\d+)?\.js$/.test(path);
}

export function isAccountEntry(path: string): boolean {
  return /(^|\/)account\.js$/.test(path);
}

/** The account from account.js's parsed array (`[{ account: { accountId, username, accountDisplayName } }]`). */
export function readArchiveAccount(items: unknown): ArchiveAccount | null {
  const first = Array.isArray(items) ? (items[0] as unknown) : undefined;
  const account = isObject(first) && isObject(first.account) ? first.account : undefined;
  const accountId = str(account?.accountId);
  const username = str(account?.username);
  if (!accountId || !username) return null;
  return { accountId, username, displayName: str(account?.accountDisplayName) ?? null };
}

/** `Wed Mar 04 16:41:27 +0000 2020` as an ISO time, or undefined. */
export function parseV1Time(text: string): string | undefined {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  const [day, hh, mm, ss, sign, oh, om, year] = [m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]].map(String);
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMs;
  return new Date(utc).toISOString();
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One archive item (`{ tweet: {...} }`, or the bare post of older archives) as normalized posts. */
export function normalizeArchiveItem(item: unknown, account: ArchiveAccount | null): NormalizedBody {
  const tweet = isObject(item) && isObject(item.tweet) ? item.tweet : item;
  return normalizeXBody(archiveTweetToV2Body(tweet, account));
}

/** The v1.1-shaped post as a v2 body (`data`, `includes.media`, `includes.users`). */
export function archiveTweetToV2Body(tweet: unknown, account: ArchiveAccount | null): Json {
  if (!isObject(tweet)) return { data: [tweet] };
  const id = str(tweet.id_str) ?? str(tweet.id);
  const media = list(isObject(tweet.extended_entities) ? tweet.extended_entities.media : undefined).map(toV2Media);
  const created = str(tweet.created_at);
  const data: Json = {
    id,
    text: str(tweet.full_text) ?? str(tweet.text),
    created_at: created && parseV1Time(created),
    author_id: account?.accountId,
    lang: str(tweet.lang),
    in_reply_to_user_id: str(tweet.in_reply_to_user_id_str),
    edit_history_tweet_ids: editIds(tweet.edit_info),
    referenced_tweets: references(tweet),
    attachments: media.length ? { media_keys: media.map((m) => m.media_key) } : undefined,
    entities: toV2Entities(tweet.entities),
  };
  const users = account ? [{ id: account.accountId, username: account.username, name: account.displayName }] : [];
  return { data: [dropUndefined(data)], includes: { media, users } };
}

function editIds(editInfo: unknown): string[] | undefined {
  if (!isObject(editInfo)) return undefined;
  const initial = isObject(editInfo.initial) ? editInfo.initial : undefined;
  const edit =
    isObject(editInfo.edit) && isObject(editInfo.edit.editControlInitial)
      ? editInfo.edit.editControlInitial
      : undefined;
  const ids = (initial ?? edit)?.editTweetIds;
  return Array.isArray(ids) && ids.length ? ids.map(String) : undefined;
}

function references(tweet: Json): Json[] | undefined {
  const refs: Json[] = [];
  const replied = str(tweet.in_reply_to_status_id_str);
  if (replied) refs.push({ type: 'replied_to', id: replied });
  const quoted = str(tweet.quoted_status_id_str);
  if (quoted) refs.push({ type: 'quoted', id: quoted });
  return refs.length ? refs : undefined;
}

function toV2Entities(entities: unknown): Json | undefined {
  if (!isObject(entities)) return undefined;
  return {
    urls: list(entities.urls).map((u) => dropUndefined({ url: str(u.url), expanded_url: str(u.expanded_url) })),
    mentions: list(entities.user_mentions).flatMap((m) =>
      str(m.screen_name) ? [{ username: str(m.screen_name) }] : [],
    ),
    hashtags: list(entities.hashtags).flatMap((h) => (str(h.text) ? [{ tag: str(h.text) }] : [])),
    cashtags: list(entities.symbols).flatMap((s) => (str(s.text) ? [{ tag: str(s.text) }] : [])),
  };
}

/** v2 media keys are `3_<id>` (photo), `7_<id>` (video), `16_<id>` (animated GIF). */
const KEY_PREFIX: Record<string, string> = { photo: '3', video: '7', animated_gif: '16' };

function toV2Media(m: Json): Json & { media_key: string } {
  const type = str(m.type) ?? 'photo';
  const video = isObject(m.video_info) ? m.video_info : undefined;
  const large = isObject(m.sizes) && isObject(m.sizes.large) ? m.sizes.large : undefined;
  const url = str(m.media_url_https) ?? str(m.media_url);
  return dropUndefined({
    media_key: `${KEY_PREFIX[type] ?? '3'}_${str(m.id_str) ?? str(m.id) ?? ''}`,
    type,
    url: type === 'photo' ? url : undefined,
    preview_image_url: type === 'photo' ? undefined : url,
    width: num(large?.w),
    height: num(large?.h),
    duration_ms: num(video?.duration_millis),
    alt_text: str(m.ext_alt_text),
    variants: video ? list(video.variants).map(toV2Variant) : undefined,
  }) as Json & { media_key: string };
}

function toV2Variant(v: Json): Json {
  return dropUndefined({ url: str(v.url), content_type: str(v.content_type), bit_rate: num(v.bitrate) });
}

function dropUndefined(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
