// The one place that reads the environment. Every setting is documented here
// and in .env.example; loadConfig names every bad variable in one error.
import { z } from 'zod';
import { ConfigError } from './core/errors.js';
import { parseDuration } from './core/duration.js';
import { missingSettingsBlock, type PlatformBlock } from './core/account-hold.js';
import { parseMastodonBaseUrls, parseMastodonTokens } from './core/mastodon-settings.js';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `not a duration (try 30s, 5m, 1h): ${value}` });
        return z.NEVER;
      }
      return ms;
    });

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A setting parsed by a function that throws an error naming what is wrong (never the value of a secret). */
const parsed = <T>(parse: (text: string) => T) =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (err) {
        // The error names its variable already; the issue's path names it again.
        const message = err instanceof Error ? err.message.replace(/^[A-Z_]+: /, '') : 'not readable';
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
    });

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** A WebSocket base URL (ws:// or wss://), without a trailing slash. */
function wsUrl(fallback: string) {
  return z
    .string()
    .default(fallback)
    .refine((v) => /^wss?:\/\/[^/]+/.test(v), 'must be a ws:// or wss:// URL')
    .transform((v) => v.replace(/\/+$/, ''));
}

const schema = z.object({
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL (PGlite) under ONRECORD_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .optional()
    .refine(isPostgresUrl, 'must be a URL like postgresql://user:password@host:5432/database'),
  /** Where the embedded database and other local state live. */
  ONRECORD_DATA_DIR: z.string().default('./data'),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** X app bearer token (app-only auth). Without it X accounts cannot be polled. */
  X_BEARER_TOKEN: z.string().optional(),
  /** Base URL of the X API: http:// or https://, for proxies, mirrors and local test servers. */
  X_API_BASE_URL: z
    .string()
    .default('https://api.x.com')
    .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an http:// or https:// URL')
    .transform((v) => v.replace(/\/+$/, '')),
  /** Timeout of one request to the X API. */
  X_API_TIMEOUT: duration('15s'),
  /**
   * Mastodon: an access token per server, for servers that answer only authorized clients
   * (`server=token,...`). Servers not named are read without one.
   */
  MASTODON_TOKENS: parsed(parseMastodonTokens),
  /**
   * Mastodon: where a server's API is reached instead of https://<server>
   * (`server=http(s)://host:port,...`), for proxies, mirrors and local test servers.
   */
  MASTODON_BASE_URLS: parsed(parseMastodonBaseUrls),
  /** Timeout of one request to a Mastodon server. */
  MASTODON_TIMEOUT: duration('15s'),
  /** Base URL of the Bluesky AppView read without login (posts, profiles): http:// or https://, path kept. */
  BSKY_APPVIEW_URL: z
    .string()
    .default('https://public.api.bsky.app')
    .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an http:// or https:// URL')
    .transform((v) => v.replace(/\/+$/, '')),
  /** Timeout of one request to the Bluesky AppView. */
  BSKY_APPVIEW_TIMEOUT: duration('15s'),
  /**
   * Bluesky's pushed posts beside polling: auto and jetstream (the same: Jetstream needs no credentials) listen
   * to Jetstream for the watched accounts' posts, deletions, handle changes and deactivations; off polls only.
   */
  BSKY_STREAM: z.enum(['auto', 'jetstream', 'off']).default('auto'),
  /** The Jetstream instance listened to: ws:// or wss://, without /subscribe. */
  BSKY_JETSTREAM_URL: wsUrl('wss://jetstream2.us-east.bsky.network'),
  /** The instance tried after repeated failed connects to the first (cursors are time-based, so it resumes). */
  BSKY_JETSTREAM_FALLBACK_URL: wsUrl('wss://jetstream1.us-west.bsky.network'),
  /** Default interval between two polls of an account (a platform may have its own: Mastodon 1m). */
  ONRECORD_POLL_INTERVAL: duration('5m'),
  /**
   * Polls in flight at once; due accounts beyond it wait their turn. Many polls started together
   * (every account is due at once after a start) would wait for the database pool too long and fail.
   */
  ONRECORD_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /**
   * X's pushed posts beside polling: auto (the best the token allows: the Activity API, else the filtered
   * stream), activity, filtered, or off (polling only).
   */
  X_STREAM: z.enum(['auto', 'activity', 'filtered', 'off']).default('auto'),
  /** A stream connection that receives nothing (not even X's keep-alive, sent every 20 s) this long is reconnected. */
  X_STREAM_KEEPALIVE_TIMEOUT: duration('30s'),
  /**
   * The X app's OAuth 1.0 consumer secret (API secret key): with ONRECORD_PUBLIC_URL, the Activity API
   * delivers to this service's webhook (POST/GET /webhooks/x/activity) instead of a stream connection;
   * it answers X's CRC and checks each delivery's x-twitter-webhooks-signature.
   */
  X_CONSUMER_SECRET: z.string().optional(),
  /** The X app's OAuth 2.0 client secret: the same, with X's recommended x-twitter-webhooks-signature-oauth2. */
  X_CLIENT_SECRET: z.string().optional(),
  /** How often an account a healthy stream carries is still polled, to reconcile what the stream may have missed. */
  ONRECORD_RECONCILE_INTERVAL: duration('1h'),
  /** Name of this service instance in logs and as the holder of the accounts it polls (default: host:pid). */
  ONRECORD_INSTANCE_ID: z.string().optional(),
  /**
   * Older posts (beyond the last 3 days) looked up again per account and day, to notice deletions of
   * old statements. Each is a post read on X's pay-per-use plans; 0 turns the sweep off.
   */
  ONRECORD_SWEEP_PER_DAY: z.coerce.number().int().min(0).max(100_000).default(240),
  /** Port of the HTTP API and web pages. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address the HTTP server listens on. */
  HOST: z.string().default('127.0.0.1'),
  /** Bearer token required by every write to the HTTP API. Unset: writes are refused. */
  ONRECORD_API_TOKEN: z.string().optional(),
  /** Who may read the HTTP API: local (loopback only), open (anyone), token (ONRECORD_API_TOKEN). */
  ONRECORD_READ_ACCESS: z.enum(['local', 'open', 'token']).default('local'),
  /** Public base URL of the web pages, used in feeds and alerts (default http://HOST:PORT). */
  ONRECORD_PUBLIC_URL: z.string().url().optional(),
  /** SMTP server for email alerts, e.g. smtp://user:pass@mail.example.org:587. */
  SMTP_URL: z.string().optional(),
  /** Sender address of email alerts. */
  ALERT_FROM: z.string().default('onrecord <alerts@onrecord.invalid>'),
  /** The longest one alert send (HTTP request or SMTP step) may take before it counts as failed and is retried. */
  ALERT_TIMEOUT: duration('10s'),
  /** Let article, feed and media fetching reach loopback, private and link-local addresses. */
  ONRECORD_ALLOW_PRIVATE_FETCH: flag,
  /** Let alert targets (webhook, Slack, Discord) be loopback, private and link-local addresses. */
  ONRECORD_ALLOW_PRIVATE_TARGETS: flag,
  /** Time limit of one article or feed fetch (connect, headers and body). */
  ONRECORD_FETCH_TIMEOUT: duration('15s'),
  /** Time limit of one search statement (statement_timeout; not enforced by the embedded PGlite). */
  ONRECORD_SEARCH_TIMEOUT: duration('10s'),
  /** Time limit of reading one article page (parsing and extraction, in a worker thread that is stopped past it). */
  ONRECORD_EXTRACT_TIMEOUT: duration('20s'),
  /** Largest article page or feed fetched, in bytes. */
  ONRECORD_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  /** Redirects followed by one article or feed fetch (each target is checked again). */
  ONRECORD_FETCH_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  /** Link-preview proxy hosts whose status URLs count as X links (comma-separated). */
  ONRECORD_PREVIEW_HOSTS: list.transform((v) =>
    v.length ? v : ['fxtwitter.com', 'fixupx.com', 'vxtwitter.com', 'fixvx.com', 'twittpr.com'],
  ),
  /**
   * The evidence log's signing key, a signed-note Ed25519 private key (PRIVATE+KEY+name+hash+base64).
   * Unset: the key in ONRECORD_DATA_DIR/log-key, created on first start.
   */
  ONRECORD_LOG_KEY: z.string().optional(),
  /** The origin line of the log's checkpoints (and the name of a key created here). No spaces, no "+". */
  ONRECORD_LOG_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, 'no spaces and no "+"')
    .default('onrecord/log'),
  /** Largest media file downloaded, in bytes (stored sizes are 32-bit: at most 2 GiB - 1). */
  ONRECORD_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 31 - 1)
    .default(200 * 1024 * 1024),
  /** Longest wait for the next bytes of a media download (connect, headers, between chunks). */
  ONRECORD_MEDIA_TIMEOUT: duration('30s'),
  /** s3://bucket/prefix?endpoint=...&region=...: media in an S3-compatible bucket. Unset: ONRECORD_DATA_DIR/media. */
  ONRECORD_MEDIA_S3_URL: z
    .string()
    .regex(/^s3:\/\/[^/?]+/, 'must look like s3://bucket/prefix?endpoint=http://host:port&region=...')
    .optional(),
  /** Credentials of the media bucket (the standard AWS variables). */
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
  /** Region of the media bucket when ONRECORD_MEDIA_S3_URL names none. */
  AWS_REGION: z.string().optional(),
  /** Nitter instances whose status URLs count as X links (comma-separated). */
  ONRECORD_NITTER_HOSTS: list.transform((v) => (v.length ? v : ['nitter.net', 'nitter.poast.org', 'xcancel.com'])),
});

