// Alert rules and their deliveries.
//
// A delivery is one message to one rule's receiver, in one of these states:
//   pending    due at next_attempt_at (a new one, or one waiting to retry)
//   sending    claimed by a worker (lease_owner) until leased_until; a worker
//              that dies leaves it to be claimed again once the lease expires
//   delivered  the receiver accepted it (2xx, or SMTP accepted the mail)
//   dead       still failing DELIVERY_GIVE_UP_MS after it fell due
//   digested   a member row: one event gathered into a digest delivery
//
// Digests (rules with digest hourly|daily): the digest itself is a delivery
// with digest_key = the period (`hourly:2026-03-04T15`) and no event, due at the
// period's end. Each event it gathers is a member row with status `digested`,
// its event_id, and digest_key = `<period key>#<event id>`. A digest takes
// members only while it is pending and has never been attempted: dispatch
// locks the digest row while it adds a member, and claiming skips locked rows,
// so the members of a digest are fixed from its first attempt on and every
// retry sends the same events under the same delivery id.
import { InvalidInput, NotFound } from '../../core/errors.js';
import type { RuleDeliveryCounts, RuleLike } from '../../core/alert-rule-view.js';
import type { AlertChannel } from '../../ports/alert-sink.js';
import type { Prisma, Tx } from './database.js';

/** A stored rule: the core's rule shape, with its channel typed by the alert port. */
export type AlertRuleRecord = Omit<RuleLike, 'channel'> & { channel: AlertChannel };

export type NewAlertRule = Omit<AlertRuleRecord, 'id' | 'createdAt' | 'enabled'>;

/** Delivery counts of one rule, as the rule view shows them. */
export type RuleDeliveryStats = RuleDeliveryCounts;

interface DeliveryBase {
  id: string;
  ruleId: number;
  eventId: number | null;
  digestKey: string | null;
  /** Attempts so far (for a claimed delivery, including the one just claimed). */
  attempts: number;
  createdAt: Date;
}

/** A delivery claimed for sending, with what sending it needs. */
export interface ClaimedDelivery extends DeliveryBase {
  rule: { channel: AlertChannel; target: string; secret: string | null };
  /** The event of a single-event delivery; null for a digest (see eventsOf). */
  event: EventRecord | null;
}

