// `onrecord alerts add|list|remove|test|deliveries`: who is told what, and where.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { createAlertsRepository, type AlertRuleRecord } from '../../adapters/db/alerts-repository.js';
import { parseRuleInput, type RuleInput } from '../../core/alert-rule-input.js';
import { alertRuleView, maskTarget } from '../../core/alert-rule-view.js';
import { ConfigError, InvalidInput } from '../../core/errors.js';
import { parseRowId } from '../../core/ids.js';
import { sendTestAlert } from '../../jobs/test-alert.js';
import { printJson, printLine, printTable } from '../output.js';
import { ExitCode, type CliRuntime } from '../runtime.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseId(text: string): number {
  return parseRowId(text, 'a rule id');
}

export function registerAlerts(program: Command, rt: CliRuntime): void {
  const alerts = program
    .command('alerts')
    .description('alert rules: be told when officials post, edit, delete or are cited');
  registerAdd(alerts, rt);

  alerts
    .command('list')
    .description('list alert rules with their delivery counts and failures')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const repo = createAlertsRepository(ctx.db.prisma);
        const [rules, stats] = await Promise.all([repo.listRules(), repo.ruleStats()]);
        const views = rules.map((r) => alertRuleView(r, stats.get(r.id)));
        if (opts.json) return printJson(rt.io, views);
        if (views.length === 0) return printLine(rt.io, 'no alert rules (add one with `onrecord alerts add`)');
        printTable(
          rt.io,
          [
            'id',
            'channel',
            'target',
            'on',
            'accounts',
            'actors',
            'keywords',
            'digest',
            'delivered',
            'pending',
            'retrying',
            'dead',
            'last error',
          ],
          views.map((v) => [
            v.id,
            v.channel,
            v.target,
            v.events.join(','),
            v.accounts.join(',') || (v.actors.length ? '' : 'all'),
            v.actors.join(', '),
            [...v.keywords, ...(v.regex ? [`/${v.regex}/`] : [])].join(', ') || '-',
            v.digest,
            v.deliveries.delivered,
            v.deliveries.pending,
            v.deliveries.retrying,
            v.deliveries.dead,
            v.deliveries.lastError ?? '',
          ]),
          48,
        );
      }),
    );

  alerts
    .command('remove <id>')
    .description('remove an alert rule and its deliveries')
    .action((id: string) => {
      const ruleId = parseId(id);
      return rt.run({}, async (ctx) => {
        await createAlertsRepository(ctx.db.prisma).removeRule(ruleId);
        printLine(rt.io, `removed alert rule ${id}`);
      });
    });

  registerTest(alerts, rt);
  registerDeliveries(alerts, rt);
}

function registerAdd(alerts: Command, rt: CliRuntime): void {
  alerts
    .command('add')
    .description('add an alert rule (exactly one of --webhook, --slack, --discord, --email)')
    .option('--webhook <url>', 'a generic JSON webhook, signed with HMAC-SHA256')
    .option('--slack <url>', 'a Slack incoming-webhook URL')
    .option('--discord <url>', 'a Discord webhook URL')
    .option('--email <address>', 'an email address (needs SMTP_URL)')
    .option('--secret <secret>', 'webhook signing secret (default: a random one, printed once)')
    .option('--account <x:handle>', 'only this account (repeatable; default: all)', collect)
    .option(
      '--actor <name>',
      'only the channels of this actor, also those added later (repeatable; adds to --account)',
      collect,
    )
    .option('--keyword <word>', 'a word or phrase that must occur (repeatable; any one suffices)', collect)
    .option('--regex <pattern>', 'a regular expression the text must match (case-insensitive)')
    .option('--on <events>', 'events: new, edited, deleted, cited (comma-separated; default: new)')
    .option('--digest <period>', 'gather matches into one message per period: hourly or daily')
    .option('--json', 'print JSON')
    .action((opts: RuleInput & { json?: boolean }) => {
      const parsed = parseRuleInput(opts);
      return rt.run({}, async (ctx) => {
        if (parsed.channel === 'email' && !ctx.config.SMTP_URL) {
          throw new ConfigError('email alerts need SMTP_URL (e.g. smtp://user:pass@mail.example.org:587)');
        }
        const generated = parsed.channel === 'webhook' && parsed.secret === null;
        const secret = generated ? randomBytes(24).toString('hex') : parsed.secret;
        const actors = await createActorsRepository(ctx.db.prisma).requireNames(parsed.actors);
        const rule = await createAlertsRepository(ctx.db.prisma).addRule({ ...parsed, actors, secret });
        if (opts.json) return printJson(rt.io, { ...alertRuleView(rule), ...(generated ? { secret } : {}) });
        printLine(rt.io, `added alert rule ${rule.id}: ${describeRule(rule)}`);
        if (generated) printLine(rt.io, `signing secret (shown once): ${secret}`);
      });
    });
}