/** postgres:// or postgresql://, with a host. The value is never echoed: it may carry a password. */
function isPostgresUrl(value: string | undefined): boolean {
  if (value === undefined) return true;
  try {
    const url = new URL(value);
    const hasHost = url.hostname !== '' || url.searchParams.has('host');
    return (url.protocol === 'postgresql:' || url.protocol === 'postgres:') && hasHost;
  } catch {
    return false;
  }
}

export type Config = z.output<typeof schema> & { instanceId: string };

/** The names of every setting, for documentation checks. */
export const CONFIG_KEYS = Object.keys(schema.shape);

export function loadConfig(env: Record<string, string | undefined>, defaults: { instanceId: string }): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return { ...parsed.data, instanceId: parsed.data.ONRECORD_INSTANCE_ID ?? defaults.instanceId };
}

/**
 * The settings each platform cannot be polled without. A platform whose
 * settings are missing is blocked: its accounts show why in health, pages and
 * `accounts list` (see core/account-hold.ts). A new platform adds its line.
 */
export const PLATFORM_SETTINGS = {
  x: ['X_BEARER_TOKEN'],
} as const satisfies Record<string, readonly (keyof Config)[]>;

/**
 * The pushed streams this configuration runs, with the reason each is off
 * here (null: it runs, or another instance may run it).
 */
