// Building the fake server's world: accounts, statuses (rendered from plain
// text as Mastodon renders them, or given as another server's HTML), boosts,
// replies, media, polls, edits. All text here is invented for tests.
import { renderText } from './fake-mastodon-render.js';
import {
  mastodonIdAt,
  type FakeAccount,
  type FakeMastodonState,
  type FakeMedia,
  type FakeRevision,
  type FakeStatus,
} from './fake-mastodon-state.js';

export interface AccountSpec {
  username: string;
  /** Another server's account known here (its statuses arrive as copies). */
  domain?: string;
  displayName?: string;
  note?: string;
  createdAt?: string;
  bot?: boolean;
}

export interface RevisionSpec {
  /** Plain text, rendered as Mastodon renders a local status. */
  text?: string;
  /** HTML given as is (another server's markup); mentions and tags are then taken from `mentions`/`tags`. */
  html?: string;
  mentions?: string[];
  tags?: string[];
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  media?: FakeMedia[];
  pollOptions?: string[];
  at?: Date | string;
}

export interface StatusSpec extends RevisionSpec {
  /** The author: an account, its ID or its acct. */
  account: FakeAccount | string;
  visibility?: FakeStatus['visibility'];
  replyTo?: FakeStatus | string;
  boostOf?: FakeStatus | string;
  poll?: { expiresAt?: string | null; votes?: number[] };
  application?: string | null;
}

let mediaSequence = 0;

export function makeMedia(type: FakeMedia['type'] = 'image', overrides: Partial<FakeMedia> = {}): FakeMedia {
  mediaSequence += 1;
  const isTimed = type === 'video' || type === 'gifv' || type === 'audio';
  return {
    id: String(113_000_000_000_000_000n + BigInt(mediaSequence)),
    type,
    description: null,
    width: 1280,
    height: 720,
    ...(isTimed ? { duration: 12.5 } : {}),
    ...overrides,
  };
}

export function addAccount(state: FakeMastodonState, spec: AccountSpec): FakeAccount {
  const createdAt = spec.createdAt ?? '2024-01-15T09:30:00.000Z';
  return state.addAccount({
    id: mastodonIdAt(createdAt),
    username: spec.username,
    domain: spec.domain?.toLowerCase() ?? null,
    displayName: spec.displayName ?? spec.username,
    note: spec.note ?? '',
    createdAt,
    suspended: false,
    bot: spec.bot ?? false,
  });
}

function accountOf(state: FakeMastodonState, ref: FakeAccount | string): FakeAccount {
  if (typeof ref !== 'string') return ref;
  const found = state.accounts.get(ref) ?? state.accountByAcct(ref);
  if (!found) throw new Error(`fake Mastodon: no account ${ref}`);
  return found;
}

const statusOf = (state: FakeMastodonState, ref: FakeStatus | string) =>
  typeof ref === 'string' ? state.status(ref) : ref;

export function makeRevision(state: FakeMastodonState, spec: RevisionSpec, at: string): FakeRevision {
  const rendered = spec.html !== undefined ? undefined : renderText(spec.text ?? '', state);
  for (const m of spec.media ?? []) state.media.set(m.id, m);
  return {
    html: spec.html ?? rendered!.html,
    spoilerText: spec.spoilerText ?? '',
    sensitive: spec.sensitive ?? false,
    mediaIds: (spec.media ?? []).map((m) => m.id),
    pollOptions: spec.pollOptions ?? null,
    language: spec.language === undefined ? 'en' : spec.language,
    mentionIds: rendered?.mentionIds ?? (spec.mentions ?? []).map((acct) => accountOf(state, acct).id),
    tags: rendered?.tags ?? spec.tags ?? [],
    createdAt: at,
  };
}

export function addStatus(state: FakeMastodonState, spec: StatusSpec, now: () => number): FakeStatus {
  const author = accountOf(state, spec.account);
  const at = new Date(spec.at ?? now()).toISOString();
  const boosted = spec.boostOf ? statusOf(state, spec.boostOf) : undefined;
  const parent = spec.replyTo ? statusOf(state, spec.replyTo) : undefined;
  const revision = boosted
    ? { ...makeRevision(state, { text: '' }, at), html: '', language: null }
    : makeRevision(state, spec, at);
  return state.addStatus({
    id: mastodonIdAt(at),
    accountId: author.id,
    createdAt: at,
    editedAt: null,
    visibility: spec.visibility ?? 'public',
    inReplyToId: parent?.id ?? null,
    inReplyToAccountId: parent?.accountId ?? null,
    reblogOfId: boosted?.id ?? null,
    current: revision,
    edits: [],
    // A copy of another server's status keeps its ID there in its URI.
    remoteId: author.domain ? String(109_000_000_000_000_000n + BigInt(Date.parse(at) % 1_000_000_000)) : null,
    application: author.domain || boosted ? null : spec.application === undefined ? 'Web' : spec.application,
    poll: spec.pollOptions
      ? { id: mastodonIdAt(at), expiresAt: spec.poll?.expiresAt ?? null, votes: spec.poll?.votes ?? [] }
      : null,
    deleted: false,
  });
}

export interface SeedSpec extends AccountSpec {
  statuses?: number;
  /** The first status's time (default 2026-03-01T00:00:00Z); the others follow `everyMs` apart. */
  start?: string;
  everyMs?: number;
  text?: (i: number) => string;
}

/** An account with `statuses` statuses, returned oldest first. */
export function seedAccount(state: FakeMastodonState, spec: SeedSpec, now: () => number) {
  const account = addAccount(state, spec);
  const start = Date.parse(spec.start ?? '2026-03-01T00:00:00.000Z');
  const every = spec.everyMs ?? 60_000;
  const statuses = Array.from({ length: spec.statuses ?? 0 }, (_, i) =>
    addStatus(
      state,
      { account, text: spec.text?.(i) ?? `Statement ${i + 1} of the office.`, at: new Date(start + i * every) },
      now,
    ),
  );
  return { account, statuses };
}