export interface DeliveryRecord extends DeliveryBase {
  status: string;
  nextAttemptAt: Date;
  leaseOwner: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

export interface EventRecord {
  id: number;
  kind: string;
  createdAt: Date;
  payload: unknown;
}

const ruleSelect = {
  id: true,
  channel: true,
  target: true,
  secret: true,
  accounts: true,
  actors: true,
  keywords: true,
  regex: true,
  events: true,
  digest: true,
  enabled: true,
  createdAt: true,
} as const;

export function createAlertsRepository(db: Prisma) {
  return {
    async addRule(rule: NewAlertRule, tx: Tx = db): Promise<AlertRuleRecord> {
      return (await tx.alertRule.create({ data: rule, select: ruleSelect })) as AlertRuleRecord;
    },

    async listRules(options: { enabledOnly?: boolean } = {}, tx: Tx = db): Promise<AlertRuleRecord[]> {
      const where = options.enabledOnly ? { enabled: true } : {};
      return (await tx.alertRule.findMany({ where, orderBy: { id: 'asc' }, select: ruleSelect })) as AlertRuleRecord[];
    },

    async getRule(id: number, tx: Tx = db): Promise<AlertRuleRecord> {
      const rule = await tx.alertRule.findUnique({ where: { id }, select: ruleSelect });
      if (!rule) throw new NotFound(`no alert rule ${id}`);
      return rule as AlertRuleRecord;
    },

    /** Removes a rule and its deliveries. */
    async removeRule(id: number, tx: Tx = db): Promise<void> {
      const { count } = await tx.alertRule.deleteMany({ where: { id } });
      if (count === 0) throw new NotFound(`no alert rule ${id}`);
    },

    async ruleStats(tx: Tx = db): Promise<Map<number, RuleDeliveryStats>> {
      const rows = await tx.$queryRaw<(Omit<RuleDeliveryStats, 'lastError'> & { ruleId: number })[]>`
        SELECT rule_id AS "ruleId",
          count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS pending,
          count(*) FILTER (WHERE status IN ('pending', 'sending') AND last_error IS NOT NULL)::int AS retrying,
          count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
          count(*) FILTER (WHERE status = 'dead')::int AS dead,
          count(*) FILTER (WHERE status = 'digested')::int AS digested
        FROM deliveries GROUP BY rule_id`;
      const errors = await tx.$queryRaw<{ ruleId: number; lastError: string }[]>`
        SELECT DISTINCT ON (rule_id) rule_id AS "ruleId", last_error AS "lastError"
        FROM deliveries WHERE last_error IS NOT NULL AND status <> 'delivered'
        ORDER BY rule_id, created_at DESC`;
      const byRule = new Map(errors.map((e) => [e.ruleId, e.lastError]));
      return new Map(
        rows.map(({ ruleId, ...counts }) => [ruleId, { ...counts, lastError: byRule.get(ruleId) ?? null }]),
      );
    },

    async listDeliveries(
      filter: { ruleId?: number; status?: string; limit?: number } = {},
      tx: Tx = db,
    ): Promise<DeliveryRecord[]> {
      const rows = await tx.delivery.findMany({
        where: { ruleId: filter.ruleId, status: filter.status },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: filter.limit ?? 100,
      });
      return rows.map((r) => ({
        id: r.id,
        ruleId: r.ruleId,
        eventId: r.eventId,
        digestKey: r.digestKey,
        attempts: r.attempts,
        createdAt: r.createdAt,
        status: r.status,
        nextAttemptAt: r.nextAttemptAt,
        leaseOwner: r.leaseOwner,
        lastStatusCode: r.lastStatusCode,
        lastError: r.lastError,
        deliveredAt: r.deliveredAt,
      }));
    },

    ...createDeliveryQueue(db),
  };
}

/** What dispatch writes, inside its transaction `tx`. */
export function createDispatchQueries(tx: Tx) {
  return {
    /** Locks up to `limit` undispatched events, oldest first; other dispatchers skip them. */
    /** The oldest undispatched events, without locking them (to match them outside any transaction). */
    async peekUndispatched(limit: number): Promise<EventRecord[]> {
      return tx.$queryRaw<EventRecord[]>`
        SELECT id, kind, created_at AS "createdAt", payload FROM events
        WHERE dispatched_at IS NULL ORDER BY id LIMIT ${limit}`;
    },

    /** Locks those of the given events still undispatched; events locked by another dispatcher are skipped. */
    async lockUndispatchedIds(ids: number[]): Promise<number[]> {
      const rows = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM events WHERE id = ANY(${ids}::int[]) AND dispatched_at IS NULL
        ORDER BY id FOR UPDATE SKIP LOCKED`;
      return rows.map((r) => r.id);
    },

    async markDispatched(eventIds: number[], now: Date): Promise<void> {
      await tx.event.updateMany({ where: { id: { in: eventIds } }, data: { dispatchedAt: now } });
    },

    /** One delivery per (rule, event): a repeated dispatch adds nothing. Returns whether it was new. */
    async addDelivery(ruleId: number, eventId: number, now: Date): Promise<boolean> {
      const n = await tx.$executeRaw`
        INSERT INTO deliveries (id, rule_id, event_id, status, next_attempt_at, created_at)
        VALUES (gen_random_uuid(), ${ruleId}, ${eventId}, 'pending', ${now}, ${now})
        ON CONFLICT DO NOTHING`;
      return n === 1;
    },

    /**
     * Finds or creates the digest delivery of a period and locks it until the
     * transaction ends. Returns whether it still takes members (pending, never attempted).
     */
    async openDigest(ruleId: number, period: { key: string; end: Date }, now: Date): Promise<boolean> {
      const [row] = await tx.$queryRaw<{ status: string; attempts: number }[]>`
        INSERT INTO deliveries (id, rule_id, digest_key, status, next_attempt_at, created_at)
        VALUES (gen_random_uuid(), ${ruleId}, ${period.key}, 'pending', ${period.end}, ${now})
        ON CONFLICT (rule_id, digest_key) DO UPDATE SET digest_key = EXCLUDED.digest_key
        RETURNING status, attempts`;
      return row !== undefined && row.status === 'pending' && row.attempts === 0;
    },

    async addDigestMember(ruleId: number, eventId: number, memberKey: string, now: Date): Promise<boolean> {
      const n = await tx.$executeRaw`
        INSERT INTO deliveries (id, rule_id, event_id, digest_key, status, next_attempt_at, created_at)
        VALUES (gen_random_uuid(), ${ruleId}, ${eventId}, ${memberKey}, 'digested', ${now}, ${now})
        ON CONFLICT DO NOTHING`;
      return n === 1;
    },
  };
}

export type AlertsRepository = ReturnType<typeof createAlertsRepository>;

interface ClaimRow extends DeliveryBase {
  channel: AlertChannel;
  target: string;
  secret: string | null;
  eventKind: string | null;
  eventCreatedAt: Date | null;
  eventPayload: unknown;
}

function toClaimed(row: ClaimRow): ClaimedDelivery {
  const { channel, target, secret, eventKind, eventCreatedAt, eventPayload, ...base } = row;
  const event =
    row.eventId !== null && eventKind !== null && eventCreatedAt !== null
      ? { id: row.eventId, kind: eventKind, createdAt: eventCreatedAt, payload: eventPayload }
      : null;
  return { ...base, rule: { channel, target, secret }, event };
}

/** Claiming and settling deliveries: what the worker does. */
function createDeliveryQueue(db: Tx) {
  return {
    /**
     * Claims up to `limit` due deliveries for `owner` until `leaseUntil`:
     * pending ones whose time has come, and sending ones whose lease expired
     * (their worker died). SKIP LOCKED: two workers never claim the same row.
     * At most `room[rule]` (default `perRule`) of one rule are taken, so that
     * one slow receiver cannot fill every slot of a worker.
     */
    async claimDue(claim: {
      now: Date;
      owner: string;
      leaseUntil: Date;
      limit: number;
      perRule: number;
      /** Rules with sends already in flight, and how many more of each may be taken. */
      room?: Map<number, number>;
      /** Only deliveries due by then (default: now). */
      dueBy?: Date;
    }): Promise<ClaimedDelivery[]> {
      const room = claim.room ?? new Map<number, number>();
      const rows = await db.$queryRaw<ClaimRow[]>`
        WITH room AS (
          SELECT * FROM unnest(${[...room.keys()]}::int[], ${[...room.values()]}::int[]) AS r(rule_id, room)
        ), ranked AS (
          SELECT d.id, coalesce(room.room, ${claim.perRule}) AS room,
            row_number() OVER (PARTITION BY d.rule_id ORDER BY d.next_attempt_at, d.id) AS rank
          FROM deliveries d LEFT JOIN room USING (rule_id)
          WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= ${claim.dueBy ?? claim.now}
            AND (d.leased_until IS NULL OR d.leased_until <= ${claim.now})
        ), due AS (
          -- The conditions are repeated on d: when a row was claimed and committed by
          -- another worker after this statement's snapshot, FOR UPDATE re-checks only
          -- d's own conditions against the row's latest version (ranked is stale).
          SELECT d.id FROM deliveries d JOIN ranked USING (id)
          WHERE ranked.rank <= ranked.room
            AND d.status IN ('pending', 'sending') AND d.next_attempt_at <= ${claim.dueBy ?? claim.now}
            AND (d.leased_until IS NULL OR d.leased_until <= ${claim.now})
          ORDER BY d.next_attempt_at, d.id
          LIMIT ${claim.limit}
          FOR UPDATE OF d SKIP LOCKED
        ), claimed AS (
          UPDATE deliveries d
          SET status = 'sending', attempts = d.attempts + 1, leased_until = ${claim.leaseUntil}, lease_owner = ${claim.owner}
          FROM due WHERE d.id = due.id
          RETURNING d.id, d.rule_id, d.event_id, d.digest_key, d.attempts, d.created_at
        )
        SELECT c.id::text AS id, c.rule_id AS "ruleId", c.event_id AS "eventId", c.digest_key AS "digestKey",
          c.attempts, c.created_at AS "createdAt", r.channel, r.target, r.secret,
          e.kind AS "eventKind", e.created_at AS "eventCreatedAt", e.payload AS "eventPayload"
        FROM claimed c JOIN alert_rules r ON r.id = c.rule_id LEFT JOIN events e ON e.id = c.event_id
        ORDER BY c.id`;
      return rows.map(toClaimed);
    },

    /** Settles a claimed delivery as accepted; false when the lease was lost meanwhile. */
    async markDelivered(d: { id: string; owner: string; now: Date; statusCode: number | null }): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE deliveries SET status = 'delivered', delivered_at = ${d.now}, last_status_code = ${d.statusCode},
          last_error = NULL, leased_until = NULL
        WHERE id = ${d.id}::uuid AND status = 'sending' AND lease_owner = ${d.owner}`;
      return n === 1;
    },

    /** Puts a claimed delivery back to wait for `retryAt`. */
    async markFailed(d: {
      id: string;
      owner: string;
      retryAt: Date;
      statusCode: number | null;
      error: string;
    }): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE deliveries SET status = 'pending', next_attempt_at = ${d.retryAt}, last_status_code = ${d.statusCode},
          last_error = ${d.error.slice(0, 1000)}, leased_until = NULL
        WHERE id = ${d.id}::uuid AND status = 'sending' AND lease_owner = ${d.owner}`;
      return n === 1;
    },

    async markDead(d: { id: string; owner: string; statusCode: number | null; error: string }): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE deliveries SET status = 'dead', last_status_code = ${d.statusCode},
          last_error = ${d.error.slice(0, 1000)}, leased_until = NULL
        WHERE id = ${d.id}::uuid AND status = 'sending' AND lease_owner = ${d.owner}`;
      return n === 1;
    },

    /** The events a claimed delivery sends: its own, or a digest's members, oldest first. */
    async eventsOf(d: Pick<ClaimedDelivery, 'ruleId' | 'eventId' | 'digestKey'>): Promise<EventRecord[]> {
      if (d.eventId !== null) {
        return db.$queryRaw<EventRecord[]>`
          SELECT id, kind, created_at AS "createdAt", payload FROM events WHERE id = ${d.eventId}`;
      }
      if (d.digestKey === null) throw new InvalidInput('a delivery without an event or a digest key');
      return db.$queryRaw<EventRecord[]>`
        SELECT e.id, e.kind, e.created_at AS "createdAt", e.payload
        FROM deliveries m JOIN events e ON e.id = m.event_id
        WHERE m.rule_id = ${d.ruleId} AND m.status = 'digested' AND starts_with(m.digest_key, ${`${d.digestKey}#`})
        ORDER BY e.id`;
    },
  };
}
