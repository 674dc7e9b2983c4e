// `onrecord export --format jsonl|csv [query] [filters] [--out FILE]`: every
// matching post, newest first, streamed; a progress bar when stderr is a terminal.
// A post that cannot be rendered is named on stderr and left out; the rest is exported.
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { createSearchRepository } from '../../adapters/db/search-repository.js';
import { InvalidInput } from '../../core/errors.js';
import { CLI_FLAGS, parseFilters } from '../../core/search-query.js';
import { EXPORT_FORMATS, exportPosts, type ExportFormat } from '../../jobs/export-posts.js';
import type { CliRuntime } from '../runtime.js';
import { addFilterOptions, type FilterOptions } from './search.js';
import { exportWarcFile } from './export-warc.js';

const FORMATS = [...EXPORT_FORMATS, 'warc'];

export function registerExport(program: Command, rt: CliRuntime): void {
  addFilterOptions(
    program
      .command('export')
      .description('write every matching post as JSON Lines (with raw payloads) or CSV, or its captures as WARC')
      .argument('[query]', 'words in web-search syntax (default: every post)'),
  )
    .requiredOption('--format <format>', `output format: ${FORMATS.join(', ')}`)
    .option('--out <file>', 'write to this file instead of stdout')
    .action((query: string | undefined, opts: FilterOptions & { format: string; out?: string }) => {
      if (!FORMATS.includes(opts.format)) {
        throw new InvalidInput(`--format must be ${FORMATS.join(', ')}, got "${opts.format}"`);
      }
      const filters = parseFilters({ ...opts, q: query }, CLI_FLAGS);
      return rt.run({}, async (ctx) => {
        if (opts.format === 'warc') return exportWarcFile(rt, ctx, filters, opts.out);
        const out = opts.out ? createWriteStream(opts.out) : rt.io.stdout;
        const stderr = rt.io.stderr as NodeJS.WriteStream;
        let bar: SingleBar | undefined;
        if (stderr.isTTY) {
          bar = new SingleBar({ stream: stderr, format: 'export {bar} {value}/{total} posts' }, Presets.shades_classic);
          bar.start(await createSearchRepository(ctx.db.prisma).count(filters), 0);
        }
        try {
          const { written, skipped } = await exportPosts({
            db: ctx.db.prisma,
            filters,
            format: opts.format as ExportFormat,
            out,
            onProgress: (n) => bar?.update(n),
            onSkip: (s) => rt.io.stderr.write(`skipped ${s.post}: it cannot be rendered (${s.reason})\n`),
          });
          const where = opts.out ? ` to ${opts.out}` : '';
          if (opts.out || skipped.length) {
            const left = skipped.length ? `; ${skipped.length} left out, named above` : '';
            rt.io.stderr.write(`exported ${written} posts${where}${left}\n`);
          }
        } finally {
          bar?.stop();
        }
      });
    });
}
