// Exports every post matching a search as JSON Lines (with each version's
// normalized data and raw payload as received) or CSV, streamed batch by
// batch so memory stays flat however large the archive is. A post that
// cannot be rendered (a hostile payload) is reported through `onSkip` and
// left out; it never stops the export.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Prisma } from '../adapters/db/database.js';
import { createSearchRepository, type ExportVersion, type SearchRow } from '../adapters/db/search-repository.js';
import { toPostView, type PostView } from '../core/post-view.js';
import type { SearchFilters } from '../core/search-query.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  db: Prisma;
  filters: SearchFilters;
  format: ExportFormat;
  out: Writable;
  batchSize?: number;
  /** Called after each batch with the number of posts written so far. */
  onProgress?: (written: number) => void;
  /** Called for each post left out because it could not be rendered. */
  onSkip?: (skipped: SkippedPost) => void;
}

/** A post an export left out, and why. */
export interface SkippedPost {
  /** `platform:platformId` */
  post: string;
  reason: string;
}

export interface ExportResult {
  written: number;
  skipped: SkippedPost[];
}

export const CSV_COLUMNS = [
  'id',
  'platform',
  'account',
  'createdAt',
  'url',
  'status',
  'edited',
  'versions',
  'lang',
  'text',
  'firstSeenAt',
] as const;

export async function exportPosts(options: ExportOptions): Promise<ExportResult> {
  const repo = createSearchRepository(options.db);
  const result: ExportResult = { written: 0, skipped: [] };
  const batches = repo.scan(options.filters, options.batchSize ?? 500);
  const render = (row: SearchRow, line: () => string | ReturnType<typeof csvRecord>) => {
    try {
      const rendered = line();
      result.written += 1;
      return [rendered];
    } catch (err) {
      const skipped = { post: `${row.platform}:${row.platformId}`, reason: (err as Error).message };
      result.skipped.push(skipped);
      options.onSkip?.(skipped);
      return [];
    }
  };
  async function* records() {
    for await (const rows of batches) {
      if (options.format === 'jsonl') {
        const versions = await repo.versionsOf(rows.map((r) => r.id));
        const lines = rows.flatMap((r) =>
          render(r, () => `${JSON.stringify(jsonlRecord(r, versions.get(r.id) ?? []))}\n`),
        );
        if (lines.length) yield lines.join('');
      } else {
        for (const r of rows) yield* render(r, () => csvRecord(r));
      }
      options.onProgress?.(result.written + result.skipped.length);
    }
  }
  if (options.format === 'jsonl') {
    await pipeline(Readable.from(records()), options.out);
  } else {
    await pipeline(
      Readable.from(records()),
      stringify({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (v) => String(v) } }),
      options.out,
    );
  }
  return result;
}

function jsonlRecord(row: SearchRow, versions: ExportVersion[]): PostView & { versions: ExportVersion[] } {
  return { ...toPostView(row), versions };
}

function csvRecord(row: SearchRow): Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> {
  const view = toPostView(row);
  return {
    id: view.id,
    platform: view.platform,
    account: view.account,
    createdAt: view.createdAt,
    url: view.url,
    status: view.status,
    edited: view.edited,
    versions: row.versionCount,
    lang: view.lang,
    text: view.text,
    firstSeenAt: view.firstSeenAt,
  };
}
