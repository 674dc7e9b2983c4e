import type { Command } from 'commander';
import { runService } from '../../service/run-service.js';
import type { CliRuntime } from '../runtime.js';
import { ExitCode } from '../runtime.js';

export function registerStart(program: Command, rt: CliRuntime): void {
  program
    .command('start')
    .description('run the service: polling on schedule, alert delivery, the HTTP API and web pages')
    .action(async () => {
      const code = await runService({ env: rt.env, isTty: rt.io.isTty });
      if (code !== 0) throw new ExitCode(code);
    });
}
