// poll --once: polls the watched accounts now, prints a summary, and exits
// non-zero if any poll failed or an account could not be polled (another live
// process held it for longer than --wait). The service polls on schedule instead.
import type { Command } from 'commander';
import { createAccountsRepository, isUnpolled, type Account } from '../../adapters/db/accounts-repository.js';
import type { AccountLocks } from '../../adapters/db/account-locks.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { ConfigError, InvalidInput } from '../../core/errors.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import type { Context } from '../../context.js';
import { pollAccount, type PollDeps, type PollSummary } from '../../jobs/poll-account.js';
import { withAccountLease } from '../../jobs/account-lease.js';
import { pollDepsFromContext } from '../../service/poller-part.js';
import { openSources, type ConfiguredSources } from '../../service/sources.js';
import { ExitCode, type CliRuntime } from '../runtime.js';
import { printJson, printLine, printTable } from '../output.js';
import { deliverDueAlerts } from '../../jobs/deliver-alerts.js';

interface PollOpts {
  once?: boolean;
  account: string[];
  json?: boolean;
  recheck?: boolean;
  refreshUser?: boolean;
  wait: string;
}

/** How long poll --once waits for another live poller of an account by default. */
export const DEFAULT_POLL_WAIT = '60s';

async function selectAccounts(ctx: Context, refs: string[]): Promise<Account[]> {
  const repo = createAccountsRepository(ctx.db.prisma);
  if (refs.length === 0) return (await repo.list()).filter((a) => !isUnpolled(a.status));
  const accounts: Account[] = [];
  for (const ref of refs) {
    const { platform, handle } = parseAccountRef(ref);
    accounts.push(await repo.get(platform, handle));
  }
  return accounts;
}

/** One poll holding the account, so that a running service never polls it at the same time. */
async function pollHeld(
  deps: PollDeps,
  locks: AccountLocks,
  account: Account,
  opts: PollOpts & { waitMs: number },
): Promise<PollSummary> {
  const ref = formatAccountRef(account.platform, account.handle);
  const onWait = (holder: string) =>
    deps.logger.warn(
      { account: ref, holder },
      `${holder} is polling ${ref}: waiting up to ${formatDuration(opts.waitMs)}`,
    );
  const lease = { locks, clock: deps.clock, waitMs: opts.waitMs, onWait };
  const result = await withAccountLease(lease, account.id, () =>
    pollAccount(deps, account.id, { trigger: 'cli', recheck: opts.recheck, refreshUser: opts.refreshUser }),
  );
  if (result.leased) return result.value;
  const waited = opts.waitMs > 0 ? `; waited ${formatDuration(opts.waitMs)}` : '';
  return skipped(account, 'leased', `${result.holder} is polling this account now${waited}`);
}

function waitOf(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new InvalidInput(`--wait must be a duration (like 30s, 2m, 0), got "${text}"`);
  return ms;
}

function skipped(account: Account, code: string, message: string): PollSummary {
  return {
    account: formatAccountRef(account.platform, account.handle),
    accountId: account.id,
    runId: null,
    outcome: 'skipped',
    requests: 0,
    pages: 0,
    postsNew: 0,
    versionsNew: 0,
    problems: 0,
    deleted: 0,
    cursor: null,
    error: { code, message },
    resumeAt: null,
  };
}

/**
 * A platform whose settings are missing holds up no other: its accounts are
 * skipped with its block. When no selected account can be polled at all, the
 * first block is the command's error (one line, exit 1).
 */
function throwIfNothingPollable(sources: ConfiguredSources, accounts: Account[]) {
  const platforms = accounts.length ? accounts.map((a) => a.platform) : [...sources.blocks.keys()];
  const blocked = platforms.map((p) => sources.blocks.get(p)).filter((b) => b !== undefined);
  if (blocked.length === platforms.length && blocked.length > 0) throw new ConfigError(blocked[0]!.reason);
}

function printSummary(rt: CliRuntime, polls: PollSummary[]) {
  printTable(
    rt.io,
    ['account', 'outcome', 'requests', 'new posts', 'new versions', 'problems', 'error'],
    polls.map((p) => [p.account, p.outcome, p.requests, p.postsNew, p.versionsNew, p.problems, p.error?.message]),
    80,
  );
}

export function registerPoll(program: Command, rt: CliRuntime): void {
  program
    .command('poll')
    .description('poll watched accounts now (the service polls them on schedule)')
    .option('--once', 'poll each account once, then exit')
    .option(
      '--account <account>',
      'only this account, e.g. x:USFOR_A (repeatable)',
      (v, all: string[]) => [...all, v],
      [],
    )
    .option('--recheck', 'also look recent posts up again to notice deletions')
    .option('--refresh-user', "look the account's user up by id (renames) before polling")
    .option('--wait <duration>', 'how long to wait for another live poller of an account', DEFAULT_POLL_WAIT)
    .option('--json', 'print the summary as JSON')
    .action((opts: PollOpts) => {
      if (!opts.once) throw new InvalidInput('use poll --once (the service, onrecord start, polls on schedule)');
      for (const ref of opts.account) parseAccountRef(ref);
      const waitMs = waitOf(opts.wait);
      return rt.run({}, async (ctx) => {
        const accounts = await selectAccounts(ctx, opts.account);
        const sources = await openSources(ctx);
        const polls: PollSummary[] = [];
        try {
          throwIfNothingPollable(sources, accounts);
          const locks = ctx.db.accountLocks(`${ctx.config.instanceId}:cli`);
          try {
            const deps = pollDepsFromContext(ctx, sources);
            for (const account of accounts) polls.push(await pollHeld(deps, locks, account, { ...opts, waitMs }));
          } finally {
            await locks.close();
          }
        } finally {
          sources.close();
        }
        // Alerts: deliver what these polls raised, and the retries due now, before exiting.
        const alerts = await deliverDueAlerts(ctx);
        const failed = polls.filter((p) => p.outcome === 'failed' || p.outcome === 'skipped');
        if (opts.json) printJson(rt.io, { ok: failed.length === 0, polls, alerts });
        else printSummary(rt, polls);
        if (!opts.json && alerts.dispatched + alerts.delivered + alerts.failed + alerts.dead > 0) {
          const { delivered, failed: retrying, dead } = alerts;
          printLine(rt.io, `alerts: ${delivered} delivered, ${retrying} failed (retried later), ${dead} dead`);
        }
        if (failed.length > 0) throw new ExitCode(1);
      });
    });
}
