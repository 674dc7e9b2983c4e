// The service part 'checkpoints': creates the log's signing key on first start
// (unless ONRECORD_LOG_KEY supplies one), signs a checkpoint at start and then
// every hour (node-cron, no overlap). A failed checkpoint is logged and tried
// again at the next tick: the log itself is written by ingest, not here.
import cron, { type ScheduledTask } from 'node-cron';
import type { Context } from '../context.js';
import { once, type Handle } from '../core/lifecycle.js';
import type { SignerKey } from '../core/signed-note.js';
import { loadLogKey } from '../adapters/evidence/log-key.js';
import { createLogTree, signCheckpoint } from '../jobs/evidence-log.js';
import type { Config } from '../config.js';
import type { ServicePart } from './service.js';

/** At minute 0 of every hour. */
export const CHECKPOINT_SCHEDULE = '0 * * * *';

export function logKeyFromConfig(config: Config): SignerKey {
  return loadLogKey({
    keyText: config.ONRECORD_LOG_KEY,
    dataDir: config.ONRECORD_DATA_DIR,
    name: config.ONRECORD_LOG_ORIGIN,
  });
}

export async function startCheckpoints(ctx: Context, schedule = CHECKPOINT_SCHEDULE): Promise<Handle> {
  const log = ctx.logger.child({ component: 'checkpoints' });
  const signer = logKeyFromConfig(ctx.config);
  const tree = createLogTree(ctx.db.prisma);
  let running: Promise<void> = Promise.resolve();
  const sign = () =>
    (running = running
      // One signing at a time: a tick never races the one before it.
      .then(() => signCheckpoint(tree, signer, ctx.config.ONRECORD_LOG_ORIGIN))
      .then(({ checkpoint, created }) => {
        if (created) log.info({ size: checkpoint.size, checkpoint: checkpoint.id }, 'checkpoint signed');
      })
      .catch((err: unknown) => log.error({ err }, 'checkpoint could not be signed')));
  const task: ScheduledTask = cron.schedule(schedule, () => sign(), { name: 'onrecord-checkpoints', noOverlap: true });
  await sign();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const stop = once(async () => {
    await task.destroy();
    await running;
    finish();
  });
  return { stop, done };
}

export const checkpointPart: ServicePart = { name: 'checkpoints', start: (ctx) => startCheckpoints(ctx) };
