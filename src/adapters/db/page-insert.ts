// The bulk of storing one page, in ONE statement: the capture, the posts not
// archived yet and the versions not seen yet, each idempotent on its natural
// key (captures.sha256, posts (platform, platform_id), post_versions
// (platform, version_id)). One round trip per page instead of four keeps the
// store path close to a raw COPY (see bench/ingest.ts).
import { createHash } from 'node:crypto';
import type { NormalizedPost } from '../../core/post-model.js';
import type { RawCapture } from '../../ports/post-source.js';
import type { Tx } from './database.js';
import { encodeRawBody } from '../../core/storable-text.js';

export interface PageInsert {
  accountId: number | null;
  capture: (RawCapture & { capturedAt: Date }) | null;
  /** Distinct versions of the page. */
  versions: NormalizedPost[];
  /** Version IDs that are the newest of their post within the page (these create the post rows). */
  latest: Set<string>;
  /** The account of each version whose author is not the page's account (originals of reposts). */
  owners?: Map<string, number | null>;
  /** platformId → the edit chain of a post this page creates, when it is not its latest version's (folded versions). */
  chains?: Map<string, string[]>;
  firstSeenBy: string;
  now: Date;
}

export interface PageInserted {
  captureId: number | null;
  captureExisted: boolean;
  /** platform_id → row id of the posts this page created. */
  inserted: Map<string, number>;
  newVersions: { post_id: number; version_id: string }[];
  /** Whether any article reference waits for a post (only then is reference resolution worth a query). */
  hasOpenReferences: boolean;
}

