// Small builders for archive rows (accounts, posts, versions, articles) that
// the search, HTTP, page, feed and export tests insert directly.
import type { Database } from '../../src/adapters/db/database.js';
import { snowflakeAt } from '../../src/core/x-snowflake.js';

export interface AccountFixture {
  handle: string;
  /** Defaults to x. */
  platform?: string;
  platformUserId?: string;
  displayName?: string;
  status?: string;
  lastError?: string | null;
  lastErrorCode?: string | null;
  lastSuccessAt?: Date | null;
  lastPostAt?: Date | null;
}

export async function insertAccount(db: Database, a: AccountFixture) {
  return db.prisma.account.create({
    data: {
      platform: a.platform ?? 'x',
      platformUserId: a.platformUserId ?? String(100 + Math.floor(Math.random() * 1e9)),
      handle: a.handle,
      displayName: a.displayName ?? a.handle,
      status: a.status ?? 'active',
      lastError: a.lastError ?? null,
      lastErrorCode: a.lastErrorCode ?? null,
      lastSuccessAt: a.lastSuccessAt ?? null,
      lastPostAt: a.lastPostAt ?? null,
    },
  });
}

export interface PostFixture {
  accountId: number | null;
  text: string;
  createdAt: string | Date;
  /** Defaults to a snowflake consistent with createdAt. */
  id?: string;
  lang?: string;
  status?: string;
  /** Earlier texts, oldest first; each becomes a version before the current text. */
  earlierTexts?: string[];
  /** Defaults to x (a decimal ID is made for any platform). */
  platform?: string;
}

let sequence = 0;

export async function insertPost(db: Database, p: PostFixture) {
  const createdAt = new Date(p.createdAt);
  const id = p.id ?? (BigInt(snowflakeAt(createdAt)) + BigInt(++sequence)).toString();
  const texts = [...(p.earlierTexts ?? []), p.text];
  const editIds = texts.map((_, i) => (BigInt(id) + BigInt(i * 1000)).toString());
  const platform = p.platform ?? 'x';
  const post = await db.prisma.post.create({
    data: {
      platform,
      platformId: id,
      accountId: p.accountId,
      editIds,
      text: p.text,
      lang: p.lang ?? 'en',
      createdAt,
      urls: [],
      mentions: [],
      hashtags: [],
      status: p.status ?? 'available',
      statusChangedAt: p.status === 'deleted' ? new Date(createdAt.getTime() + 3_600_000) : null,
      versionCount: texts.length,
    },
  });
  for (const [i, text] of texts.entries()) {
    const capture = await db.prisma.capture.create({
      data: {
        platform,
        source: `${platform}:timeline`,
        accountId: p.accountId,
        body: JSON.stringify({ data: [{ id: editIds[i], text, edit_history_tweet_ids: editIds.slice(0, i + 1) }] }),
        sha256: `${id}-${i}-${Math.random()}`.padEnd(64, '0').slice(0, 64),
      },
    });
    await db.prisma.postVersion.create({
      data: {
        postId: post.id,
        platform,
        versionId: editIds[i]!,
        text,
        createdAt: new Date(createdAt.getTime() + i * 60_000),
        contentSha256: `${id}-${i}`.padEnd(64, '0'),
        data: { id: editIds[i], text },
        captureId: capture.id,
      },
    });
  }
  return post;
}

export async function insertArticle(
  db: Database,
  a: {
    url: string;
    title: string;
    text: string;
    citing?: { postId: number; witnessedText: string; differs?: boolean }[];
  },
) {
  const article = await db.prisma.article.create({
    data: {
      key: a.url,
      url: a.url,
      title: a.title,
      siteName: 'Example News',
      text: a.text,
      contentSha256: 'c'.repeat(64),
    },
  });
  await db.prisma.articleSnapshot.create({
    data: { articleId: article.id, sha256: 'd'.repeat(64), body: `<p>${a.text}</p>`, contentType: 'text/html' },
  });
  for (const [i, c] of (a.citing ?? []).entries()) {
    await db.prisma.articleReference.create({
      data: {
        articleId: article.id,
        postId: c.postId,
        fingerprint: `x:fixture:${i}`,
        platform: 'x',
        kind: 'quote',
        confidence: 0.9,
        evidence: { quote: c.witnessedText },
        witnessedText: c.witnessedText,
        differsFromArchive: c.differs ?? false,
        status: 'resolved',
        resolvedAt: new Date(),
      },
    });
  }
  return article;
}
