// The world `npm run bench -- poll` polls: the local fakes of X, Bluesky, a
// Mastodon server and press-release feeds, running in the bench's process
// (the service under measurement runs in its own), their accounts, and the
// posting activity of those accounts while the service polls them.
import { startFakeBsky, type RunningFakeBsky } from '../../tests/fake-bsky/fake-bsky-server.js';
import { FEED_FORMATS, type FakeFeedItem } from '../../tests/fake-feeds/fake-feed-render.js';
import { startFakeFeeds, type RunningFakeFeeds } from '../../tests/fake-feeds/fake-feed-server.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../tests/fake-mastodon/fake-mastodon-server.js';
import { startFakeX, type RunningFakeX } from '../../tests/fake-x/fake-x-server.js';
import { seeded } from './realtime-rig.js';

export const PLATFORMS = ['x', 'bsky', 'mastodon', 'feed'] as const;
export type BenchPlatform = (typeof PLATFORMS)[number];
const MASTODON_DOMAIN = 'gov.example';
/** Posts each account has before the service starts (its backfill). */
const SEED_POSTS = 3;
const HOUR_MS = 3_600_000;

/** One watched account as the fakes know it, and how to make it post. */
export interface WorldAccount {
  platform: BenchPlatform;
  /** What `accounts add` takes. */
  ref: string;
  /** Publishes a new post; returns its platform ID on the fake. */
  post(text: string): string;
  /** Changes an existing post (Mastodon edit, feed item correction), if the platform allows it. */
  edit?(text: string): void;
  /** Deletes its newest post (X, Bluesky, Mastodon). */
  delete?(): void;
}

export interface Fakes {
  x: RunningFakeX;
  bsky: RunningFakeBsky;
  mastodon: RunningFakeMastodon;
  feeds: RunningFakeFeeds;
  /** What the service needs to reach them. */
  env: Record<string, string>;
  /** Requests each fake has answered so far. */
  requests(): Record<BenchPlatform, number>;
  close(): Promise<void>;
}

/**
 * The four fakes. The compressed schedule (see poll.ts) asks for 5 to 10 times the
 * requests per minute that the real 5-minute schedule does: the windows that
 * 5 minutes would never meet are lifted (X: 1,500 timeline reads per 15 min,
 * real load 375; Mastodon: 300 per 5 min per address, real load 125); the
 * AppView's 3,000 per 5 min is kept as it is.
 */
export async function startFakes(): Promise<Fakes> {
  const unlimited = { limit: 10_000_000 };
  const x = await startFakeX({
    tls: false,
    rateLimits: {
      'users/:id/tweets': unlimited,
      tweets: unlimited,
      'users/:id': unlimited,
      'users/by/username/:username': unlimited,
    },
  });
  const bsky = await startFakeBsky();
  const mastodon = await startFakeMastodon({ domain: MASTODON_DOMAIN, rateLimit: unlimited });
  const feeds = await startFakeFeeds();
  return {
    x,
    bsky,
    mastodon,
    feeds,
    env: {
      X_API_BASE_URL: x.url,
      X_BEARER_TOKEN: x.bearerToken,
      X_STREAM: 'off',
      BSKY_APPVIEW_URL: bsky.url,
      MASTODON_BASE_URLS: `${MASTODON_DOMAIN}=${mastodon.url}`,
      ONRECORD_ALLOW_PRIVATE_FETCH: 'true',
    },
    requests: () => ({
      x: x.requests.length,
      bsky: bsky.requestsTo().length,
      mastodon: mastodon.requests.length,
      feed: feeds.requests.length,
    }),
    close: async () => {
      await Promise.all([x.close(), bsky.close(), mastodon.close(), feeds.close()]);
    },
  };
}

let worlds = 0;

/** `count` accounts, the platforms in turn, each with SEED_POSTS recent posts. */
export function seedAccounts(fakes: Fakes, count: number, platforms: readonly BenchPlatform[]): WorldAccount[] {
  const prefix = `w${++worlds}`;
  const start = new Date(Date.now() - HOUR_MS);
  const accounts: WorldAccount[] = [];
  for (let i = 0; i < count; i++) {
    const platform = platforms[i % platforms.length]!;
    const name = `${prefix}o${i}`;
    accounts.push(SEEDERS[platform](fakes, name, start, i));
  }
  return accounts;
}

const text = (name: string, i: number) => `Notice ${i + 1} of office ${name}: the registry opens at nine.`;

