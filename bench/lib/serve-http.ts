// Runs only the HTTP part of the service (no poller) on the database in
// DATABASE_URL, for load tests from another process. Prints "listening <url>".
import { openContext } from '../../src/context.js';
import { startHttpServer } from '../../src/http/server.js';

const ctx = await openContext({ env: { ...process.env, LOG_LEVEL: 'warn' } });
const server = await startHttpServer(ctx);
console.log(`listening ${server.url}`);
process.on('SIGTERM', () => {
  void server.stop().then(() => ctx.db.close());
});
