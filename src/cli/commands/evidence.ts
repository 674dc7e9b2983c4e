// evidence <platform>:<id> --out FILE.zip: a self-contained, offline-checkable
// bundle of everything captured of one post.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parsePostRef } from '../../core/ids.js';
import { buildEvidenceBundle } from '../../jobs/evidence-bundle.js';
import { logKeyFromConfig } from '../../service/checkpoint-part.js';
import { mediaStoreFromConfig } from '../../service/media-part.js';
import type { CliRuntime } from '../runtime.js';
import { printLine } from '../output.js';

export function registerEvidence(program: Command, rt: CliRuntime): void {
  program
    .command('evidence <post>')
    .description(
      'write an evidence bundle (zip) of a post: captures, versions, media, observations, citing articles, proofs',
    )
    .requiredOption('--out <file>', 'the zip file to write')
    .action((ref: string, opts: { out: string }) =>
      rt.run({}, async (ctx) => {
        const { platform, id } = parsePostRef(ref);
        const media = mediaStoreFromConfig(ctx.config);
        const zip = await buildEvidenceBundle(
          {
            db: ctx.db.prisma,
            signer: logKeyFromConfig(ctx.config),
            origin: ctx.config.ONRECORD_LOG_ORIGIN,
            now: ctx.clock.now(),
            media,
          },
          platform,
          id,
        ).finally(() => media.close());
        writeFileSync(opts.out, zip);
        printLine(rt.io, `wrote ${opts.out} (${zip.length} bytes)`);
      }),
    );
}
