// On the embedded database, the service serves it on 127.0.0.1 so that CLI
// commands run beside the service (accounts add, search, ...) share it
// instead of waiting for the data directory's lock.
import { once, type Handle } from '../core/lifecycle.js';
import type { ServicePart } from './service.js';

export const embeddedDbPart: ServicePart = {
  name: 'embedded-db',
  async start(ctx): Promise<Handle> {
    const served = ctx.db.serve ? await ctx.db.serve() : undefined;
    if (served)
      ctx.logger.info({ component: 'embedded-db', port: served.port }, 'embedded database served on 127.0.0.1');
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const stop = once(async () => {
      await served?.stop();
      finish();
    });
    return { stop, done };
  },
};
