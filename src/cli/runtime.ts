// What every CLI command receives: where to print, and how to run with an
// open context so that errors become one clear line and a non-zero exit.
import { OnrecordError } from '../core/errors.js';
import { withContext, type Context, type ContextOptions } from '../context.js';
import type { Io } from './output.js';

export interface CliRuntime {
  io: Io;
  env: Record<string, string | undefined>;
  /** Opens the context, runs fn, closes the context. */
  run(options: Pick<ContextOptions, 'migrate'>, fn: (ctx: Context) => Promise<unknown>): Promise<void>;
}

/** Thrown by a command to exit with a status without printing anything more. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function createRuntime(io: Io, env: Record<string, string | undefined>): CliRuntime {
  return {
    io,
    env,
    async run(options, fn) {
      await withContext({ env, isTty: io.isTty, ...options }, async (ctx) => {
        await fn(ctx);
      });
    },
  };
}

export function describeError(err: unknown, debug: boolean): string {
  if (debug && err instanceof Error && err.stack) return err.stack;
  if (err instanceof OnrecordError) return `onrecord: ${err.message} [${err.code}]`;
  if (err instanceof Error) return `onrecord: ${err.message}`;
  return `onrecord: ${String(err)}`;
}
