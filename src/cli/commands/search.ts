// `onrecord search <query>`: find posts by words, account and date.
import type { Command } from 'commander';
import { createTimedSearchRepository } from '../../adapters/db/search-repository.js';
import { PLATFORMS } from '../../core/ids.js';
import { CLI_FLAGS, parseSearchInput, toSearchHit } from '../../core/search-query.js';
import { printJson, printLine, printTable } from '../output.js';
import type { CliRuntime } from '../runtime.js';

export interface FilterOptions {
  account?: string[];
  actor?: string[];
  platform?: string;
  since?: string;
  until?: string;
  cited?: boolean;
  edited?: boolean;
  deleted?: boolean;
  lang?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The filter options shared by `search` and `export`. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--account <platform:handle>', 'only posts of this account (repeatable)', collect)
    .option('--actor <name>', 'only posts of the channels of this actor (repeatable)', collect)
    .option('--platform <platform>', `only posts of this platform (${PLATFORMS.join(', ')})`)
    .option('--since <YYYY-MM-DD>', 'posts from this UTC day on (inclusive)')
    .option('--until <YYYY-MM-DD>', 'posts up to this UTC day (inclusive)')
    .option('--cited', 'only posts cited by an article')
    .option('--edited', 'only posts with more than one version')
    .option('--deleted', 'only deleted posts')
    .option('--lang <code>', 'only posts in this language (en, fr, ...)');
}

export function registerSearch(program: Command, rt: CliRuntime): void {
  addFilterOptions(
    program
      .command('search')
      .description(
        'search posts: "a phrase", OR, -excluded words; best matches first, newer first on ties. ' +
          'without words, every post that matches the filters, newest first',
      )
      .argument('[query]', 'words in web-search syntax (optional with filters)'),
  )
    .option('--limit <n>', 'how many posts to show (1-200)', '20')
    .option('--json', 'print the posts as a JSON array')
    .action((query: string | undefined, opts: FilterOptions & { limit: string; json?: boolean }) => {
      const request = parseSearchInput({ ...opts, q: query ?? '' }, undefined, CLI_FLAGS);
      return rt.run({}, async (ctx) => {
        const page = await createTimedSearchRepository(ctx.db.prisma, ctx.config.ONRECORD_SEARCH_TIMEOUT).search(
          request,
        );
        const hits = page.rows.map(toSearchHit);
        if (opts.json) return printJson(rt.io, hits);
        if (hits.length === 0) return printLine(rt.io, 'no posts found');
        if (page.mode === 'similar') printLine(rt.io, 'no exact matches; similar posts:');
        printTable(
          rt.io,
          ['date', 'account', 'id', 'score', 'cited', 'text'],
          hits.map((h) => [
            h.createdAt.slice(0, 16).replace('T', ' '),
            h.account,
            h.id,
            h.score.toFixed(3),
            h.cited ? `cited ×${h.citations}` : '',
            h.text,
          ]),
        );
      });
    });
}
