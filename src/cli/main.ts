// Entry point of bin/onrecord: builds the command tree and turns any failure
// into one line on stderr and a non-zero exit.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { readEnvFile, withEnvFile, type Env } from '../env-file.js';
import { processIo } from './output.js';
import { createRuntime, describeError, ExitCode } from './runtime.js';
import { registerMigrate } from './commands/migrate.js';
import { registerStart } from './commands/start.js';
import { registerSearch } from './commands/search.js';
import { registerExport } from './commands/export.js';
import { registerArticles } from './commands/articles.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAccounts } from './commands/accounts.js';
import { registerActors } from './commands/actors.js';
import { registerPoll } from './commands/poll.js';
import { registerStats } from './commands/stats.js';
import { registerPosts } from './commands/posts.js';
import { registerProblems } from './commands/problems.js';
import { registerImport } from './commands/import.js';
import { registerLog } from './commands/log.js';
import { registerVerify } from './commands/verify.js';
import { registerEvidence } from './commands/evidence.js';
import { registerMedia } from './commands/media.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Runs one command. `envFileDir`: where to read a `.env` file from (the working
 * directory, for bin/onrecord); the environment's own values win over it.
 */
export async function main(argv: string[], processEnv: Env, envFileDir?: string): Promise<number> {
  let env = processEnv;
  try {
    if (envFileDir !== undefined) env = withEnvFile(processEnv, readEnvFile(envFileDir));
    return await runProgram(argv, env);
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) return err.exitCode;
    processIo.stderr.write(`${describeError(err, env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace')}\n`);
    return 1;
  }
}

async function runProgram(argv: string[], env: Env): Promise<number> {
  const rt = createRuntime(processIo, env);
  const program = new Command('onrecord')
    .description('An archive of what officials say on the record.')
    .version(VERSION, '-V, --version', 'print the version')
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
  registerActors(program, rt);
  registerPoll(program, rt);
  registerStats(program, rt);
  registerPosts(program, rt);
  registerProblems(program, rt);
  registerImport(program, rt);
  registerLog(program, rt);
  registerVerify(program, rt);
  registerEvidence(program, rt);
  registerMedia(program, rt);

  await program.parseAsync(argv, { from: 'user' });
  return 0;
}
