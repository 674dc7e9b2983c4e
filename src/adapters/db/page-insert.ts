// The bulk of storing one page, in ONE statement: the capture, the posts not
// archived yet and the versions not seen yet, each idempotent on its natural
// key (captures.sha256, posts (platform, platform_id), post_versions
// (platform, version_id)). One round trip per page instead of four keeps the
// store path close to a raw COPY (see bench/ingest.ts). Several pages (an
// import's lines) can go in one statement: each keeps its own capture, and
// each version names the capture that showed it. The evidence log's leaves
// for what it stores join the statement too (`log`, from log-append.ts).
import { createHash } from 'node:crypto';
import type { NormalizedPost } from '../../core/post-model.js';
import type { RawCapture } from '../../ports/post-source.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from './database.js';
import { encodeRawBody, type BodyEncoding } from '../../core/storable-text.js';

export interface PageCapture {
  capture: RawCapture & { capturedAt: Date };
  /** The account the capture was read for. */
  accountId: number | null;
}

export interface PageInsert {
  accountId: number | null;
  /** The raw payloads the versions came from, in order (none: versions without a capture). */
  captures: PageCapture[];
  /** versionId → index in `captures` of the capture that showed it (none given: the first; not in it: none). */
  captureOf?: Map<string, number>;
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
  /**
   * Common table expressions that log what the statement stores, in it (see
   * log-append.ts pageLog: they read capid and ins); none: nothing is logged.
   */
  log?: Prisma.Sql;
}

export interface PageInserted {
  /** The row id of each capture, in order, and whether it was archived before this statement. */
  captureIds: number[];
  capturesExisted: boolean[];
  /** platform_id → row id of the posts this page created. */
  inserted: Map<string, number>;
  newVersions: { post_id: number; version_id: string }[];
  /** Whether any article reference waits for a post (only then is reference resolution worth a query). */
  hasOpenReferences: boolean;
  /** Archived posts whose withheld countries this page changed (set, changed or lifted). */
  withheldChanged: WithheldChange[];
}

export interface WithheldChange {
  id: number;
  platformId: string;
  /** The post's withheld details now (null: no longer withheld). */
  withheld: { copyright?: boolean; countryCodes?: string[] } | null;
}

interface Row {
  captures: { ord: number; id: number; new: boolean }[] | null;
  inserted: { id: number; platform_id: string }[] | null;
  versions: { post_id: number; version_id: string }[] | null;
  open_refs: boolean;
  withheld_changed: WithheldChange[] | null;
  unplaced: number;
}

