// Benchmark of the normalize-and-store path: BENCH_INGEST_POSTS (default
// 100,000) synthetic posts in X API v2 timeline pages of 100 (the documented
// shape) are parsed, normalized and stored (captures, posts, versions) into a
// fresh database, page by page, one transaction per page, exactly as a poll
// stores them. Baseline in the same run: a raw COPY of the same post rows
// into the same table (emptied in between). Goal: at least 0.3× COPY.
// Each round also stores the same pages without the evidence log (storeBatch's
// `log: false`) into a second fresh database, page by page in turn with the
// logged store (alternating which goes first), each page's transaction timed
// on its own: the machine's load, which varies, falls on both alike. The
// log's cost is the throughput lost to it. Goal: under 10%.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { openDatabase, type Database } from '../src/adapters/db/database.js';
import { migrate } from '../src/adapters/db/migrate.js';
import { createPostsRepository } from '../src/adapters/db/posts-repository.js';
import { normalizeXBody, type NormalizedPost } from '../src/core/x-normalize.js';
import { syntheticHandle, syntheticPost, type SyntheticPost } from './lib/synthetic.js';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.BENCH_INGEST_POSTS ?? 100_000);
/** BENCH_INGEST_DB names the databases, so that benches run side by side (import uses the same helper) never share one. */
const DB_NAME = process.env.BENCH_INGEST_DB ?? 'onrecord_bench_ingest';
const PAGE_SIZE = 100;
const ACCOUNTS = 10;
const GOAL_RATIO = 0.3;
const GOAL_LOG_OVERHEAD_PERCENT = 10;
/** The pair (store, COPY) is run this many times; the machine's load varies, the median ratio is reported. */
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);

export const userIdOf = (account: number) => String(1_000_000_000 + account);

/** One timeline page body as X sends it (tweet.fields as the adapter asks, author expanded). */
export function pageBody(posts: SyntheticPost[]): string {
  const account = posts[0]!.account;
  const data = posts.map((p) => ({
    id: p.platformId,
    text: p.text,
    created_at: new Date(Math.floor(p.createdAt.getTime() / 1000) * 1000).toISOString(),
    author_id: userIdOf(account),
    conversation_id: p.platformId,
    lang: p.lang,
    edit_history_tweet_ids: [p.platformId],
    possibly_sensitive: false,
    reply_settings: 'everyone',
    ...entitiesOf(p),
    public_metrics: { retweet_count: 3, reply_count: 1, like_count: 20, quote_count: 0, bookmark_count: 0 },
  }));
  const ids = posts.map((p) => p.platformId);
  return JSON.stringify({
    data,
    includes: { users: [{ id: userIdOf(account), name: `Synthetic ${account}`, username: syntheticHandle(account) }] },
    meta: { result_count: posts.length, newest_id: ids[0], oldest_id: ids.at(-1), next_token: `7140d${ids.at(-1)}` },
  });
}

function entitiesOf(p: SyntheticPost) {
  const hashtags = p.hashtags.map((tag) => ({ start: 0, end: tag.length + 1, tag }));
  const mentions = p.mentions.map((username) => ({ start: 0, end: username.length + 1, username }));
  if (!hashtags.length && !mentions.length) return {};
  return { entities: { ...(hashtags.length ? { hashtags } : {}), ...(mentions.length ? { mentions } : {}) } };
}

/** Pages of 100 posts of one account each, newest first within a page. */
function buildPages(): { account: number; body: string }[] {
  const byAccount: SyntheticPost[][] = Array.from({ length: ACCOUNTS }, () => []);
  for (let i = 0; i < COUNT; i++) {
    const post = syntheticPost(i, { accounts: ACCOUNTS });
    byAccount[post.account]!.push(post);
  }
  const pages: { account: number; body: string }[] = [];
  for (const posts of byAccount) {
    posts.sort((a, b) => (BigInt(b.platformId) > BigInt(a.platformId) ? 1 : -1));
    for (let i = 0; i < posts.length; i += PAGE_SIZE) {
      const slice = posts.slice(i, i + PAGE_SIZE);
      pages.push({ account: slice[0]!.account, body: pageBody(slice) });
    }
  }
  return pages;
}

export async function freshDatabase(name = DB_NAME): Promise<{ db: Database; url: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '' });
  await migrate(db);
  return { db, url: url.toString() };
}

async function createAccounts(db: Database): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < ACCOUNTS; n++) {
    const account = await db.prisma.account.create({
      data: { platform: 'x', handle: syntheticHandle(n), platformUserId: userIdOf(n) },
    });
    ids.push(account.id);
  }
  return ids;
}

/** The path under test: parse, normalize, store one page in one transaction; returns the posts it added. */
async function storePage(db: Database, page: { account: number; body: string }, accountIds: number[], log: boolean) {
  const now = new Date();
  const body: unknown = JSON.parse(page.body);
  const normalized = normalizeXBody(body);
  const capture = {
    source: 'x:timeline',
    requestUrl: `https://api.x.com/2/users/${userIdOf(page.account)}/tweets?max_results=100`,
    httpStatus: 200,
    contentType: 'application/json; charset=utf-8',
    body: page.body,
    capturedAt: now,
  };
  const input = {
    accountId: accountIds[page.account]!,
    capture,
    posts: normalized.posts,
    problems: normalized.problems,
    firstSeenBy: 'backfill' as const,
    raiseNew: false,
    now,
  };
  const result = await db.prisma.$transaction((tx) => createPostsRepository(db.prisma).storeBatch(input, tx, { log }));
  return result.postsNew;
}

