// What the platform-neutral code needs to know about one platform: how users
// type its accounts and post IDs, its permalinks, how it names versions, and
// which import formats hold its posts. One descriptor per platform
// (core/x-platform.ts for X), gathered in core/platforms.ts. Pure.

export interface PlatformDescriptor<Name extends string = string> {
  /** The name in account and post references (`x:USFOR_A`), tables and cursors. */
  readonly name: Name;
  /** How people write the platform's name in messages and pages. */
  readonly label: string;
  /** A handle as users type it, for messages (`USFOR_A`). */
  readonly exampleHandle: string;
  /** A post ID as users type it, for messages. */
  readonly examplePostId: string;
  /** The handle a user typed, in its canonical form; InvalidInput when it is not one. */
  parseHandle(text: string): string;
  /** The post ID a user typed (the platform's natural immutable ID); InvalidInput when it is not one. */
  parsePostId(text: string): string;
  /** The post's permalink (the handle may be unknown). */
  postUrl(handle: string | null | undefined, id: string): string;
  /**
   * True when the platform gives each edit its own post ID (X): every such ID
   * is a version, even one whose content equals the version before it. When
   * false (an edit keeps the post's ID), a version whose content equals the
   * version before it is not stored.
   */
  readonly editsHaveOwnIds: boolean;
  /** The `import` formats that hold this platform's posts. */
  readonly importFormats: readonly string[];
  /** A plausible ID of a post made at `time` (the made-up post of a test alert). */
  samplePostId(time: Date): string;
  /** How often a new account is polled when `accounts add` names no interval (else ONRECORD_POLL_INTERVAL). */
  readonly defaultPollIntervalMs?: number;
  /**
   * For a post ID (as parsePostId gives it) that names its account by handle,
   * where the archive keys posts by the account's immutable user ID: that
   * handle, and the ID written with the user ID in its place. Undefined for an
   * ID that needs nothing more. Absent: the platform's IDs never name an account.
   */
  postIdHandle?(id: string): { handle: string; withUserId(userId: string): string } | undefined;
  /**
   * The object a version came from in the raw payload of its capture.
   * Absent: the first object whose `id` is the version ID (see core/raw-payload.ts).
   */
  findRawVersion?(payload: unknown, versionId: string): Record<string, unknown> | null;
}
