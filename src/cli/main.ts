// Entry point of bin/onrecord: builds the command tree and turns any failure
// into one line on stderr and a non-zero exit.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { readEnvFile, withEnvFile, type Env } from '../env-file.js';
import { packagePath } from '../package-root.js';
import { processIo } from './output.js';
import { createRuntime, describeError, ExitCode } from './runtime.js';

const VERSION = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

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

type Register = (program: Command, rt: ReturnType<typeof createRuntime>) => void;

/**
 * The command groups, each loaded only when named: a command that reads the
 * archive does not load the article parser, the platform clients or the HTTP
 * server, so it starts in a fraction of the time. In help order.
 */
const COMMAND_GROUPS: Record<string, () => Promise<Register>> = {
  migrate: async () => (await import('./commands/migrate.js')).registerMigrate,
  start: async () => (await import('./commands/start.js')).registerStart,
  search: async () => (await import('./commands/search.js')).registerSearch,
  export: async () => (await import('./commands/export.js')).registerExport,
  articles: async () => (await import('./commands/articles.js')).registerArticles,
  alerts: async () => (await import('./commands/alerts.js')).registerAlerts,
  accounts: async () => (await import('./commands/accounts.js')).registerAccounts,
  actors: async () => (await import('./commands/actors.js')).registerActors,
  poll: async () => (await import('./commands/poll.js')).registerPoll,
  stats: async () => (await import('./commands/stats.js')).registerStats,
  posts: async () => (await import('./commands/posts.js')).registerPosts,
  problems: async () => (await import('./commands/problems.js')).registerProblems,
  import: async () => (await import('./commands/import.js')).registerImport,
  log: async () => (await import('./commands/log.js')).registerLog,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  evidence: async () => (await import('./commands/evidence.js')).registerEvidence,
  media: async () => (await import('./commands/media.js')).registerMedia,
};

/** The group the arguments name, or every group (help, a mistyped command, `help <command>`). */
async function commandGroups(argv: string[]): Promise<Register[]> {
  const named = argv.find((arg) => !arg.startsWith('-'));
  if (named === undefined && argv.some((arg) => arg === '-V' || arg === '--version')) return [];
  const loaders =
    named && Object.hasOwn(COMMAND_GROUPS, named) ? [COMMAND_GROUPS[named]!] : Object.values(COMMAND_GROUPS);
  return Promise.all(loaders.map((load) => load()));
}

async function runProgram(argv: string[], env: Env): Promise<number> {
  const rt = createRuntime(processIo, env);
  const program = new Command('onrecord')
    .description('An archive of what officials say on the record.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError();
  // Each command group registers itself; only the one named is loaded.
  for (const register of await commandGroups(argv)) register(program, rt);

  await program.parseAsync(argv, { from: 'user' });
  return 0;
}
