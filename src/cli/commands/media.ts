// media fetch --once: downloads every media file due now (the service's
// `media` part does it continuously). media list: the files and their state.
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.js';
import { MEDIA_STATUSES, type MediaStatus } from '../../core/media-capture.js';
import { createMediaReads } from '../../adapters/db/media-repository.js';
import { fetchDueMedia } from '../../jobs/fetch-media.js';
import { mediaDepsFromContext, mediaStoreFromConfig } from '../../service/media-part.js';
import type { CliRuntime } from '../runtime.js';
import { ExitCode } from '../runtime.js';
import { printJson, printLine, printTable } from '../output.js';

export function registerMedia(program: Command, rt: CliRuntime): void {
  const media = program.command('media').description('photos, videos, GIFs and previews of archived posts');
  media
    .command('fetch')
    .description('download the media files that are due (exits non-zero if any failed for good)')
    .option('--once', 'download what is due now, then exit')
    .option('--json', 'print the outcome counts as JSON')
    .action((opts: { once?: boolean; json?: boolean }) => {
      if (!opts.once)
        throw new InvalidInput('media fetch runs with --once; the service (onrecord start) downloads continuously');
      return rt.run({}, async (ctx) => {
        const store = mediaStoreFromConfig(ctx.config);
        try {
          const summary = await fetchDueMedia(mediaDepsFromContext(ctx, store));
          if (opts.json) printJson(rt.io, summary);
          else
            printLine(
              rt.io,
              Object.entries(summary)
                .map(([k, v]) => `${k} ${v}`)
                .join(', '),
            );
          if (summary.failed > 0) throw new ExitCode(1);
        } finally {
          await store.close();
        }
      });
    });
  media
    .command('list')
    .description('list media files with their status, sha256 and source address')
    .option('--status <status>', `only this status (${MEDIA_STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many (default 100)', '100')
    .option('--json', 'print as JSON')
    .action((opts: { status?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InvalidInput('--limit must be a positive integer');
      if (opts.status && !(MEDIA_STATUSES as readonly string[]).includes(opts.status))
        throw new InvalidInput(`--status must be one of ${MEDIA_STATUSES.join(', ')}`);
      return rt.run({}, async (ctx) => {
        const repo = createMediaReads(ctx.db.prisma);
        const rows = await repo.list({ status: opts.status as MediaStatus | undefined, limit });
        if (opts.json) return printJson(rt.io, rows);
        if (rows.length === 0) return printLine(rt.io, 'no media files');
        printTable(
          rt.io,
          ['id', 'kind', 'status', 'bytes', 'sha256', 'url', 'note'],
          rows.map((m) => [
            m.id,
            m.kind,
            m.status,
            m.bytes,
            m.sha256?.slice(0, 16),
            m.url,
            m.goneAt ? `gone ${m.goneAt.toISOString()} (HTTP ${m.httpStatus})` : m.lastError,
          ]),
          80,
        );
      });
    });
}