function describeRule(rule: AlertRuleRecord): string {
  const parts = [`${rule.channel} ${maskTarget(rule.target)}`, `on ${rule.events.join(',')}`];
  const actors = rule.actors ?? [];
  if (rule.accounts.length) parts.push(`accounts ${rule.accounts.join(', ')}`);
  if (actors.length) parts.push(`actors ${actors.map((a) => `"${a}"`).join(', ')}`);
  if (!rule.accounts.length && !actors.length) parts.push('all accounts');
  if (rule.keywords.length) parts.push(`keywords ${rule.keywords.map((k) => `"${k}"`).join(', ')}`);
  if (rule.regex) parts.push(`regex /${rule.regex}/`);
  if (rule.digest !== 'none') parts.push(`${rule.digest} digest`);
  return parts.join('; ');
}

function registerTest(alerts: Command, rt: CliRuntime): void {
  alerts
    .command('test <id>')
    .description("send a sample alert to the rule's receiver now and show its answer")
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const ruleId = parseId(id);
      return rt.run({}, async (ctx) => {
        const result = await sendTestAlert(ctx, ruleId);
        if (opts.json) printJson(rt.io, result);
        else if (result.status === 'accepted') {
          printLine(rt.io, `accepted (${result.statusCode ?? 'no status'}): ${result.detail.trim()}`.trimEnd());
        } else printLine(rt.io, `failed (${result.statusCode ?? 'no answer'}): ${result.error}`);
        if (result.status !== 'accepted') throw new ExitCode(1);
      });
    });
}

function registerDeliveries(alerts: Command, rt: CliRuntime): void {
  alerts
    .command('deliveries')
    .description('list recent deliveries (e.g. --status dead for those given up)')
    .option('--rule <id>', 'only this rule')
    .option('--status <status>', 'pending, sending, delivered, dead or digested')
    .option('--limit <n>', 'how many (default 50)', '50')
    .option('--json', 'print JSON')
    .action((opts: { rule?: string; status?: string; limit: string; json?: boolean }) => {
      const statuses = ['pending', 'sending', 'delivered', 'dead', 'digested'];
      if (opts.status && !statuses.includes(opts.status)) {
        throw new InvalidInput(`unknown status "${opts.status}" (known: ${statuses.join(', ')})`);
      }
      const query = {
        ruleId: opts.rule === undefined ? undefined : parseId(opts.rule),
        status: opts.status,
        limit: parseId(opts.limit),
      };
      return rt.run({}, async (ctx) => {
        const rows = await createAlertsRepository(ctx.db.prisma).listDeliveries(query);
        if (opts.json) return printJson(rt.io, rows);
        if (rows.length === 0) return printLine(rt.io, 'no deliveries');
        printTable(
          rt.io,
          ['id', 'rule', 'event', 'status', 'attempts', 'next attempt', 'code', 'last error'],
          rows.map((d) => [
            d.id,
            d.ruleId,
            d.eventId ?? d.digestKey,
            d.status,
            d.attempts,
            d.status === 'pending' ? d.nextAttemptAt.toISOString() : '',
            d.lastStatusCode,
            d.lastError,
          ]),
        );
      });
    });
}
