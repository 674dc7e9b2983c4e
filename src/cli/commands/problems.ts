// problems list: payloads (or posts in them) that could not be stored as
// posts. The raw bytes are kept in the capture each problem points to.
import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine, printTable } from '../output.js';
import { InvalidInput } from '../../core/errors.js';

export function registerProblems(program: Command, rt: CliRuntime): void {
  const problems = program.command('problems').description('malformed or unexpected payloads kept raw');
  problems
    .command('list')
    .description('list the latest ingest problems')
    .option('--limit <n>', 'how many (default 50)', '50')
    .option('--json', 'print as JSON')
    .action((opts: { limit: string; json?: boolean }) => {
      const take = Number(opts.limit);
      if (!Number.isInteger(take) || take < 1) throw new InvalidInput(`--limit must be a positive integer`);
      return rt.run({}, async (ctx) => {
        const rows = await ctx.db.prisma.ingestProblem.findMany({
          orderBy: { id: 'desc' },
          take,
          include: {
            account: { select: { platform: true, handle: true } },
            capture: { select: { id: true, source: true, requestUrl: true, sha256: true, capturedAt: true } },
          },
        });
        const json = rows.map((p) => ({
          id: p.id,
          code: p.code,
          message: p.message,
          platformId: p.platformId,
          account: p.account ? `${p.account.platform}:${p.account.handle}` : null,
          createdAt: p.createdAt.toISOString(),
          capture: p.capture && { ...p.capture, capturedAt: p.capture.capturedAt.toISOString() },
        }));
        if (opts.json) return printJson(rt.io, json);
        if (json.length === 0) return printLine(rt.io, 'no problems');
        printTable(
          rt.io,
          ['id', 'when', 'account', 'post', 'capture', 'message'],
          json.map((p) => [p.id, p.createdAt, p.account, p.platformId, p.capture?.id, p.message]),
          80,
        );
      });
    });
}
