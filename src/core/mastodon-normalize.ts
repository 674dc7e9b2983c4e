// Turns parsed Mastodon API bodies (an account's statuses, one status, a
// status's edit history) into normalized posts, as their readers saw them:
// HTML content as text with its links, mentions (full `user@domain`) and
// hashtags, the content warning kept before the content, media with their
// descriptions, polls, replies. A boost is a post of the boosting account that
// references the boosted status (repostOf, with the boosted words as its
// text); the boosted status is archived as a post of its own author. An
// edited status is one post with a version per revision (see mastodon-ids.ts
// for the IDs). Pure: the shape is checked per status, so one malformed status
// is reported as a problem and never drops the others.
import { compareLocalIds, editTime, qualifyId, versionIdOf } from './mastodon-ids.js';
import {
  describeIssues,
  statusEditSchema,
  statusSchema,
  type MastodonBoosted,
  type MastodonStatus,
} from './mastodon-payload.js';
import { buildVersion } from './mastodon-version.js';
import type { NormalizeProblem, NormalizedBody, NormalizedPost, NormalizedVia } from './post-model.js';

export { MASTODON_PLATFORM, fullAcct } from './mastodon-version.js';

export interface StatusesRead {
  /** The well-formed statuses, in the body's order. */
  statuses: MastodonStatus[];
  problems: NormalizeProblem[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

function readOne(item: unknown, server: string, out: StatusesRead) {
  const parsed = statusSchema.safeParse(item);
  if (parsed.success) {
    out.statuses.push(parsed.data);
    return;
  }
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  out.problems.push({
    ...(typeof id === 'string' && id ? { platformId: qualifyId(server, id) } : {}),
    code: 'bad_payload',
    message: `malformed status: ${describeIssues(parsed.error)}`,
  });
}

/** The statuses of a JSON array body (an account's statuses). */
export function readStatuses(body: unknown, server: string): StatusesRead {
  const out: StatusesRead = { statuses: [], problems: [] };
  if (!Array.isArray(body)) {
    out.problems.push({ code: 'bad_payload', message: `statuses body is ${describe(body)}, not an array` });
    return out;
  }
  for (const item of body) readOne(item, server, out);
  return out;
}

/** The status of a JSON object body (GET /api/v1/statuses/:id). */
export function readStatus(body: unknown, server: string): StatusesRead {
  const out: StatusesRead = { statuses: [], problems: [] };
  readOne(body, server, out);
  return out;
}

/** The version ID of an account's own status as it stands, when it was edited (boosts are never edited). */
export function editedVersionId(status: MastodonStatus, server: string): string | null {
  if (status.reblog || !status.edited_at) return null;
  return versionIdOf(qualifyId(server, status.id), status.edited_at);
}

/** A status as it stands: one version, named by its latest edit when it has one. */
function currentVersion(status: MastodonBoosted, server: string, via: NormalizedVia, editIds?: string[]) {
  const platformId = qualifyId(server, status.id);
  const versionId = versionIdOf(platformId, status.edited_at ?? null);
  return buildVersion({
    server,
    status,
    revision: status,
    shown: status,
    versionId,
    editIds: editIds ?? [...new Set([platformId, versionId])],
    versionCreatedAt: status.edited_at ?? status.created_at,
    isCurrent: true,
    via,
    repostOf: null,
  });
}

/** A timeline entry: a status of the account, or a boost and the status it boosts. */
export function normalizeStatus(status: MastodonStatus, server: string): NormalizedPost[] {
  const boosted = status.reblog;
  if (!boosted) return [currentVersion(status, server, 'data')];
  const boostId = qualifyId(server, status.id);
  const boost = buildVersion({
    server,
    status,
    revision: boosted,
    shown: boosted,
    versionId: boostId,
    editIds: [boostId],
    versionCreatedAt: status.created_at,
    isCurrent: true,
    via: 'data',
    repostOf: qualifyId(server, boosted.id),
  });
  return [boost, currentVersion(boosted, server, 'retweeted')];
}

export function normalizeStatuses(statuses: MastodonStatus[], server: string): NormalizedPost[] {
  return statuses.flatMap((s) => normalizeStatus(s, server));
}

/**
 * Every revision of an edited status (GET /api/v1/statuses/:id/history,
 * oldest first): the revision published with the status is named by the
 * status's ID, each later one by its time. The status as it stands (the last
 * revision) is built from the status itself, which carries what the history
 * leaves out (language, reply, mentions' accounts); earlier revisions take
 * those from it too. A history that cannot be read still yields the status as
 * it stands, with a problem.
 */
export function normalizeHistory(body: unknown, status: MastodonStatus, server: string): NormalizedBody {
  const out: NormalizedBody = { posts: [], problems: [], errors: [] };
  const platformId = qualifyId(server, status.id);
  const currentId = versionIdOf(platformId, status.edited_at ?? null);
  if (!Array.isArray(body)) {
    out.problems.push({ platformId, code: 'bad_payload', message: `history body is ${describe(body)}, not an array` });
    out.posts.push(currentVersion(status, server, 'data'));
    return out;
  }
  const created = editTime(status.created_at);
  const revisions = body.flatMap((item, i) => {
    const parsed = statusEditSchema.safeParse(item);
    if (parsed.success) {
      const at = editTime(parsed.data.created_at);
      return [{ edit: parsed.data, versionId: at === created ? platformId : `${platformId}@${at}` }];
    }
    out.problems.push({
      platformId,
      code: 'bad_payload',
      message: `malformed revision ${i + 1}: ${describeIssues(parsed.error)}`,
    });
    return [];
  });
  const editIds = [...new Set([...revisions.map((r) => r.versionId), currentId])].sort(compareVersionIds);
  const seen = new Set([currentId]);
  for (const { edit, versionId } of revisions) {
    if (seen.has(versionId)) continue;
    seen.add(versionId);
    out.posts.push(
      buildVersion({
        server,
        status,
        revision: edit,
        shown: status,
        versionId,
        editIds,
        versionCreatedAt: edit.created_at,
        isCurrent: false,
        via: 'edit_history',
        repostOf: null,
      }),
    );
  }
  out.posts.push(currentVersion(status, server, 'data', editIds));
  return out;
}

/** Version IDs of one status, oldest first (see mastodon-ids.ts). */
function compareVersionIds(a: string, b: string): number {
  return compareLocalIds(a, b);
}
