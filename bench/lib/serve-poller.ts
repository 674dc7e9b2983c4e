// Runs only the poller part of the service (no HTTP server, no alert worker)
// on the database in DATABASE_URL: the polling worker whose memory a
// benchmark measures from another process. Prints "polling". Stops on SIGTERM.
import { openContext } from '../../src/context.js';
import { pollerPart } from '../../src/service/poller-part.js';

const ctx = await openContext({ env: process.env });
const poller = await pollerPart.start(ctx);
console.log('polling');
process.once('SIGTERM', () => {
  void poller.stop().then(() => ctx.db.close());
});
