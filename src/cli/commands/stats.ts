// stats: what the archive holds, how polling goes, each pushed stream's state
// and what was read from X today (what X bills).
import type { Command } from 'commander';
import { createStatsRepository } from '../../adapters/db/stats-repository.js';
import { createStreamsRepository, type StreamStatus } from '../../adapters/db/streams-repository.js';
import { configuredStreams } from '../../config.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine } from '../output.js';

function streamLine(s: StreamStatus): string {
  const via = s.channel ? ` via ${s.channel}` : '';
  const lag = s.lagMs === null ? '' : `, lag ${Math.round(s.lagMs / 1000)}s`;
  const accounts = `, ${s.streamed} streamed, ${s.uncovered.length} polled only`;
  return `${s.state}${via}${lag}${accounts}${s.reason ? ` (${s.reason})` : ''}`;
}

export function registerStats(program: Command, rt: CliRuntime): void {
  program
    .command('stats')
    .description(
      'counts of accounts, posts, versions, captures, problems, articles and deliveries; streams; X reads today',
    )
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const stats = await createStatsRepository(ctx.db.prisma).archive();
        const streamsRepo = createStreamsRepository(ctx.db.prisma);
        const now = ctx.clock.now();
        const streams = await streamsRepo.status(now, configuredStreams(ctx.config));
        const billedReads = { x: await streamsRepo.readsOn('x', now) };
        if (opts.json) return printJson(rt.io, { ...stats, streams, billedReads });
        const { accountErrors, usageCapped, ...rest } = stats;
        const width = Math.max(...Object.keys(rest).map((k) => k.length));
        for (const [key, value] of Object.entries(rest)) printLine(rt.io, `${key.padEnd(width)}  ${value ?? '-'}`);
        const errors = Object.entries(accountErrors).map(([code, count]) => `${code} ${count}`);
        printLine(rt.io, `${'errors'.padEnd(width)}  ${errors.length ? errors.join(', ') : 'none'}`);
        for (const s of streams) printLine(rt.io, `${`stream ${s.name}`.padEnd(width)}  ${streamLine(s)}`);
        const x = billedReads.x;
        printLine(
          rt.io,
          `${'X reads today'.padEnd(width)}  ${x.total} (polls ${x.polls}, streams ${x.streams}; UTC ${x.day})`,
        );
        if (usageCapped) printLine(rt.io, 'X polling is stopped: the usage cap was reached (see accounts list)');
      }),
    );
}
