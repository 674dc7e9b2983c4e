// stats: what the archive holds, and how polling goes.
import type { Command } from 'commander';
import { createStatsRepository } from '../../adapters/db/stats-repository.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine } from '../output.js';

export function registerStats(program: Command, rt: CliRuntime): void {
  program
    .command('stats')
    .description('counts of accounts, posts, versions, captures, problems, articles and deliveries')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const stats = await createStatsRepository(ctx.db.prisma).archive();
        if (opts.json) return printJson(rt.io, stats);
        const { accountErrors, usageCapped, ...rest } = stats;
        const width = Math.max(...Object.keys(rest).map((k) => k.length));
        for (const [key, value] of Object.entries(rest)) printLine(rt.io, `${key.padEnd(width)}  ${value ?? '-'}`);
        const errors = Object.entries(accountErrors).map(([code, count]) => `${code} ${count}`);
        printLine(rt.io, `${'errors'.padEnd(width)}  ${errors.length ? errors.join(', ') : 'none'}`);
        if (usageCapped) printLine(rt.io, 'X polling is stopped: the usage cap was reached (see accounts list)');
      }),
    );
}