export function configuredStreams(config: Config): Record<string, string | null> {
  const bsky = config.BSKY_STREAM === 'off' ? 'BSKY_STREAM=off: polling only' : null;
  if (!config.X_BEARER_TOKEN) return { x: 'X is not configured (X_BEARER_TOKEN)', bsky };
  return { x: config.X_STREAM === 'off' ? 'X_STREAM=off: polling only' : null, bsky };
}

/** The path of the X Activity API webhook on this service. */
export const X_WEBHOOK_PATH = '/webhooks/x/activity';

/**
 * Where X delivers Activity API events when this configuration asks for the
 * webhook (a public URL, a webhook secret, X_STREAM auto or activity), else
 * undefined (the persistent stream is used). X calls it to check it is
 * reachable before accepting it; when that fails the stream is used.
 */
export function xWebhookUrl(config: Config): string | undefined {
  const hasSecret = Boolean(config.X_CLIENT_SECRET || config.X_CONSUMER_SECRET);
  if (!config.ONRECORD_PUBLIC_URL || !hasSecret || !config.X_BEARER_TOKEN) return undefined;
  if (config.X_STREAM !== 'auto' && config.X_STREAM !== 'activity') return undefined;
  return `${config.ONRECORD_PUBLIC_URL.replace(/\/+$/, '')}${X_WEBHOOK_PATH}`;
}

/** Every platform that cannot be polled with this configuration, by platform. */
export function platformBlocks(config: Config): Map<string, PlatformBlock> {
  const blocks = new Map<string, PlatformBlock>();
  for (const [platform, required] of Object.entries(PLATFORM_SETTINGS)) {
    const block = missingSettingsBlock(platform, required, (name) => Boolean(config[name as keyof Config]));
    if (block) blocks.set(platform, block);
  }
  return blocks;
}
