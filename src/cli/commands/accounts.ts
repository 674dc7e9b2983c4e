// accounts add | list | remove: the official accounts onrecord watches.
import type { Command } from 'commander';
import { createAccountsRepository, type Account } from '../../adapters/db/accounts-repository.js';
import { InvalidInput } from '../../core/errors.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { formatAccountRef, parseAccountRef } from '../../core/ids.js';
import { platformDescriptor } from '../../core/platforms.js';
import { activePause, type PlatformBlock } from '../../core/account-hold.js';
import { platformBlocks } from '../../config.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine, printTable } from '../output.js';

/** What holds an account back now: its platform's block, or a wait (rate limit) that has not ended. */
export interface HoldContext {
  now: Date;
  blocks: ReadonlyMap<string, PlatformBlock>;
}

/** The JSON shape of an account in `accounts list --json` and `accounts add --json`. */
export function accountJson(a: Account & { handles?: { handle: string }[] }, hold?: HoldContext) {
  const block = hold?.blocks.get(a.platform);
  const pause = hold ? activePause(a, hold.now) : null;
  return {
    id: a.id,
    account: formatAccountRef(a.platform, a.handle),
    platform: a.platform,
    handle: a.handle,
    platformUserId: a.platformUserId,
    displayName: a.displayName,
    status: a.status,
    statusDetail: a.statusDetail,
    every: formatDuration(a.pollIntervalMs),
    pollIntervalMs: a.pollIntervalMs,
    backfilledAt: a.backfilledAt?.toISOString() ?? null,
    lastPolledAt: a.lastPolledAt?.toISOString() ?? null,
    lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
    lastPostAt: a.lastPostAt?.toISOString() ?? null,
    /** Handles the account has been seen under, renames included (oldest first). */
    handles: a.handles?.map((h) => h.handle) ?? [a.handle],
    lastError: a.lastErrorCode
      ? { code: a.lastErrorCode, message: a.lastError, at: a.lastErrorAt?.toISOString() }
      : null,
    /** Set when nothing is polled for this account's platform until a human sets what is missing. */
    blocked: block ? { code: block.code, reason: block.reason, settings: block.settings } : null,
    /** Set while polling waits (a rate limit), with when it resumes. */
    pausedUntil: pause?.until.toISOString() ?? null,
    pause: pause ? { code: pause.code, reason: pause.reason, until: pause.until.toISOString() } : null,
  };
}

/** Why an account is not polled now, in a few words for the table; null when it is. */
function whyNotPolled(r: ReturnType<typeof accountJson>): string | null {
  if (r.blocked) return `${r.blocked.settings.join(', ')} not set (nothing is polled)`;
  if (r.pause) return `${r.pause.code} until ${r.pause.until}`;
  return r.lastError?.message ?? null;
}

function stateOf(r: ReturnType<typeof accountJson>): string {
  return r.blocked ? 'blocked' : r.pause ? 'paused' : r.status;
}

function intervalOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 60_000) {
    throw new InvalidInput(`--every must be a duration of at least 1m (like 5m, 1h), got "${text}"`);
  }
  return ms;
}

export function registerAccounts(program: Command, rt: CliRuntime): void {
  const accounts = program.command('accounts').description('the official accounts onrecord watches');

  accounts
    .command('add <account>')
    .description('watch an account, e.g. x:USFOR_A (polled by the service, or now with: poll --once)')
    .option('--every <duration>', "poll interval (default: the platform's, else ONRECORD_POLL_INTERVAL, 5m)")
    .option('--json', 'print the account as JSON')
    .action((ref: string, opts: { every?: string; json?: boolean }) => {
      // Arguments are checked before the database is opened: a typo is answered at once.
      const { platform, handle } = parseAccountRef(ref);
      const every = intervalOf(opts.every);
      return rt.run({}, async (ctx) => {
        const repo = createAccountsRepository(ctx.db.prisma);
        const pollIntervalMs =
          every ?? platformDescriptor(platform)?.defaultPollIntervalMs ?? ctx.config.ONRECORD_POLL_INTERVAL;
        const added = await repo.add({ platform, handle, pollIntervalMs }, ctx.clock.now());
        const { created, activated } = added;
        const account =
          !created && opts.every !== undefined
            ? await repo.setInterval(added.account.id, pollIntervalMs)
            : added.account;
        if (opts.json) return printJson(rt.io, { ...accountJson(account), created });
        const name = formatAccountRef(account.platform, account.handle);
        printLine(
          rt.io,
          `${created || activated ? 'watching' : 'already watching'} ${name} every ${formatDuration(account.pollIntervalMs)}`,
        );
      });
    });

  accounts
    .command('list')
    .description('list the watched accounts with their status and last poll')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const hold = { now: ctx.clock.now(), blocks: platformBlocks(ctx.config) };
        const rows = (await createAccountsRepository(ctx.db.prisma).list()).map((a) => accountJson(a, hold));
        if (opts.json) return printJson(rt.io, rows);
        if (rows.length === 0) return printLine(rt.io, 'no accounts (add one with: accounts add x:HANDLE)');
        printTable(
          rt.io,
          ['account', 'status', 'every', 'last poll', 'last post', 'problem'],
          rows.map((r) => [r.account, stateOf(r), r.every, r.lastPolledAt, r.lastPostAt, whyNotPolled(r)]),
        );
      }),
    );

  accounts
    .command('remove <account>')
    .description('stop watching an account (its archived posts are kept)')
    .option('--json', 'print the removed account as JSON')
    .action((ref: string, opts: { json?: boolean }) => {
      const { platform, handle } = parseAccountRef(ref);
      return rt.run({}, async (ctx) => {
        const removed = await createAccountsRepository(ctx.db.prisma).remove(platform, handle);
        if (opts.json) return printJson(rt.io, accountJson(removed));
        printLine(rt.io, `no longer watching ${formatAccountRef(removed.platform, removed.handle)}`);
      });
    });
}
