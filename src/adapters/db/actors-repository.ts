// Actors and their channels. An actor is found by its name regardless of case;
// a channel is one watched account (natural key: actor, account). Adding an
// actor with a channel whose account is not watched yet watches it, as
// `accounts add` does, in the same transaction. A factory over the database;
// every method takes an optional transaction.
import { InvalidInput, NotFound } from '../../core/errors.js';
import type { ActorRow } from '../../core/actors.js';
import { formatAccountRef, type AccountRef } from '../../core/ids.js';
import { createAccountsRepository } from './accounts-repository.js';
import type { Prisma as PrismaTypes } from '../../generated/prisma/client.js';
import { inTransaction, type Prisma, type Tx } from './database.js';

export type { ActorRow };

export interface AddActorInput {
  name: string;
  channels: AccountRef[];
  /** The poll interval of an account the actor's channels start watching. */
  pollIntervalMs: number;
}

export interface AddActorResult {
  actor: ActorRow;
  /** False when an actor of that name (regardless of case) existed. */
  created: boolean;
  /** Channels this call added (`platform:handle`). */
  channelsAdded: string[];
  /** Accounts this call started watching (new, or archived until now). */
  accountsWatched: string[];
}

const CHANNELS = {
  orderBy: [{ account: { platform: 'asc' as const } }, { account: { handle: 'asc' as const } }],
  include: { account: { select: { platform: true, handle: true, displayName: true, status: true } } },
} satisfies PrismaTypes.ActorChannelFindManyArgs;

type ActorRecord = {
  id: number;
  name: string;
  createdAt: Date;
  channels: { account: ActorRow['channels'][number] }[];
};

function toRow(a: ActorRecord): ActorRow {
  return { id: a.id, name: a.name, createdAt: a.createdAt, channels: a.channels.map((c) => c.account) };
}

/** By name regardless of case (lower() as the unique index compares, not ILIKE: `_` and `%` are plain characters). */
async function findActor(tx: Tx, name: string): Promise<ActorRow | null> {
  const [hit] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM actors WHERE lower(name) = lower(${name})`;
  if (!hit) return null;
  const found = await tx.actor.findUnique({ where: { id: hit.id }, include: { channels: CHANNELS } });
  return found ? toRow(found) : null;
}

export type ActorsRepository = ReturnType<typeof createActorsRepository>;

export function createActorsRepository(db: Prisma) {
  return {
    /**
     * Adds an actor (or finds it by name) and the channels it lacks, in one
     * transaction; idempotent: adding the same actor and channels again adds nothing.
     */
    add: (input: AddActorInput, now: Date, tx?: Tx) => inTransaction(db, tx, (t) => addActor(db, t, input, now)),

    /** Every actor with its channels, by name. */
    async list(tx: Tx = db): Promise<ActorRow[]> {
      const rows = await tx.actor.findMany({ include: { channels: CHANNELS } });
      return rows.map(toRow).sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
    },

    find: (name: string, tx: Tx = db) => findActor(tx, name),

    async get(name: string, tx: Tx = db): Promise<ActorRow> {
      const actor = await findActor(tx, name);
      if (!actor) throw new NotFound(`no actor "${name}" (add it with: actors add)`);
      return actor;
    },

    /** Removes an actor and its channels (the accounts stay watched); alert rules naming it stop firing. */
    async remove(name: string, tx: Tx = db): Promise<ActorRow> {
      const actor = await this.get(name, tx);
      await tx.actor.delete({ where: { id: actor.id } });
      return actor;
    },

    /** Removes one channel of an actor (the account stays watched). */
    async removeChannel(name: string, channel: AccountRef, tx: Tx = db): Promise<ActorRow> {
      const actor = await this.get(name, tx);
      const account = await createAccountsRepository(db).findByHandle(channel.platform, channel.handle, tx);
      const ref = formatAccountRef(channel.platform, channel.handle);
      const removed = account
        ? await tx.actorChannel.deleteMany({ where: { actorId: actor.id, accountId: account.id } })
        : { count: 0 };
      if (removed.count === 0) throw new NotFound(`${ref} is not a channel of "${actor.name}"`);
      return (await findActor(tx, actor.name))!;
    },

    /** The names of the actors an account is a channel of. */
    async namesOfAccount(accountId: number, tx: Tx = db): Promise<string[]> {
      const rows = await tx.actorChannel.findMany({ where: { accountId }, include: { actor: true } });
      return rows.map((r) => r.actor.name).sort((a, b) => a.localeCompare(b));
    },

    /** The names as stored, in order; InvalidInput naming those no actor has. */
    async requireNames(names: readonly string[], tx: Tx = db): Promise<string[]> {
      const found = await Promise.all(names.map((n) => findActor(tx, n)));
      const missing = names.filter((_, i) => !found[i]);
      if (missing.length) {
        throw new InvalidInput(`no actor ${missing.map((n) => `"${n}"`).join(', ')} (add it with: actors add)`);
      }
      return found.map((a) => a!.name);
    },

    /**
     * Per actor name (as given; matched regardless of case): every
     * `platform:handle` its channels have or had, read now, so that a channel
     * added later counts.
     */
    async channelRefs(names: readonly string[], tx: Tx = db): Promise<Map<string, string[]>> {
      if (names.length === 0) return new Map();
      const rows = await tx.$queryRaw<{ name: string; ref: string }[]>`
        SELECT n.name, a.platform || ':' || h.handle AS ref
        FROM unnest(${[...names]}::text[]) AS n(name) JOIN actors ac ON lower(ac.name) = lower(n.name)
          JOIN actor_channels ch ON ch.actor_id = ac.id JOIN accounts a ON a.id = ch.account_id
          JOIN LATERAL (SELECT a.handle UNION SELECT handle FROM account_handles WHERE account_id = a.id) h ON TRUE`;
      const refs = new Map<string, string[]>();
      for (const r of rows) refs.set(r.name, [...(refs.get(r.name) ?? []), r.ref]);
      return refs;
    },
  };
}

async function addActor(db: Prisma, tx: Tx, input: AddActorInput, now: Date): Promise<AddActorResult> {
  // ON CONFLICT covers both unique indexes (the name, and the name regardless of case).
  const inserted = await tx.$executeRaw`
    INSERT INTO actors (name, created_at) VALUES (${input.name}, ${now}) ON CONFLICT DO NOTHING`;
  const actor = (await findActor(tx, input.name))!;
  const accounts = createAccountsRepository(db);
  const channelsAdded: string[] = [];
  const accountsWatched: string[] = [];
  for (const ref of input.channels) {
    const added = await accounts.add({ ...ref, pollIntervalMs: input.pollIntervalMs }, now, tx);
    const name = formatAccountRef(added.account.platform, added.account.handle);
    if (added.created || added.activated) accountsWatched.push(name);
    const linked = await tx.$executeRaw`
      INSERT INTO actor_channels (actor_id, account_id, created_at) VALUES (${actor.id}, ${added.account.id}, ${now})
      ON CONFLICT DO NOTHING`;
    if (linked === 1) channelsAdded.push(name);
  }
  const row = channelsAdded.length ? (await findActor(tx, input.name))! : actor;
  return { actor: row, created: inserted === 1, channelsAdded, accountsWatched };
}
