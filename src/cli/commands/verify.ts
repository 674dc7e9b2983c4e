// verify: checks the evidence log against the stored rows and blobs and the
// signed checkpoints, naming anything edited, removed or reordered. Exits 1
// when anything does not verify.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkEvidenceZip } from '../../jobs/evidence-bundle.js';
import { verifyArchive, type VerifyReport } from '../../jobs/evidence-verify.js';
import { logKeyFromConfig } from '../../service/checkpoint-part.js';
import { mediaBlobCheck } from '../../jobs/evidence-media.js';
import { mediaStoreFromConfig } from '../../service/media-part.js';
import type { CliRuntime } from '../runtime.js';
import { ExitCode } from '../runtime.js';
import { printJson, printLine, type Io } from '../output.js';

export function registerVerify(program: Command, rt: CliRuntime): void {
  program
    .command('verify [bundle]')
    .description(
      'check every logged capture, snapshot, observation and media file, the tree and its checkpoints; ' +
        'or, given a bundle, check that evidence zip offline (no database needed)',
    )
    .option('--json', 'print the report as JSON')
    .action((bundle: string | undefined, opts: { json?: boolean }) =>
      bundle
        ? verifyBundleFile(rt, bundle, opts)
        : rt.run({}, async (ctx) => {
            const store = mediaStoreFromConfig(ctx.config);
            const report = await verifyArchive(ctx.db.prisma, {
              currentKey: logKeyFromConfig(ctx.config),
              checkBlob: mediaBlobCheck(store),
            }).finally(() => store.close());
            if (opts.json) printJson(rt.io, report);
            else printReport(rt.io, report);
            if (!report.ok) throw new ExitCode(1);
          }),
    );
}

function verifyBundleFile(rt: CliRuntime, path: string, opts: { json?: boolean }): void {
  const check = checkEvidenceZip(readFileSync(path));
  if (opts.json) {
    const { manifest, checkpoint, ...rest } = check;
    printJson(rt.io, { ...rest, post: manifest?.post ?? null, treeSize: checkpoint?.size ?? null });
  } else {
    for (const problem of check.problems) printLine(rt.io, `FAIL ${problem}`);
    if (check.ok) {
      const m = check.manifest!;
      printLine(
        rt.io,
        `OK: ${m.items.length} files of ${m.post.platform}:${m.post.platformId}, ${check.proven} proven in the log`,
      );
      printLine(rt.io, `signed by ${check.verifierKey}: compare it with the key the archive publishes`);
    }
  }
  if (!check.ok) throw new ExitCode(1);
}

function printReport(io: Io, report: VerifyReport): void {
  printLine(io, `${report.leaves} leaves, ${report.checkpoints} checkpoints, ${report.keys.length} signing key(s)`);
  if (report.latestSignedByCurrentKey === false)
    printLine(io, 'note: the latest checkpoint is signed by an earlier key');
  for (const p of report.problems) printLine(io, `FAIL ${p.code}: ${p.message}`);
  printLine(io, report.ok ? 'OK: everything verifies' : `${report.problems.length} problem(s)`);
}
