// Names of Mastodon accounts, statuses and their versions. Pure.
//
// Mastodon IDs are local to the server that serves them: the same status has
// one ID on its author's server and another on every server that received a
// copy, and IDs of two servers are not comparable (nor always numbers: other
// servers speaking the API use ULIDs). So every Mastodon ID the archive keeps
// is qualified by the server it was read from, `<server>:<local id>`:
//
// - an account's platformUserId: `gov.example:109876543210`;
// - a status's platformId (its natural, immutable key): `gov.example:1103...`;
// - a version's versionId: the platformId for the status as first published,
//   `<platformId>@<edited_at>` (ISO 8601, UTC, milliseconds) for each edit.
//   An edit keeps the status's ID, so its time names the version. The times of
//   one status have a fixed length, so the version IDs of one status sort
//   oldest first by length, then lexically.
//
// A handle is `user@server` (the form `accounts add mastodon:@user@server` takes).
import { InvalidInput } from './errors.js';

/** A server name: a DNS name (lowercase), optionally with a port. */
const SERVER = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*(?::\d{1,5})?$/;
/** A local ID: digits (Mastodon) or letters and digits (ULIDs and others), never a separator. */
const LOCAL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const EDIT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface MastodonHandle {
  username: string;
  server: string;
}

export interface QualifiedId {
  server: string;
  localId: string;
  /** For a version ID of an edit: the edit's time. */
  editedAt: string | null;
}

export function isServerName(text: string): boolean {
  return SERVER.test(text) && text.length <= 253;
}

/** `@user@server` or `user@server`; the server is lowercased, the username kept as typed. */
export function parseMastodonHandle(text: string): MastodonHandle {
  const m = /^@?([^@\s]+)@([^@\s]+)$/.exec(text.trim());
  const server = m?.[2]!.toLowerCase();
  if (!m || !USERNAME.test(m[1]!) || !isServerName(server!)) {
    throw new InvalidInput(`"${text}" is not a Mastodon handle (@user@server, e.g. @minister@gov.example)`);
  }
  return { username: m[1]!, server: server! };
}

export function formatMastodonHandle(handle: MastodonHandle): string {
  return `${handle.username}@${handle.server}`;
}

export function qualifyId(server: string, localId: string): string {
  return `${server}:${localId}`;
}

/** Reads `<server>:<local id>` or `<server>:<local id>@<edited_at>`; `what` names it in the error. */
export function parseQualifiedId(text: string, what = 'Mastodon ID'): QualifiedId {
  const at = text.indexOf('@');
  const id = at >= 0 ? text.slice(0, at) : text;
  const editedAt = at >= 0 ? text.slice(at + 1) : null;
  const colon = id.lastIndexOf(':');
  const server = id.slice(0, colon);
  const localId = id.slice(colon + 1);
  if (
    colon <= 0 ||
    !isServerName(server) ||
    !LOCAL_ID.test(localId) ||
    (editedAt !== null && !EDIT_TIME.test(editedAt))
  ) {
    throw new InvalidInput(`"${text}" is not a ${what} (<server>:<id>, e.g. gov.example:110123456789012345)`);
  }
  return { server, localId, editedAt };
}

/** The version ID of a status as it stands: its platformId, or with the time of its latest edit. */
export function versionIdOf(platformId: string, editedAt: string | null): string {
  return editedAt === null ? platformId : `${platformId}@${editTime(editedAt)}`;
}

/** An edit time in the one form version IDs use (ISO 8601 UTC with milliseconds). */
export function editTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new InvalidInput(`"${time}" is not a time`);
  return new Date(ms).toISOString();
}

/**
 * Orders two local IDs of ONE server: Mastodon's documented rule (a longer ID
 * is newer; equal lengths compare lexically), which also orders ULIDs.
 */
export function compareLocalIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function isLocalId(text: string): boolean {
  return LOCAL_ID.test(text);
}
