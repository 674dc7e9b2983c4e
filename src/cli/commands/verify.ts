// verify: checks the evidence log against the stored rows and blobs and the
// signed checkpoints, naming anything edited, removed or reordered. Exits 1
// when anything does not verify.
import type { Command } from 'commander';
import { verifyArchive, type VerifyReport } from '../../jobs/evidence-verify.js';
import { logKeyFromConfig } from '../../service/checkpoint-part.js';
import type { CliRuntime } from '../runtime.js';
import { ExitCode } from '../runtime.js';
import { printJson, printLine, type Io } from '../output.js';

export function registerVerify(program: Command, rt: CliRuntime): void {
  program
    .command('verify')
    .description('check every logged capture, snapshot, observation and media file, the tree and its checkpoints')
    .option('--json', 'print the report as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const report = await verifyArchive(ctx.db.prisma, { currentKey: logKeyFromConfig(ctx.config) });
        if (opts.json) printJson(rt.io, report);
        else printReport(rt.io, report);
        if (!report.ok) throw new ExitCode(1);
      }),
    );
}

function printReport(io: Io, report: VerifyReport): void {
  printLine(io, `${report.leaves} leaves, ${report.checkpoints} checkpoints, ${report.keys.length} signing key(s)`);
  if (report.latestSignedByCurrentKey === false)
    printLine(io, 'note: the latest checkpoint is signed by an earlier key');
  for (const p of report.problems) printLine(io, `FAIL ${p.code}: ${p.message}`);
  printLine(io, report.ok ? 'OK: everything verifies' : `${report.problems.length} problem(s)`);
}
