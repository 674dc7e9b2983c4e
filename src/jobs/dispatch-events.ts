// Turns undispatched events (the outbox) into deliveries: one per matching
// rule, or a member of the rule's current digest. A batch of events is read
// and matched against the rules outside any transaction (matching is CPU
// work: it must never hold locks or a connection), then locked (SKIP LOCKED,
// so dispatchers on other instances take other events), written and marked
// dispatched in one transaction: a crash before the commit leaves the events
// undispatched, and a repeated dispatch adds nothing because a delivery is
// unique per (rule, event). A rule removed or disabled in between gets
// nothing; a rule created in between is younger than the events (it would
// not fire on them). A rule's actors are read as their channels when the
// batch is matched, so a channel added to an actor after the rule counts.
import type { Prisma, Tx } from '../adapters/db/database.js';
import { createActorsRepository } from '../adapters/db/actors-repository.js';
import {
  createAlertsRepository,
  createDispatchQueries,
  type AlertRuleRecord,
  type EventRecord,
} from '../adapters/db/alerts-repository.js';
import { ruleFires, type MatchableEvent } from '../core/alert-match.js';
import type { Clock } from '../core/clock.js';
import { digestMemberKey, digestPeriod, nextDigestPeriod } from '../core/delivery-schedule.js';

export interface DispatchResult {
  /** Events matched against the rules. */
  events: number;
  /** Deliveries of single events created. */
  deliveries: number;
  /** Events gathered into digests. */
  digested: number;
}

const BATCH_SIZE = 200;
/** How many periods ahead a match may move while the current digests are being sent. */
const MAX_PERIOD_SKIPS = 48;

export async function dispatchEvents(prisma: Prisma, clock: Clock, batchSize = BATCH_SIZE): Promise<DispatchResult> {
  const total: DispatchResult = { events: 0, deliveries: 0, digested: 0 };
  for (;;) {
    const events = await createDispatchQueries(prisma).peekUndispatched(batchSize);
    if (events.length === 0) return total;
    const rules = await withActorAccounts(
      prisma,
      await createAlertsRepository(prisma).listRules({ enabledOnly: true }),
    );
    const matches = matchEvents(events, rules);
    const batch = await prisma.$transaction((tx) => writeBatch(prisma, tx, matches, clock.now()));
    total.events += batch.events;
    total.deliveries += batch.deliveries;
    total.digested += batch.digested;
    // Fewer than asked: the outbox is drained, or the rest is another dispatcher's.
    if (events.length < batchSize || batch.events < events.length) return total;
  }
}

type MatchingRule = AlertRuleRecord & { actorAccounts: string[] };

/** Each rule with the accounts (every handle they have had) of its actors' channels now. */
async function withActorAccounts(prisma: Prisma, rules: AlertRuleRecord[]): Promise<MatchingRule[]> {
  const names = [...new Set(rules.flatMap((r) => r.actors ?? []))];
  const refs = await createActorsRepository(prisma).channelRefs(names);
  return rules.map((r) => ({
    ...r,
    actorAccounts: (r.actors ?? []).flatMap((name) => refs.get(name) ?? []),
  }));
}

/** The rules each event fires (pure CPU work, done before any transaction). */
function matchEvents(events: EventRecord[], rules: MatchingRule[]): Map<number, AlertRuleRecord[]> {
  const matches = new Map<number, AlertRuleRecord[]>();
  for (const event of events) {
    const matchable = toMatchable(event);
    matches.set(event.id, matchable ? rules.filter((rule) => ruleFires(rule, matchable)) : []);
  }
  return matches;
}

async function writeBatch(
  prisma: Prisma,
  tx: Tx,
  matches: Map<number, AlertRuleRecord[]>,
  now: Date,
): Promise<DispatchResult> {
  const queries = createDispatchQueries(tx);
  const locked = await queries.lockUndispatchedIds([...matches.keys()]);
  const result: DispatchResult = { events: locked.length, deliveries: 0, digested: 0 };
  if (locked.length === 0) return result;
  const current = new Set((await createAlertsRepository(prisma).listRules({ enabledOnly: true }, tx)).map((r) => r.id));
  for (const eventId of locked) {
    for (const rule of matches.get(eventId) ?? []) {
      if (!current.has(rule.id)) continue;
      if (rule.digest === 'hourly' || rule.digest === 'daily') {
        if (await gatherIntoDigest(queries, rule, eventId, now)) result.digested += 1;
      } else if (await queries.addDelivery(rule.id, eventId, now)) {
        result.deliveries += 1;
      }
    }
  }
  await queries.markDispatched(locked, now);
  return result;
}

/**
 * Adds the event to the rule's digest for the current period; if that digest
 * has already been attempted (its period ended and a worker claimed it while
 * this transaction waited), to the next period's.
 */
async function gatherIntoDigest(
  queries: ReturnType<typeof createDispatchQueries>,
  rule: AlertRuleRecord,
  eventId: number,
  now: Date,
): Promise<boolean> {
  let period = digestPeriod(rule.digest as 'hourly' | 'daily', now);
  for (let skips = 0; skips < MAX_PERIOD_SKIPS; skips++) {
    if (await queries.openDigest(rule.id, period, now)) {
      return queries.addDigestMember(rule.id, eventId, digestMemberKey(period.key, eventId), now);
    }
    period = nextDigestPeriod(period);
  }
  throw new Error(`no open digest for rule ${rule.id} within ${MAX_PERIOD_SKIPS} periods`);
}

/** The fields of an event that rules look at; null for a payload without a post. */
function toMatchable(event: EventRecord): MatchableEvent | null {
  const post = (event.payload as { post?: { account?: unknown; text?: unknown } } | null)?.post;
  if (!post || typeof post.text !== 'string') return null;
  return {
    kind: event.kind,
    createdAt: event.createdAt,
    account: typeof post.account === 'string' ? post.account : null,
    text: post.text,
  };
}
