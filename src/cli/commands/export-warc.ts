// `export --format warc`: the captured HTTP exchanges of the matching posts as
// a gzipped WARC 1.1 file (see jobs/evidence-warc.ts).
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Context } from '../../context.js';
import type { SearchFilters } from '../../core/search-query.js';
import { exportWarc } from '../../jobs/evidence-warc.js';
import type { CliRuntime } from '../runtime.js';
import { mediaStoreFromConfig } from '../../service/media-part.js';

export async function exportWarcFile(rt: CliRuntime, ctx: Context, filters: SearchFilters, path?: string) {
  const out = path ? createWriteStream(path) : rt.io.stdout;
  const media = mediaStoreFromConfig(ctx.config);
  const { written, records } = await exportWarc({
    db: ctx.db.prisma,
    filters,
    out,
    now: ctx.clock.now(),
    media,
  }).finally(() => media.close());
  if (path) {
    out.end();
    await finished(out);
    rt.io.stderr.write(`exported ${records} WARC records for ${written} posts to ${path}\n`);
  }
}
