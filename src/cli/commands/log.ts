// log checkpoint | log key: the evidence log's signed checkpoints and the
// public key that checks them.
import type { Command } from 'commander';
import { configFromEnv } from '../../context.js';
import { formatVerifierKey } from '../../core/signed-note.js';
import { logKeyFromConfig } from '../../service/checkpoint-part.js';
import { createLogTree, signCheckpoint } from '../../jobs/evidence-log.js';
import type { CliRuntime } from '../runtime.js';
import { printJson } from '../output.js';

export function registerLog(program: Command, rt: CliRuntime): void {
  const log = program.command('log').description('the tamper-evident log of everything captured');
  log
    .command('checkpoint')
    .description('sign a checkpoint of the log now and print it (a C2SP signed note)')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const signer = logKeyFromConfig(ctx.config);
        const tree = createLogTree(ctx.db.prisma);
        const { checkpoint, created } = await signCheckpoint(tree, signer, ctx.config.ONRECORD_LOG_ORIGIN);
        if (!opts.json) return void rt.io.stdout.write(checkpoint.note);
        printJson(rt.io, {
          size: checkpoint.size,
          rootHash: checkpoint.rootHash.toString('base64'),
          created,
          verifierKey: checkpoint.verifierKey,
          note: checkpoint.note,
        });
      }),
    );
  log
    .command('key')
    .description("print the log's public key (signed-note verifier key), creating the key on first use")
    .action(() => {
      const signer = logKeyFromConfig(configFromEnv(rt.env));
      rt.io.stdout.write(`${formatVerifierKey(signer)}\n`);
    });
}
