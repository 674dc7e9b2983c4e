// X's filtered stream (GET /2/tweets/search/stream, app-only bearer) as a
// PostStream: rules built from the watched accounts (core/stream-rules.ts)
// and synced through /2/tweets/search/stream/rules, touching only rules
// tagged "onrecord"; the connection asks for the same fields and expansions
// as polls. The rule-length limit depends on the plan (512, 1,024 or 2,048
// characters): it is found once by dry runs (`dry_run=true` changes nothing).
import { SourceUnavailable } from '../../core/errors.js';
import { ONRECORD_RULE_TAG, planRuleSync, type StreamRule } from '../../core/stream-rules.js';
import type { Logger } from '../../logger.js';
import type { PostStream, StreamAccount, StreamCoverage, StreamProbe } from '../../ports/post-stream.js';
import { POST_QUERY } from './x-fields.js';
import { lineToItem } from './x-stream-items.js';
import type { XAnswer, XStreamClient } from './x-stream-client.js';

export const FILTERED_STREAM = 'x:filtered';
export const FILTERED_CAPTURE_SOURCE = 'x:stream';
const RULES = 'tweets/search/stream/rules';
/** The limits X has documented, longest first; the first a dry run accepts is the plan's. */
export const RULE_LENGTHS = [2048, 1024, 512] as const;

type Json = Record<string, unknown>;

/** A valid `from:` rule of exactly `length` characters (user IDs that need not exist: a dry run checks syntax and length). */
export function ruleOfLength(length: number): string {
  const terms = Math.max(1, Math.ceil((length + 4) / 28));
  let excess = 28 * terms - 4 - length;
  const digits = Array.from({ length: terms }, () => {
    const cut = Math.min(18, excess);
    excess -= cut;
    return 19 - cut;
  });
  return digits.map((k, i) => `from:${String(i + 1).padStart(k, '9')}`).join(' OR ');
}

function problemsOf(answer: XAnswer): Json[] {
  const errors = Array.isArray(answer.body.errors) ? (answer.body.errors as Json[]) : [];
  return errors.length ? errors : answer.status >= 400 ? [answer.body] : [];
}

function describe(problem: Json): string {
  const details = Array.isArray(problem.details) ? problem.details.join('; ') : '';
  return [problem.title, problem.detail, details].filter(Boolean).join(': ') || 'refused';
}

export function probeAnswer(answer: XAnswer): StreamProbe {
  if (answer.status < 300) return { allowed: true };
  const reason = `X answered ${answer.status} ${describe(problemsOf(answer)[0] ?? {})}`;
  return { allowed: false, reason, isDefinite: [401, 403, 404].includes(answer.status) };
}

export function createXFilteredStream(client: XStreamClient, logger: Logger, tag = ONRECORD_RULE_TAG): PostStream {
  const log = logger.child({ component: 'x-filtered-stream' });
  let ruleLength: number | undefined;

  async function findRuleLength(signal?: AbortSignal): Promise<number> {
    if (ruleLength) return ruleLength;
    for (const length of RULE_LENGTHS) {
      const answer = await client.request(
        'POST',
        RULES,
        { dry_run: 'true' },
        { add: [{ value: ruleOfLength(length), tag }] },
        signal,
      );
      if (answer.status < 300 && !problemsOf(answer).length) return (ruleLength = length);
    }
    return (ruleLength = RULE_LENGTHS.at(-1)!);
  }

  async function listRules(signal?: AbortSignal): Promise<StreamRule[]> {
    const rules: StreamRule[] = [];
    let token: string | undefined;
    do {
      const answer = await client.request(
        'GET',
        RULES,
        { max_results: '1000', ...(token ? { pagination_token: token } : {}) },
        undefined,
        signal,
      );
      if (answer.status >= 300) {
        throw new SourceUnavailable(
          `listing the stream rules failed: X answered ${answer.status} ${describe(problemsOf(answer)[0] ?? {})}`,
        );
      }
      for (const r of (answer.body.data as Json[] | undefined) ?? []) {
        rules.push({ id: String(r.id), value: String(r.value), ...(typeof r.tag === 'string' ? { tag: r.tag } : {}) });
      }
      token = (answer.body.meta as Json | undefined)?.next_token as string | undefined;
    } while (token);
    return rules;
  }

  /** Adds one rule; its users are covered, or not with X's reason. */
  async function addRule(
    value: string,
    signal?: AbortSignal,
  ): Promise<{ ok: boolean; reason?: string; isCapped?: boolean }> {
    const answer = await client.request('POST', RULES, {}, { add: [{ value, tag }] }, signal);
    const problems = problemsOf(answer);
    if (answer.status < 300 && !problems.length) return { ok: true };
    // The same value exists already (onrecord's own, from a sync cut short): it delivers all the same.
    if (problems.length && problems.every((p) => String(p.type ?? '').endsWith('/problems/duplicate-rules')))
      return { ok: true };
    const isCapped = problems.some(
      (p) => String(p.type ?? '').endsWith('/problems/rule-cap') || p.title === 'RulesCapExceeded',
    );
    return { ok: false, isCapped, reason: `${isCapped ? 'rule_cap' : 'rule_refused'}: ${describe(problems[0] ?? {})}` };
  }

  async function sync(accounts: StreamAccount[], signal?: AbortSignal): Promise<StreamCoverage> {
    const maxLength = await findRuleLength(signal);
    const existing = await listRules(signal);
    const plan = planRuleSync({ existing, wanted: accounts.map((a) => a.platformUserId), maxLength, tag });
    const refused = new Map(plan.uncovered.map((u) => [u.userId, u.reason]));
    let capped: string | undefined;
    for (const value of plan.add) {
      const outcome = capped ? { ok: false, reason: capped } : await addRule(value, signal);
      if (outcome.isCapped) capped = outcome.reason;
      if (!outcome.ok) for (const id of value.split(' OR ')) refused.set(id.slice('from:'.length), outcome.reason!);
    }
    // Deleted after the adds: an account moving between rules is never left without one.
    if (plan.delete.length) {
      const answer = await client.request('POST', RULES, {}, { delete: { ids: plan.delete } }, signal);
      if (answer.status >= 300)
        log.warn({ status: answer.status, ids: plan.delete }, 'old stream rules were not deleted');
    }
    log.info(
      { rules: plan.keep.length + plan.add.length, added: plan.add.length, deleted: plan.delete.length, maxLength },
      'stream rules synced',
    );
    return {
      covered: accounts.filter((a) => !refused.has(a.platformUserId)).map((a) => a.accountId),
      uncovered: accounts.flatMap((a) =>
        refused.has(a.platformUserId) ? [{ accountId: a.accountId, reason: refused.get(a.platformUserId)! }] : [],
      ),
    };
  }

  return {
    name: FILTERED_STREAM,
    async probe(signal) {
      return probeAnswer(await client.request('GET', RULES, { max_results: '1' }, undefined, signal));
    },
    sync,
    connect(handlers) {
      const requestUrl = `${client.baseUrl}/2/tweets/search/stream`;
      const connection = client.connect('tweets/search/stream', POST_QUERY, {
        onOpen: handlers.onOpen,
        onActivity: handlers.onActivity,
        onLine(line, receivedAt) {
          const outcome = lineToItem(line, FILTERED_CAPTURE_SOURCE, requestUrl, receivedAt);
          if (outcome.item) handlers.onItem(outcome.item);
          if (outcome.end) connection.close(outcome.end);
        },
      });
      return connection;
    },
  };
}
