// A time limit on the statements of a unit of work: SET LOCAL statement_timeout
// in its own transaction, so that it ends with the transaction and never
// leaks to the pooled connection. PostgreSQL cancels a statement past the
// limit (SQLSTATE 57014), which becomes QueryTimeout. The embedded PGlite
// accepts the setting but does not enforce it (it has no timer interrupts).
import { QueryTimeout } from '../../core/errors.js';
import type { Prisma, Tx } from './database.js';

const QUERY_CANCELED = '57014';

export async function withStatementTimeout<T>(
  prisma: Prisma,
  timeoutMs: number,
  what: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(Math.max(1, Math.round(timeoutMs)))}, true)`;
      return fn(tx);
    });
  } catch (err) {
    if (sqlStateOf(err) === QUERY_CANCELED) {
      throw new QueryTimeout(`${what} took longer than ${timeoutMs} ms and was stopped; narrow it down`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** The SQLSTATE of a database error as Prisma's driver adapters report it. */
export function sqlStateOf(err: unknown): string | undefined {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } })
    ?.meta;
  const cause = meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
