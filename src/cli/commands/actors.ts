// `onrecord actors add|list|show|remove`: people and offices that speak on
// several channels (accounts on any platform).
import type { Command } from 'commander';
import { createActorsRepository } from '../../adapters/db/actors-repository.js';
import { actorView, parseActorName, type ActorView } from '../../core/actors.js';
import { parseAccountRef } from '../../core/ids.js';
import { printJson, printLine, printTable } from '../output.js';
import type { CliRuntime } from '../runtime.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function describe(view: ActorView): string {
  return view.channels.length ? view.channels.map((c) => c.account).join(', ') : 'no channels';
}

export function registerActors(program: Command, rt: CliRuntime): void {
  const actors = program
    .command('actors')
    .description('people and offices with several channels (accounts on any platform)');

  actors
    .command('add <name>')
    .description(
      'add an actor or channels to it, e.g. actors add "USFOR-A spokesman" --channel x:USFOR_A; ' +
        'an account not watched yet is watched from now on, as accounts add does',
    )
    .option('--channel <platform:handle>', 'an account the actor speaks through (repeatable)', collect)
    .option('--json', 'print the actor as JSON')
    .action((nameText: string, opts: { channel?: string[]; json?: boolean }) => {
      // Arguments are checked before the database is opened: a typo is answered at once.
      const name = parseActorName(nameText);
      const channels = (opts.channel ?? []).map(parseAccountRef);
      return rt.run({}, async (ctx) => {
        const pollIntervalMs = ctx.config.ONRECORD_POLL_INTERVAL;
        const added = await createActorsRepository(ctx.db.prisma).add(
          { name, channels, pollIntervalMs },
          ctx.clock.now(),
        );
        const view = actorView(added.actor);
        if (opts.json) {
          const { channelsAdded, accountsWatched, created } = added;
          return printJson(rt.io, { ...view, created, channelsAdded, accountsWatched });
        }
        const what = added.created ? 'added actor' : added.channelsAdded.length ? 'updated actor' : 'actor';
        printLine(rt.io, `${what} "${view.name}": ${describe(view)}`);
        if (added.accountsWatched.length) {
          printLine(rt.io, `now watching ${added.accountsWatched.join(', ')} (polled by the service, or: poll --once)`);
        }
      });
    });

  actors
    .command('list')
    .description('list the actors and their channels')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) =>
      rt.run({}, async (ctx) => {
        const views = (await createActorsRepository(ctx.db.prisma).list()).map(actorView);
        if (opts.json) return printJson(rt.io, views);
        if (views.length === 0) return printLine(rt.io, 'no actors (add one with: actors add NAME --channel x:HANDLE)');
        printTable(
          rt.io,
          ['actor', 'channels'],
          views.map((v) => [v.name, describe(v)]),
          100,
        );
      }),
    );

  actors
    .command('show <name>')
    .description('one actor and its channels')
    .option('--json', 'print as JSON')
    .action((nameText: string, opts: { json?: boolean }) => {
      const name = parseActorName(nameText);
      return rt.run({}, async (ctx) => {
        const view = actorView(await createActorsRepository(ctx.db.prisma).get(name));
        if (opts.json) return printJson(rt.io, view);
        printLine(rt.io, view.name);
        for (const c of view.channels)
          printLine(rt.io, `  ${c.account}  ${c.status}  ${c.displayName ?? ''}`.trimEnd());
      });
    });

  actors
    .command('remove <name>')
    .description('remove an actor, or one of its channels with --channel (the accounts stay watched)')
    .option('--channel <platform:handle>', 'remove only this channel')
    .option('--json', 'print the actor as JSON')
    .action((nameText: string, opts: { channel?: string; json?: boolean }) => {
      const name = parseActorName(nameText);
      const channel = opts.channel === undefined ? undefined : parseAccountRef(opts.channel);
      return rt.run({}, async (ctx) => {
        const repo = createActorsRepository(ctx.db.prisma);
        const actor = channel ? await repo.removeChannel(name, channel) : await repo.remove(name);
        if (opts.json) return printJson(rt.io, actorView(actor));
        printLine(
          rt.io,
          channel
            ? `removed ${opts.channel} from "${actor.name}": ${describe(actorView(actor))}`
            : `removed actor "${actor.name}"`,
        );
      });
    });
}
