// Entry point of bin/onrecord: builds the command tree and turns any failure
// into one line on stderr and a non-zero exit.
import { Command, CommanderError } from 'commander';
import { processIo } from './output.js';
import { createRuntime, describeError, ExitCode } from './runtime.js';
import { registerMigrate } from './commands/migrate.js';
import { registerStart } from './commands/start.js';
import { registerSearch } from './commands/search.js';
import { registerExport } from './commands/export.js';
import { registerArticles } from './commands/articles.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAccounts } from './commands/accounts.js';
import { registerPoll } from './commands/poll.js';
import { registerStats } from './commands/stats.js';
import { registerPosts } from './commands/posts.js';
import { registerProblems } from './commands/problems.js';
import { registerImport } from './commands/import.js';

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const rt = createRuntime(processIo, env);
  const program = new Command('onrecord')
    .description('An archive of what officials say on the record.')
    .exitOverride()
    .showSuggestionAfterError();
  // Each command group registers itself here.
  registerMigrate(program, rt);
  registerStart(program, rt);
  registerSearch(program, rt);
  registerExport(program, rt);
  registerArticles(program, rt);
  registerAlerts(program, rt);
  registerAccounts(program, rt);
  registerPoll(program, rt);
  registerStats(program, rt);
  registerPosts(program, rt);
  registerProblems(program, rt);
  registerImport(program, rt);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) return err.exitCode;
    processIo.stderr.write(`${describeError(err, env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace')}\n`);
    return 1;
  }
}
