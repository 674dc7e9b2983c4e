// Exports every post matching a search as JSON Lines (with each version's
// normalized data and raw payload as received) or CSV, streamed batch by
// batch so memory stays flat however large the archive is.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Tx } from '../adapters/db/database.js';
import { createSearchRepository, type ExportVersion, type SearchRow } from '../adapters/db/search-repository.js';
import { toPostView, type PostView } from '../core/post-view.js';
import type { SearchFilters } from '../core/search-query.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  db: Tx;
  filters: SearchFilters;
  format: ExportFormat;
  out: Writable;
  batchSize?: number;
  /** Called after each batch with the number of posts written so far. */
  onProgress?: (written: number) => void;
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

export async function exportPosts(options: ExportOptions): Promise<{ written: number }> {
  const repo = createSearchRepository(options.db);
  let written = 0;
  const batches = repo.scan(options.filters, options.batchSize ?? 500);
  async function* records() {
    for await (const rows of batches) {
      if (options.format === 'jsonl') {
        const versions = await repo.versionsOf(rows.map((r) => r.id));
        yield rows.map((r) => `${JSON.stringify(jsonlRecord(r, versions.get(r.id) ?? []))}\n`).join('');
      } else {
        for (const r of rows) yield csvRecord(r);
      }
      written += rows.length;
      options.onProgress?.(written);
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
  return { written };
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