// COPY text format: backslash, tab, newline and carriage return escaped; \N is null.
const copyText = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const pgArray = (items: string[]) =>
  `{${items.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

export function copyLine(p: NormalizedPost, accountId: number): string {
  return `${[
    p.platform,
    p.platformId,
    String(accountId),
    p.authorId,
    pgArray(p.editIds),
    p.text,
    p.lang,
    p.createdAt.toISOString(),
    p.conversationId,
    p.inReplyToUserId,
    JSON.stringify(p.referencedPosts),
    pgArray(p.urls),
    pgArray(p.mentions),
    pgArray(p.hashtags),
    JSON.stringify(p.media),
    'backfill',
  ]
    .map(copyText)
    .join('\t')}\n`;
}

/** The baseline: the same post rows, COPYed into the same (emptied) table. */
export async function rawCopy(url: string, rows: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('TRUNCATE posts, post_versions, captures, events RESTART IDENTITY CASCADE');
    const started = performance.now();
    const copy = client.query(
      copyStreams.from(`COPY posts (platform, platform_id, account_id, author_platform_id, edit_ids, text, lang,
        created_at, conversation_id, in_reply_to_user_id, referenced_posts, urls, mentions, hashtags, media,
        first_seen_by) FROM STDIN`),
    );
    await pipeline(Readable.from(rows), copy);
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

export const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

interface Round {
  /** Posts per second without the evidence log, and the throughput the log costs. */
  noLogPostsPerSecond: number;
  logOverheadPercent: number;
  logLeaves: number;
  storeSeconds: number;
  storePostsPerSecond: number;
  copySeconds: number;
  copyPostsPerSecond: number;
  ratioToCopy: number;
  stored: number;
  versions: number;
  copied: number;
}

/** Both stores, page by page in turn (alternating which goes first), each page timed on its own. */
async function storeBoth(pages: { account: number; body: string }[], logged: Database, unlogged: Database) {
  const sides = [
    { db: logged, log: true, ms: 0, stored: 0, accountIds: await createAccounts(logged) },
    { db: unlogged, log: false, ms: 0, stored: 0, accountIds: await createAccounts(unlogged) },
  ];
  for (const [i, page] of pages.entries()) {
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
      const started = performance.now();
      side.stored += await storePage(side.db, page, side.accountIds, side.log);
      side.ms += performance.now() - started;
    }
  }
  return sides;
}

/** One round: both stores into fresh databases, then the same rows COPYed into the emptied table. */
async function round(pages: { account: number; body: string }[]): Promise<Round> {
  const logged = await freshDatabase();
  const unlogged = await freshDatabase(`${DB_NAME}_nolog`);
  try {
    const [withLog, noLog] = await storeBoth(pages, logged.db, unlogged.db);
    const versions = await logged.db.prisma.postVersion.count();
    const leaves = await logged.db.prisma.logLeaf.count();
    const rows = pages.flatMap((p) =>
      normalizeXBody(JSON.parse(p.body)).posts.map((x) => copyLine(x, withLog!.accountIds[p.account]!)),
    );
    const copyMs = await rawCopy(logged.url, rows);
    const copied = await logged.db.prisma.post.count();
    const storePostsPerSecond = perSecond(withLog!.stored, withLog!.ms);
    const noLogPostsPerSecond = perSecond(noLog!.stored, noLog!.ms);
    const copyPostsPerSecond = perSecond(copied, copyMs);
    return {
      noLogPostsPerSecond,
      logOverheadPercent: Number(
        (((noLogPostsPerSecond - storePostsPerSecond) / noLogPostsPerSecond) * 100).toFixed(1),
      ),
      logLeaves: leaves,
      storeSeconds: Number((withLog!.ms / 1000).toFixed(2)),
      storePostsPerSecond,
      copySeconds: Number((copyMs / 1000).toFixed(2)),
      copyPostsPerSecond,
      ratioToCopy: Number((storePostsPerSecond / copyPostsPerSecond).toFixed(3)),
      stored: withLog!.stored,
      versions,
      copied,
    };
  } finally {
    await logged.db.close();
    await unlogged.db.close();
  }
}

function median<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;
}

export default {
  name: 'ingest',
  description: `normalize-and-store of ${COUNT} synthetic posts (pages of ${PAGE_SIZE}) with and without the evidence log, beside a raw COPY of the same rows, ${ROUNDS} rounds`,
  async run(): Promise<Record<string, unknown>> {
    const pages = buildPages();
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push(await round(pages));
      console.log(`round ${i + 1}: ${JSON.stringify(rounds.at(-1))}`);
    }
    const mid = median(rounds, (r) => r.ratioToCopy);
    const overhead = median(rounds, (r) => r.logOverheadPercent).logOverheadPercent;
    return {
      posts: COUNT,
      pages: pages.length,
      rounds: rounds.length,
      medianRound: mid,
      storePostsPerSecond: mid.storePostsPerSecond,
      copyPostsPerSecond: mid.copyPostsPerSecond,
      ratioToCopy: mid.ratioToCopy,
      ratios: rounds.map((r) => r.ratioToCopy),
      goalRatio: GOAL_RATIO,
      meetsGoal: mid.ratioToCopy >= GOAL_RATIO,
      noLogPostsPerSecond: mid.noLogPostsPerSecond,
      logOverheadPercent: overhead,
      logOverheads: rounds.map((r) => r.logOverheadPercent),
      goalLogOverheadPercent: GOAL_LOG_OVERHEAD_PERCENT,
      meetsLogGoal: overhead < GOAL_LOG_OVERHEAD_PERCENT,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  },
};
