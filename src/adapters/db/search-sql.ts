// SQL pieces shared by the search queries: the selected post columns, the
// tsquery of a websearch query, and the filters. Tagged templates only.
import { Prisma } from '../../generated/prisma/client.js';
import type { PostRow } from '../../core/post-view.js';
import { parseWebQuery, type SearchFilters } from '../../core/search-query.js';

export interface SearchRow extends PostRow {
  /** Database id (for keyset cursors and joins); the public id is platformId. */
  id: number;
  score: number;
  headline?: string | null;
  /** Set on matches older than the ranked window (ordered by recency). */
  pastWindow?: boolean;
  /** How many articles cite the post. */
  citations: number;
}

export const POST_COLUMNS = Prisma.sql`p.id, p.platform, p.platform_id AS "platformId", p.text, p.created_at AS "createdAt",
  p.lang, p.status, p.edit_ids AS "editIds", p.version_count AS "versionCount", p.urls, p.mentions, p.hashtags,
  p.media, p.referenced_posts AS "referencedPosts", p.conversation_id AS "conversationId", p.cashtags,
  p.media_keys AS "mediaKeys", p.repost_of AS "repostOf", p.permalink, p.withheld, p.poll, p.geo,
  p.in_reply_to_user_id AS "inReplyToUserId", p.first_seen_at AS "firstSeenAt", p.first_seen_by AS "firstSeenBy",
  p.status_changed_at AS "statusChangedAt", a.platform AS "accountPlatform", a.handle AS "accountHandle",
  (SELECT count(*) FROM article_references r WHERE r.post_id = p.id)::int AS citations`;

export type RawRow = Omit<SearchRow, 'account'> & { accountPlatform: string | null; accountHandle: string | null };

export function toSearchRow(raw: RawRow): SearchRow {
  const { accountPlatform, accountHandle, ...rest } = raw;
  return {
    ...rest,
    editIds: rest.editIds ?? [],
    urls: rest.urls ?? [],
    mentions: rest.mentions ?? [],
    hashtags: rest.hashtags ?? [],
    score: Number(rest.score),
    citations: Number(rest.citations ?? 0),
    account: accountPlatform && accountHandle ? { platform: accountPlatform, handle: accountHandle } : null,
  };
}

/** The tsquery of a websearch query: each item matches its english stem or its exact (simple) form. */
export function tsquerySql(q: string): Prisma.Sql | undefined {
  const groups = parseWebQuery(q);
  if (groups.length === 0) return undefined;
  // When English drops words (stop words: "no", "the"), the English form would match more than was
  // asked ("no conference" would find any "conference"): then only the exact form is used.
  const item = (text: string) => {
    const english = Prisma.sql`websearch_to_tsquery('english', onrecord_unaccent(${text}))`;
    const simple = Prisma.sql`websearch_to_tsquery('simple', onrecord_unaccent(${text}))`;
    return Prisma.sql`(CASE WHEN numnode(${english}) < numnode(${simple}) THEN ${simple} ELSE ${english} || ${simple} END)`;
  };
  const and = groups.map((g) =>
    Prisma.join(
      g.map((i) => (i.negated ? Prisma.sql`!!${item(i.text)}` : item(i.text))),
      ' && ',
      '(',
      ')',
    ),
  );
  return Prisma.join(and, ' || ', '(', ')');
}

/** The filters as one SQL condition over `posts p`. */
export function filterSql(f: SearchFilters): Prisma.Sql {
  const conds: Prisma.Sql[] = [Prisma.sql`TRUE`];
  const sources = sourceAccountIdsSql(f);
  if (sources) conds.push(Prisma.sql`p.account_id IN (${sources})`);
  if (f.platform) conds.push(Prisma.sql`p.platform = ${f.platform}`);
  if (f.since) conds.push(Prisma.sql`p.created_at >= ${f.since}`);
  if (f.untilExclusive) conds.push(Prisma.sql`p.created_at < ${f.untilExclusive}`);
  const cited = Prisma.sql`EXISTS (SELECT 1 FROM article_references r WHERE r.post_id = p.id)`;
  if (f.cited !== undefined) conds.push(f.cited ? cited : Prisma.sql`NOT ${cited}`);
  if (f.edited !== undefined) conds.push(f.edited ? Prisma.sql`p.version_count > 1` : Prisma.sql`p.version_count <= 1`);
  if (f.deleted !== undefined) {
    conds.push(f.deleted ? Prisma.sql`p.status = 'deleted'` : Prisma.sql`p.status <> 'deleted'`);
  }
  if (f.lang) conds.push(Prisma.sql`p.lang = ${f.lang}`);
  return Prisma.join(conds, ' AND ');
}

/** The ids of the accounts asked for (by current or former handle), as a subquery. */
export function accountIdsSql(accounts: SearchFilters['accounts']): Prisma.Sql {
  const keys = accounts.map((a) => `${a.platform}:${a.handle.toLowerCase()}`);
  return Prisma.sql`SELECT ac.id FROM accounts ac WHERE ac.platform || ':' || lower(ac.handle) = ANY(${keys}::text[])
      UNION SELECT h.account_id FROM account_handles h JOIN accounts ac ON ac.id = h.account_id
        WHERE ac.platform || ':' || lower(h.handle) = ANY(${keys}::text[])`;
}

/** True when the filters name accounts or actors (whose posts alone are asked for). */
export function hasSources(f: SearchFilters): boolean {
  return f.accounts.length > 0 || (f.actors?.length ?? 0) > 0;
}

/** The ids of the accounts asked for and of the channels of the actors asked for; undefined when none are. */
export function sourceAccountIdsSql(f: SearchFilters): Prisma.Sql | undefined {
  const sources = [
    ...(f.accounts.length ? [accountIdsSql(f.accounts)] : []),
    ...(f.actors?.length ? [actorAccountIdsSql(f.actors)] : []),
  ];
  return sources.length ? Prisma.join(sources, ' UNION ') : undefined;
}

/** The accounts that are channels of the actors named (regardless of case), as a subquery. */
export function actorAccountIdsSql(names: readonly string[]): Prisma.Sql {
  return Prisma.sql`SELECT ch.account_id FROM actor_channels ch JOIN actors ac ON ac.id = ch.actor_id
      WHERE lower(ac.name) IN (SELECT lower(n) FROM unnest(${[...names]}::text[]) n)`;
}
