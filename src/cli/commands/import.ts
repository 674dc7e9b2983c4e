// `onrecord import <file|-> [--format auto|twarc2|x-response|x-archive|onrecord] [--json]`:
// posts people already hold, streamed into the archive; a progress bar (bytes
// and posts) when stderr is a terminal.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { constants, gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { InvalidInput } from '../../core/errors.js';
import { detectFormat, IMPORT_FORMATS, type ImportFormat, type ImportFormatOption } from '../../core/import-formats.js';
import { importPosts, type ImportSummary } from '../../jobs/import-posts.js';
import { chain, isGzip, siblingAccount, unitsOf } from '../../jobs/import-readers.js';
import type { CliRuntime } from '../runtime.js';
import { printJson, printLine } from '../output.js';

const HEAD_BYTES = 64 * 1024;
/**
 * Batches written at once: two let the database store one while this process
 * prepares the next (more would only queue on a two-core machine's CPUs).
 */
const IMPORT_WRITERS = 2;

export function registerImport(program: Command, rt: CliRuntime): void {
  program
    .command('import')
    .description('import posts from a twarc2 collection, an X API response, an X account archive or an onrecord export')
    .argument('<file>', 'the file to read, or - for stdin (gzip is read as such; an archive as .zip or tweets.js)')
    .option('--format <format>', `${IMPORT_FORMATS.join(', ')} (default auto: told from the file)`, 'auto')
    .option('--json', 'print { lines, posts, postsNew, versionsNew, problems } as JSON')
    .action((file: string, opts: { format: string; json?: boolean }) =>
      rt.run({}, async (ctx) => {
        if (!(IMPORT_FORMATS as readonly string[]).includes(opts.format)) {
          throw new InvalidInput(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${opts.format}"`);
        }
        const opened = await openInput(file);
        const format = formatOf(opts.format as ImportFormatOption, opened.fileName, opened.head);
        const bar = progressBar(rt, opened.size);
        const counted = chain(
          opened.input,
          byteCounter((n) => bar?.increment(n)),
        );
        const account = format === 'x-archive' && opened.path ? await siblingAccount(opened.path) : null;
        const units = unitsOf({ ...opened, format, input: counted, account });
        let summary: ImportSummary;
        boundHeapGrowth(true);
        try {
          summary = await importPosts({ db: ctx.db.prisma, clock: ctx.clock }, units, {
            writers: Math.min(IMPORT_WRITERS, ctx.db.connections),
            onProgress: (s) => bar?.update({ posts: s.posts }),
          });
        } finally {
          boundHeapGrowth(false);
          bar?.stop();
        }
        if (opts.json) return printJson(rt.io, summary);
        const { lines, posts, postsNew, versionsNew, problems } = summary;
        printLine(
          rt.io,
          `imported ${opened.fileName}: ${lines} lines, ${posts} posts (${postsNew} new, ${versionsNew} new versions), ${problems} problems${problems ? ' (see: problems)' : ''}`,
        );
      }),
    );
}

interface OpenedInput {
  path: string | null;
  fileName: string;
  input: Readable;
  head: Buffer;
  size: number | null;
}

async function openInput(file: string): Promise<OpenedInput> {
  if (file === '-') {
    const input = process.stdin;
    await once(input, 'readable');
    const chunk = (input.read() as Buffer | null) ?? Buffer.alloc(0);
    input.unshift(chunk);
    return { path: null, fileName: 'stdin', input, head: chunk.subarray(0, HEAD_BYTES), size: null };
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new InvalidInput(`${file}: no such file`);
  const handle = await open(file);
  const head = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
  await handle.read(head, 0, head.length, 0).finally(() => handle.close());
  return { path: file, fileName: basename(file), input: createReadStream(file), head, size: info.size };
}

/** The format asked for, or told from the first bytes (decompressed when the file is gzip'd). */
function formatOf(option: ImportFormatOption, fileName: string, head: Buffer): ImportFormat {
  if (option !== 'auto') return option;
  const text = isGzip(head) ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head;
  return detectFormat(fileName.replace(/\.gz$/i, ''), text);
}

/**
 * Each batch allocates large short-lived strings (its lines, its statement's
 * parameters), which V8 keeps in the old generation until a full collection;
 * by default it lets that generation grow to up to four times what survived
 * the last one, so the garbage of a few batches alone took the import's peak
 * RSS from about 135 MB idle to over 400 MB. Growing it by at most
 * HEAP_GROWING_PERCENT between full collections kept the peak at 226-233 MB
 * for 100k and for 300k posts, with two batches written at once (50% kept it
 * near 205 MB, for about 15% more CPU in this process). The flag is read at
 * each collection; it is set back when the import ends (the command can run
 * inside a longer-lived process, e.g. tests).
 */
const HEAP_GROWING_PERCENT = 100;

function boundHeapGrowth(on: boolean): void {
  setFlagsFromString(`--heap-growing-percent=${on ? HEAP_GROWING_PERCENT : 0}`);
}

function progressBar(rt: CliRuntime, size: number | null): SingleBar | undefined {
  const stderr = rt.io.stderr as NodeJS.WriteStream;
  if (!stderr.isTTY) return undefined;
  const bar = new SingleBar(
    { stream: stderr, format: 'import {bar} {percentage}% | {value}/{total} bytes | {posts} posts' },
    Presets.shades_classic,
  );
  bar.start(size ?? 0, 0, { posts: 0 });
  return bar;
}

function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}