const SEEDERS: Record<BenchPlatform, (f: Fakes, name: string, start: Date, i: number) => WorldAccount> = {
  x(f, name, start) {
    const { user, posts } = f.x.seedAccount({ username: name, posts: SEED_POSTS, start, everyMs: 60_000 });
    const ids = posts.map((p) => p.id);
    return {
      platform: 'x',
      ref: `x:${name}`,
      post: (t) => {
        const id = f.x.addPost({ author: user.id, text: t }).id;
        ids.push(id);
        return id;
      },
      delete: () => {
        if (ids.length > 1) f.x.deletePost(ids.pop()!);
      },
    };
  },
  bsky(f, name, start) {
    const handle = `${name}.gov.example`;
    const { actor, posts } = f.bsky.seedAccount({
      handle,
      posts: SEED_POSTS,
      start: start.toISOString(),
      text: (i) => text(name, i),
    });
    const uris = posts.map((p) => p.uri);
    return {
      platform: 'bsky',
      ref: `bsky:${handle}`,
      post: (t) => {
        const uri = f.bsky.publish(actor.did, { text: t }).uri;
        uris.push(uri);
        return uri;
      },
      delete: () => {
        if (uris.length > 1) f.bsky.deleteRecord(uris.pop()!);
      },
    };
  },
  mastodon(f, name, start) {
    const { account, statuses } = f.mastodon.seedAccount({
      username: name,
      statuses: SEED_POSTS,
      start: start.toISOString(),
      text: (i) => text(name, i),
    });
    const ids = statuses.map((s) => s.id);
    return {
      platform: 'mastodon',
      ref: `mastodon:@${name}@${MASTODON_DOMAIN}`,
      post: (t) => {
        const id = f.mastodon.publish({ account, text: t }).id;
        ids.push(id);
        return id;
      },
      edit: (t) => void f.mastodon.edit(ids.at(-1)!, { text: t }),
      delete: () => {
        if (ids.length > 1) f.mastodon.delete(ids.pop()!);
      },
    };
  },
  feed(f, name, start, i) {
    const path = `/${name}/press.${FEED_FORMATS[i % FEED_FORMATS.length]}`;
    const item = (n: number, at: Date): FakeFeedItem => ({
      id: `urn:bench:${name}:${n}`,
      title: `Press release ${n + 1}`,
      html: `<p>${text(name, n)}</p>`,
      link: `https://press.gov.example/${name}/${n}`,
      publishedAt: at.toISOString(),
    });
    const items = Array.from({ length: SEED_POSTS }, (_, n) => item(n, new Date(start.getTime() + n * 60_000)));
    const url = f.feeds.addFeed({ path, format: FEED_FORMATS[i % FEED_FORMATS.length]!, items: items.reverse() });
    let next = SEED_POSTS;
    return {
      platform: 'feed',
      ref: `feed:${url}`,
      post: (t) => {
        const added = { ...item(next++, new Date()), html: `<p>${t}</p>` };
        f.feeds.addItem(path, added);
        return added.id;
      },
      edit: (t) => f.feeds.changeItem(path, `urn:bench:${name}:${next - 1}`, { html: `<p>${t}</p>` }),
    };
  },
};

export interface ActivityCounts {
  posts: number;
  edits: number;
  deletions: number;
}

/**
 * Posting activity spread over the run: `postsPerInterval` new posts per poll
 * interval in all (random accounts), and one edit and one deletion for every
 * ten new posts. Returns a stop function that reports what was done.
 */
export function startActivity(accounts: WorldAccount[], postsPerInterval: number, intervalMs: number) {
  const random = seeded(accounts.length);
  const counts: ActivityCounts = { posts: 0, edits: 0, deletions: 0 };
  const pick = (can?: (a: WorldAccount) => boolean) => {
    for (let tries = 0; tries < 20; tries++) {
      const account = accounts[Math.floor(random() * accounts.length)]!;
      if (!can || can(account)) return account;
    }
    return undefined;
  };
  const timer = setInterval(
    () => {
      const n = counts.posts++;
      pick()!.post(`Bench statement ${n}: the consulate changes its opening hours.`);
      const edited = n % 10 === 3 ? pick((a) => !!a.edit) : undefined;
      if (edited) {
        edited.edit!(`Bench statement ${n}, corrected.`);
        counts.edits += 1;
      }
      const deleting = n % 10 === 7 ? pick((a) => !!a.delete) : undefined;
      if (deleting) {
        deleting.delete!();
        counts.deletions += 1;
      }
    },
    Math.max(1, intervalMs / postsPerInterval),
  );
  return () => {
    clearInterval(timer);
    return counts;
  };
}
