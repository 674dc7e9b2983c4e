// The world of one fake Mastodon server: its accounts (local ones, and remote
// ones it knows from federation), their statuses with every revision, media,
// boosts, deletions, renames and suspensions. IDs are Mastodon's: a
// millisecond time shifted left 16 bits plus a sequence, as decimal strings,
// so that a status's ID follows its creation time on THIS server (a copy of a
// remote status is numbered when it arrives, not when it was written).

export interface FakeAccount {
  id: string;
  username: string;
  /** null for an account of this server. */
  domain: string | null;
  displayName: string;
  note: string;
  createdAt: string;
  suspended: boolean;
  bot: boolean;
}

export interface FakeMedia {
  id: string;
  type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  description: string | null;
  width: number;
  height: number;
  /** Seconds, for video, gifv and audio. */
  duration?: number;
  /** Remote media not yet processed: `meta` is null and `url` the remote file. */
  isUnprocessed?: boolean;
}

/** What a status says at one time: the fields an edit may change. */
export interface FakeRevision {
  /** The content as HTML (the server renders it from the text it was given). */
  html: string;
  spoilerText: string;
  sensitive: boolean;
  mediaIds: string[];
  pollOptions: string[] | null;
  language: string | null;
  /** Account IDs mentioned, hashtags used (as written). */
  mentionIds: string[];
  tags: string[];
  createdAt: string;
}

export interface FakeStatus {
  id: string;
  accountId: string;
  createdAt: string;
  editedAt: string | null;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  /** For a boost: the boosted status. */
  reblogOfId: string | null;
  current: FakeRevision;
  /** Every revision, oldest first, once the status has been edited (Mastodon snapshots the original then). */
  edits: FakeRevision[];
  /** For a copy of a remote status: its ID on its own server. */
  remoteId: string | null;
  application: string | null;
  poll: { id: string; expiresAt: string | null; votes: number[] } | null;
  deleted: boolean;
}

export interface FakeMastodonData {
  accounts: FakeAccount[];
  statuses: FakeStatus[];
  media: FakeMedia[];
}

let sequence = 0n;

/** A fresh Mastodon ID for a time: milliseconds << 16, plus a sequence in the low bits. */
export function mastodonIdAt(at: Date | string | number): string {
  sequence = (sequence + 1n) % 65_536n;
  return ((BigInt(new Date(at).getTime()) << 16n) + sequence).toString();
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export class FakeMastodonState {
  readonly accounts = new Map<string, FakeAccount>();
  readonly statuses = new Map<string, FakeStatus>();
  readonly media = new Map<string, FakeMedia>();

  constructor(readonly domain: string) {}

  addAccount(account: FakeAccount): FakeAccount {
    this.accounts.set(account.id, account);
    return account;
  }

  /** `user` or `user@<this domain>` for a local account, `user@domain` for a remote one. */
  accountByAcct(acct: string): FakeAccount | undefined {
    const [username, domain] = acct.replace(/^@/, '').split('@');
    const remote = domain && domain.toLowerCase() !== this.domain ? domain.toLowerCase() : null;
    for (const a of this.accounts.values()) {
      if (a.username.toLowerCase() === username!.toLowerCase() && a.domain === remote) return a;
    }
    return undefined;
  }

  addStatus(status: FakeStatus): FakeStatus {
    this.statuses.set(status.id, status);
    return status;
  }

  account(id: string): FakeAccount {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`fake Mastodon: no account ${id}`);
    return account;
  }

  status(id: string): FakeStatus {
    const status = this.statuses.get(id);
    if (!status) throw new Error(`fake Mastodon: no status ${id}`);
    return status;
  }

  /** A new revision: the first edit snapshots the original, as Mastodon does. */
  edit(id: string, revision: FakeRevision): FakeStatus {
    const status = this.status(id);
    if (status.reblogOfId) throw new Error('fake Mastodon: a boost cannot be edited');
    if (status.edits.length === 0) status.edits.push(status.current);
    status.current = revision;
    status.edits.push(revision);
    status.editedAt = revision.createdAt;
    return status;
  }

  delete(id: string): void {
    const status = this.status(id);
    status.deleted = true;
    // Boosts of a deleted status disappear with it.
    for (const s of this.statuses.values()) if (s.reblogOfId === id) s.deleted = true;
  }

  rename(accountId: string, username: string): void {
    this.account(accountId).username = username;
  }

  setSuspended(accountId: string, suspended: boolean): void {
    this.account(accountId).suspended = suspended;
  }

  /** The account's statuses, newest first (deleted ones left out). */
  statusesOf(accountId: string): FakeStatus[] {
    return [...this.statuses.values()]
      .filter((s) => s.accountId === accountId && !s.deleted)
      .sort((a, b) => compareIds(b.id, a.id));
  }

  snapshot(): FakeMastodonData {
    return structuredClone({
      accounts: [...this.accounts.values()],
      statuses: [...this.statuses.values()],
      media: [...this.media.values()],
    });
  }

  load(data: FakeMastodonData): void {
    for (const a of data.accounts) this.accounts.set(a.id, a);
    for (const s of data.statuses) this.statuses.set(s.id, s);
    for (const m of data.media) this.media.set(m.id, m);
  }
}
