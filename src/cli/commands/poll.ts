// poll --once: polls the watched accounts now, prints a summary, and exits
// non-zero if any poll failed. The service polls on schedule instead.
import type { Command } from 'commander';
import { createAccountsRepository, type Account } from '../../adapters/db/accounts-repository.js';
import { InvalidInput } from '../../core/errors.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import type { Context } from '../../context.js';
import { pollAccount, type PollDeps, type PollSummary } from '../../jobs/poll-account.js';
import { withAccountLease } from '../../jobs/account-lease.js';
import { pollDepsFromContext, xSourceFromConfig } from '../../service/poller-part.js';
import { ExitCode, type CliRuntime } from '../runtime.js';
import { printJson, printLine, printTable } from '../output.js';
import { deliverDueAlerts } from '../../jobs/deliver-alerts.js';

interface PollOpts {
  once?: boolean;
  account: string[];
  json?: boolean;
  recheck?: boolean;
  refreshUser?: boolean;
}

async function selectAccounts(ctx: Context, refs: string[]): Promise<Account[]> {
  const repo = createAccountsRepository(ctx.db.prisma);
  if (refs.length === 0) return (await repo.list()).filter((a) => a.status !== 'paused');
  const accounts: Account[] = [];
  for (const ref of refs) {
    const { platform, handle } = parseAccountRef(ref);
    accounts.push(await repo.get(platform, handle));
  }
  return accounts;
}

/** One poll under the account's lease, so that a running service never polls it at the same time. */
async function pollLeased(ctx: Context, deps: PollDeps, account: Account, opts: PollOpts): Promise<PollSummary> {
  const lease = { ...deps, owner: `${ctx.config.instanceId}:cli`, ttlMs: ctx.config.ONRECORD_LEASE_TTL };
  const result = await withAccountLease(lease, account.id, () =>
    pollAccount(deps, account.id, { trigger: 'cli', recheck: opts.recheck, refreshUser: opts.refreshUser }),
  );
  if (result.leased) return result.value;
  return skipped(account, 'leased', 'another onrecord instance is polling this account now');
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
    .option('--json', 'print the summary as JSON')
    .action((opts: PollOpts) => {
      if (!opts.once) throw new InvalidInput('use poll --once (the service, onrecord start, polls on schedule)');
      for (const ref of opts.account) parseAccountRef(ref);
      return rt.run({}, async (ctx) => {
        const source = xSourceFromConfig(ctx.config, ctx.logger);
        const polls: PollSummary[] = [];
        try {
          const deps = await pollDepsFromContext(ctx, source);
          for (const account of await selectAccounts(ctx, opts.account)) {
            polls.push(await pollLeased(ctx, deps, account, opts));
          }
        } finally {
          source.close();
        }
        // Alerts: deliver what these polls raised, and the retries due now, before exiting.
        const alerts = await deliverDueAlerts(ctx);
        const failed = polls.filter((p) => p.outcome === 'failed');
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
