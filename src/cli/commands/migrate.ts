import type { Command } from 'commander';
import { migrate } from '../../adapters/db/migrate.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine } from '../output.js';

export function registerMigrate(program: Command, rt: CliRuntime): void {
  program
    .command('migrate')
    .description('apply pending database migrations (recorded as Prisma records them)')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({ migrate: false }, async (ctx) => {
        const result = await migrate(ctx.db);
        if (opts.json) return printJson(rt.io, result);
        printLine(rt.io, result.applied.length ? `applied: ${result.applied.join(', ')}` : 'nothing to apply');
        printLine(rt.io, `already applied: ${result.alreadyApplied.length}`);
      }),
    );
}