/** The 1-based place of a version's capture among the page's (null: none). */
function captureOrd(page: PageInsert, versionId: string): number | null {
  if (!page.captureOf) return page.captures.length > 0 ? 1 : null;
  const i = page.captureOf.get(versionId);
  return i === undefined ? null : i + 1;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A capture's body as it is stored (text, or base64 when PostgreSQL cannot store the text) and the sha256 of its bytes. */
export interface StoredBody {
  encoding: BodyEncoding;
  body: string;
  sha256: string;
}

const storedBodies = new WeakMap<object, StoredBody>();

/**
 * The stored form of a capture's body, worked out once per capture: the page
 * statement and the evidence log's leaf for the capture both need it, and a
 * page can be megabytes.
 */
export function storedBodyOf(capture: { body: string }): StoredBody {
  let stored = storedBodies.get(capture);
  if (!stored) {
    const raw = encodeRawBody(capture.body);
    stored = { encoding: raw.encoding, body: raw.body, sha256: createHash('sha256').update(raw.bytes).digest('hex') };
    storedBodies.set(capture, stored);
  }
  return stored;
}

/**
 * Stores the page. When another transaction stored one of its posts at the
 * same time (a stream and a poll), this statement waited for it and then could
 * not see it: the page is stored again by a new statement, which sees it and
 * adds what the first could not (its versions, its fill-ins). Everything is
 * idempotent, so the second statement repeats nothing the first stored.
 */
export async function insertPage(tx: Tx, page: PageInsert): Promise<PageInserted> {
  const first = await insertPageOnce(tx, page);
  let result = first;
  for (let attempt = 0; result.unplaced > 0 && attempt < UNPLACED_RETRIES; attempt++) {
    result = await insertPageOnce(tx, page);
    first.inserted = new Map([...first.inserted, ...result.inserted]);
    first.newVersions.push(...result.newVersions);
    first.withheldChanged.push(...result.withheldChanged);
    first.hasOpenReferences ||= result.hasOpenReferences;
  }
  if (result.unplaced > 0) throw new Error(`${result.unplaced} versions found no post after ${UNPLACED_RETRIES} tries`);
  const { unplaced: _unplaced, ...inserted } = first;
  return inserted;
}

/** A post stored by another transaction is seen by the next statement: one more is enough, a few allow for more writers. */
const UNPLACED_RETRIES = 3;

async function insertPageOnce(tx: Tx, page: PageInsert): Promise<PageInserted & { unplaced: number }> {
  // Kept exactly: as text, or as base64 when PostgreSQL cannot store the text; sha256 over the bytes.
  const raws = page.captures.map((c) => storedBodyOf(c.capture));
  const captures = JSON.stringify(
    page.captures.map(({ capture: c, accountId }, i) => ({
      source: c.source,
      account: accountId,
      url: c.requestUrl,
      status: c.httpStatus,
      type: c.contentType,
      encoding: raws[i]!.encoding,
      sha: raws[i]!.sha256,
      at: c.capturedAt,
      ord: i + 1,
    })),
  );
  // Each body is a parameter of its own: sent as it is, where an array parameter
  // would be escaped element by element here and parsed back by the server.
  const bodies =
    raws.length > 0 ? Prisma.sql`ARRAY[${Prisma.join(raws.map((r) => r.body))}]::text[]` : Prisma.sql`ARRAY[]::text[]`;
  // The versions go as they are (each is stored whole as its version's data);
  // what the page says of each goes beside them, in the same order.
  const rows = JSON.stringify(page.versions);
  const latest = page.versions.map((v) => page.latest.has(v.versionId));
  const accounts = page.versions.map((v) =>
    page.owners?.has(v.versionId) ? (page.owners.get(v.versionId) ?? null) : page.accountId,
  );
  const caps = page.versions.map((v) => captureOrd(page, v.versionId));
  // A post's edit chain is its latest version's IDs, except where folded versions gave it another.
  const chains = JSON.stringify(Object.fromEntries(page.chains ?? []));
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
    cin AS (
      SELECT c.*, b.body FROM jsonb_to_recordset(${captures}::jsonb)
          AS c(source text, account int, url text, status int, type text, encoding text, sha text, at timestamptz, ord int)
        JOIN unnest(${bodies}) WITH ORDINALITY AS b(body, ord) ON b.ord = c.ord),
    cap AS (
      INSERT INTO captures (platform, source, account_id, request_url, http_status, content_type, body, body_encoding,
        sha256, captured_at)
      SELECT split_part(source, ':', 1), source, account, url, status, type, body, encoding, sha, at FROM cin ORDER BY ord
      ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256),
    capid AS (
      SELECT cin.ord, coalesce(cap.id, old.id) AS id, cap.id IS NOT NULL AS new, cin.at
      FROM cin LEFT JOIN cap ON cap.sha256 = cin.sha LEFT JOIN captures old ON old.sha256 = cin.sha),
    chains AS (SELECT ${chains}::jsonb AS c),
    r AS (
      SELECT e.n AS page_ord, e.v AS data, x.*, m.latest, m.account, m.cap,
        CASE WHEN chains.c ? x."platformId" THEN ARRAY(SELECT jsonb_array_elements_text(chains.c -> x."platformId"))
          ELSE x."editIds" END AS chain
      FROM jsonb_array_elements(${rows}::jsonb) WITH ORDINALITY AS e(v, n)
        JOIN unnest(${latest}::boolean[], ${accounts}::int[], ${caps}::int[]) WITH ORDINALITY AS m(latest, account, cap, n)
          ON m.n = e.n
        CROSS JOIN chains,
        jsonb_to_record(e.v) AS x(platform text, "platformId" text, "versionId" text, "authorId" text,
          "editIds" text[], text text, lang text, "createdAt" timestamptz, "versionCreatedAt" timestamptz,
          "conversationId" text, "inReplyToUserId" text, "referencedPosts" jsonb, urls text[], mentions text[],
          hashtags text[], cashtags text[], media jsonb, "mediaKeys" text[], "repostOf" text, withheld jsonb, permalink text,
          poll jsonb, geo jsonb, "contentSha256" text)),
    same AS (SELECT "platformId", count(*)::int AS n FROM r GROUP BY "platformId"),
    ins AS (
      INSERT INTO posts (platform, platform_id, account_id, author_platform_id, edit_ids, text, lang, created_at,
        conversation_id, in_reply_to_user_id, referenced_posts, urls, mentions, hashtags, cashtags, media,
        media_keys, repost_of, withheld, poll, geo, permalink, first_seen_by, first_seen_at, last_seen_at, version_count)
      SELECT platform, "platformId", account, "authorId", chain, text, lang, "createdAt",
        "conversationId", "inReplyToUserId", "referencedPosts", urls, mentions, hashtags,
        coalesce(cashtags, '{}'), media, coalesce("mediaKeys", '{}'), "repostOf", nullif(withheld, 'null'),
        nullif(poll, 'null'), nullif(geo, 'null'), permalink, ${page.firstSeenBy}, ${page.now}::timestamptz, ${page.now}::timestamptz,
        same.n
      FROM r JOIN same USING ("platformId") WHERE latest
      -- In the page's order: row ids follow it.
      ORDER BY page_ord
      ON CONFLICT (platform, platform_id) DO NOTHING
      RETURNING id, platform_id),
    -- Each version's post: inserted above, or archived before. A post that
    -- another transaction inserted and committed while this statement waited
    -- on it is in neither (this statement's snapshot is older): its versions
    -- are unplaced, and the statement is run again (insertPage).
    placed AS (
      SELECT r.*, coalesce(i.id, p.id) AS post_id, i.id IS NOT NULL AS created
      FROM r LEFT JOIN ins i ON i.platform_id = r."platformId"
        LEFT JOIN posts p ON p.platform = r.platform AND p.platform_id = r."platformId"),
    ver AS (
      INSERT INTO post_versions (post_id, platform, version_id, text, created_at, content_sha256, data, capture_id, captured_at)
      SELECT v.post_id, v.platform, v."versionId", v.text, v."versionCreatedAt", v."contentSha256", v.data,
        capid.id, coalesce(capid.at, ${page.now}::timestamptz)
      FROM placed v LEFT JOIN capid ON capid.ord = v.cap
      WHERE v.post_id IS NOT NULL
      -- Oldest version first, so that row ids follow the edit chain (see core/post-versions.ts).
      ORDER BY v."versionCreatedAt", length(v."versionId"), v."versionId"
      ON CONFLICT (platform, version_id) DO NOTHING
      RETURNING post_id, version_id),
    -- Media details that an earlier capture lacked (X does not expand media of
    -- posts in includes.tweets) are filled in from a capture that has more,
    -- never replaced by fewer. A post seen again also takes its current
    -- withheld countries and poll counts. Rows inserted above are not visible
    -- here: only the rows of posts archived before (known) are looked up.
    known AS (SELECT * FROM placed WHERE NOT created),
    fillver AS (
      UPDATE post_versions pv SET data = jsonb_set(pv.data, '{media}', r.media)
      FROM known r WHERE pv.platform = r.platform AND pv.version_id = r."versionId"
        AND jsonb_array_length(r.media) > jsonb_array_length(coalesce(pv.data->'media', '[]'))
      RETURNING pv.id),
    -- o is the row as it was before this statement: what withheld changed from.
    fillpost AS (
      UPDATE posts p SET
        media = CASE WHEN jsonb_array_length(r.media) > jsonb_array_length(p.media) THEN r.media ELSE p.media END,
        withheld = nullif(r.withheld, 'null'), poll = coalesce(nullif(r.poll, 'null'), p.poll)
      FROM known r, posts o WHERE o.id = p.id AND p.platform = r.platform AND p.platform_id = r."platformId"
        AND (jsonb_array_length(r.media) > jsonb_array_length(p.media)
          OR p.withheld IS DISTINCT FROM nullif(r.withheld, 'null')
          OR (nullif(r.poll, 'null') IS NOT NULL AND p.poll IS DISTINCT FROM r.poll))
        -- only from the post's latest version (the newest stored before this page)
        AND r."versionId" = (SELECT lv.version_id FROM post_versions lv WHERE lv.post_id = p.id
          ORDER BY lv.created_at DESC, lv.captured_at DESC, length(lv.version_id) DESC, lv.version_id DESC LIMIT 1)
      RETURNING p.id, p.platform_id, o.withheld AS old_withheld, p.withheld AS new_withheld)
      ${page.log ?? Prisma.empty}
    -- Every write of the page is read here, so it is done before the log's
    -- (which run after this SELECT and lock log_state until commit).
    SELECT (SELECT count(*) FROM fillver) AS filled,
      (SELECT json_agg(json_build_object('ord', ord, 'id', id, 'new', new) ORDER BY ord) FROM capid) AS captures,
      (SELECT json_agg(json_build_object('id', id, 'platform_id', platform_id)) FROM ins) AS inserted,
      (SELECT json_agg(json_build_object('post_id', post_id, 'version_id', version_id)) FROM ver) AS versions,
      (SELECT json_agg(json_build_object('id', id, 'platformId', platform_id, 'withheld', new_withheld))
        FROM fillpost WHERE old_withheld IS DISTINCT FROM new_withheld) AS withheld_changed,
      (SELECT v FROM cfg) AS cfg,
      (SELECT count(*)::int FROM placed WHERE post_id IS NULL) AS unplaced,
      EXISTS (SELECT 1 FROM article_references WHERE status = 'unresolved' AND post_id IS NULL) AS open_refs`;
  // A payload given twice in one statement is new at its first place only.
  const seen = new Set<number>();
  const stored = (row!.captures ?? []).map((c) => {
    const existed = !c.new || seen.has(c.id);
    seen.add(c.id);
    return { id: c.id, existed };
  });
  return {
    captureIds: stored.map((c) => c.id),
    capturesExisted: stored.map((c) => c.existed),
    inserted: new Map((row!.inserted ?? []).map((r) => [r.platform_id, r.id])),
    newVersions: row!.versions ?? [],
    hasOpenReferences: row!.open_refs,
    withheldChanged: row!.withheld_changed ?? [],
    unplaced: row!.unplaced,
  };
}