interface Row {
  capture_id: number | null;
  capture_new: number;
  inserted: { id: number; platform_id: string }[] | null;
  versions: { post_id: number; version_id: string }[] | null;
  open_refs: boolean;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function insertPage(tx: Tx, page: PageInsert): Promise<PageInserted> {
  const c = page.capture;
  // Kept exactly: as text, or as base64 when PostgreSQL cannot store the text; sha256 over the bytes.
  const raw = c ? encodeRawBody(c.body) : null;
  const captureSha = raw ? createHash('sha256').update(raw.bytes).digest('hex') : '';
  const rows = JSON.stringify(
    page.versions.map((v) => ({
      ...v,
      latest: page.latest.has(v.versionId),
      account: page.owners?.has(v.versionId) ? page.owners.get(v.versionId) : page.accountId,
      chain: page.chains?.get(v.platformId) ?? v.editIds,
    })),
  );
  const capturedAt = c?.capturedAt ?? page.now;
  // During a backfill (history, which raises no alerts) a page commits without
  // waiting for the WAL flush (synchronous_commit off, this transaction only).
  // A server crash can only drop the latest transactions whole; the cursor
  // moves in the same transaction as the posts, so the next poll reads them
  // again. Later polls record alert events, which a delivery worker may send
  // as soon as they are visible: those commits stay fully durable, so that a
  // sent alert can never be forgotten and raised again.
  // An import raises no alerts either: the same holds for it.
  const synchronousCommit = page.firstSeenBy === 'backfill' || page.firstSeenBy === 'import' ? 'off' : 'on';
  const [row] = await tx.$queryRaw<Row[]>`
    WITH cfg AS (SELECT set_config('synchronous_commit', ${synchronousCommit}, true) AS v),
    cap AS (
      INSERT INTO captures (platform, source, account_id, request_url, http_status, content_type, body, body_encoding,
        sha256, captured_at)
      SELECT split_part(${c?.source ?? ''}, ':', 1), ${c?.source ?? ''}, ${page.accountId}::int, ${c?.requestUrl ?? null},
        ${c?.httpStatus ?? null}::int, ${c?.contentType ?? null}, ${raw?.body ?? ''}, ${raw?.encoding ?? 'text'},
        ${captureSha}, ${capturedAt}::timestamptz
      WHERE ${c !== null}::boolean
      ON CONFLICT (sha256) DO NOTHING RETURNING id),
    capid AS (
      SELECT id FROM cap UNION ALL
      SELECT id FROM captures WHERE ${c !== null}::boolean AND sha256 = ${captureSha} LIMIT 1),
    r AS (
      SELECT e.v - 'latest' - 'account' - 'chain' AS data, x.* FROM jsonb_array_elements(${rows}::jsonb) AS e(v),
        jsonb_to_record(e.v) AS x(platform text, "platformId" text, "versionId" text, "authorId" text,
          "editIds" text[], text text, lang text, "createdAt" timestamptz, "versionCreatedAt" timestamptz,
          "conversationId" text, "inReplyToUserId" text, "referencedPosts" jsonb, urls text[], mentions text[],
          hashtags text[], cashtags text[], media jsonb, "mediaKeys" text[], "repostOf" text, withheld jsonb,
          poll jsonb, geo jsonb, "contentSha256" text, latest boolean, account int, chain text[])),
    ins AS (
      INSERT INTO posts (platform, platform_id, account_id, author_platform_id, edit_ids, text, lang, created_at,
        conversation_id, in_reply_to_user_id, referenced_posts, urls, mentions, hashtags, cashtags, media,
        media_keys, repost_of, withheld, poll, geo, first_seen_by, first_seen_at, last_seen_at, version_count)
      SELECT platform, "platformId", account, "authorId", chain, text, lang, "createdAt",
        "conversationId", "inReplyToUserId", "referencedPosts", urls, mentions, hashtags,
        coalesce(cashtags, '{}'), media, coalesce("mediaKeys", '{}'), "repostOf", nullif(withheld, 'null'),
        nullif(poll, 'null'), nullif(geo, 'null'), ${page.firstSeenBy}, ${page.now}::timestamptz, ${page.now}::timestamptz,
        (SELECT count(*)::int FROM r AS same WHERE same."platformId" = r."platformId")
      FROM r WHERE latest
      ON CONFLICT (platform, platform_id) DO NOTHING
      RETURNING id, platform_id),
    ver AS (
      INSERT INTO post_versions (post_id, platform, version_id, text, created_at, content_sha256, data, capture_id, captured_at)
      SELECT coalesce(i.id, p.id), r.platform, r."versionId", r.text, r."versionCreatedAt", r."contentSha256", r.data,
        (SELECT id FROM capid), ${capturedAt}::timestamptz
      FROM r LEFT JOIN ins i ON i.platform_id = r."platformId"
        LEFT JOIN posts p ON p.platform = r.platform AND p.platform_id = r."platformId"
      WHERE coalesce(i.id, p.id) IS NOT NULL
      -- Oldest version first, so that row ids follow the edit chain (see core/post-versions.ts).
      ORDER BY r."versionCreatedAt", length(r."versionId"), r."versionId"
      ON CONFLICT (platform, version_id) DO NOTHING
      RETURNING post_id, version_id),
    -- Media details that an earlier capture lacked (X does not expand media of
    -- posts in includes.tweets) are filled in from a capture that has more,
    -- never replaced by fewer. A post seen again also takes its current
    -- withheld countries and poll counts. Rows inserted above are not visible here.
    fillver AS (
      UPDATE post_versions pv SET data = jsonb_set(pv.data, '{media}', r.media)
      FROM r WHERE pv.platform = r.platform AND pv.version_id = r."versionId"
        AND jsonb_array_length(r.media) > jsonb_array_length(coalesce(pv.data->'media', '[]'))
      RETURNING pv.id),
    fillpost AS (
      UPDATE posts p SET
        media = CASE WHEN jsonb_array_length(r.media) > jsonb_array_length(p.media) THEN r.media ELSE p.media END,
        withheld = nullif(r.withheld, 'null'), poll = coalesce(nullif(r.poll, 'null'), p.poll)
      FROM r WHERE p.platform = r.platform AND p.platform_id = r."platformId"
        AND (jsonb_array_length(r.media) > jsonb_array_length(p.media)
          OR p.withheld IS DISTINCT FROM nullif(r.withheld, 'null')
          OR (nullif(r.poll, 'null') IS NOT NULL AND p.poll IS DISTINCT FROM r.poll))
        -- only from the post's latest version (the newest stored before this page)
        AND r."versionId" = (SELECT lv.version_id FROM post_versions lv WHERE lv.post_id = p.id
          ORDER BY lv.created_at DESC, length(lv.version_id) DESC, lv.version_id DESC LIMIT 1)
      RETURNING p.id)
    SELECT (SELECT id FROM capid) AS capture_id,
      (SELECT count(*)::int FROM cap) AS capture_new,
      (SELECT json_agg(json_build_object('id', id, 'platform_id', platform_id)) FROM ins) AS inserted,
      (SELECT json_agg(json_build_object('post_id', post_id, 'version_id', version_id)) FROM ver) AS versions,
      (SELECT v FROM cfg) AS cfg,
      EXISTS (SELECT 1 FROM article_references WHERE status = 'unresolved' AND post_id IS NULL) AS open_refs`;
  return {
    captureId: row!.capture_id,
    captureExisted: c !== null && row!.capture_new === 0,
    inserted: new Map((row!.inserted ?? []).map((r) => [r.platform_id, r.id])),
    newVersions: row!.versions ?? [],
    hasOpenReferences: row!.open_refs,
  };
}
