// Exports the captured HTTP exchanges behind the posts matching a search as
// WARC 1.1 (gzip per record): each API capture as a `request` and a `response`
// record (the request line and Host rebuilt from the request URL; the stored
// status and content type as the response headers, since other response
// headers are not kept), each article snapshot likewise when its address is
// known and as a `resource` otherwise. Each stored media file of the posts
// (photos, videos, GIFs, previews) is a `resource` record of its address,
// streamed from the media store (response headers are not kept, so no HTTP
// exchange is made up for it). warcio writes every record with its
// WARC-Block-Digest and WARC-Payload-Digest (a media file's is its sha256).
// Captures and media files shared by many posts are written once.
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Writable } from 'node:stream';
import { WARCRecord, WARCSerializer } from 'warcio';
import { WARCSerializer as StreamingSerializer } from 'warcio/node';
import { NotFound } from '../core/errors.js';
import type { MediaStore } from '../ports/media.js';
import { createMediaReads } from '../adapters/db/media-repository.js';
import type { Prisma } from '../adapters/db/database.js';
import { encodeRawBody } from '../core/storable-text.js';
import { createEvidenceRepository } from '../adapters/db/evidence-repository.js';
import { createSearchRepository } from '../adapters/db/search-repository.js';
import type { SearchFilters } from '../core/search-query.js';

export interface WarcExportOptions {
  db: Prisma;
  filters: SearchFilters;
  out: Writable;
  now: Date;
  batchSize?: number;
  /** Where media files are read from (without it, no media records are written). */
  media?: MediaStore;
}

interface Exchange {
  key: string;
  url: string | null;
  status: number | null;
  contentType: string | null;
  at: Date;
  body: string;
}

export async function exportWarc(options: WarcExportOptions): Promise<{ written: number; records: number }> {
  const search = createSearchRepository(options.db);
  const evidence = createEvidenceRepository(options.db);
  const seen = new Set<string>();
  let written = 0;
  let records = 0;
  await write(options.out, await serialize(warcinfo(options.now)));
  for await (const rows of search.scan(options.filters, options.batchSize ?? 500)) {
    const ids = rows.map((r) => r.id);
    const exchanges: Exchange[] = [
      ...(await evidence.capturesOfPosts(ids)).map((c) => ({
        ...c,
        key: `capture:${c.id}`,
        url: c.requestUrl,
        status: c.httpStatus,
        at: c.capturedAt,
      })),
      ...(await evidence.snapshotsCitingPosts(ids)).map((s) => ({
        key: `snapshot:${s.id}`,
        url: s.fetchedFrom ?? s.articleUrl,
        status: s.fetchedFrom ? 200 : null,
        contentType: s.contentType,
        at: s.capturedAt,
        body: s.body,
      })),
    ];
    for (const exchange of exchanges.filter((e) => !seen.has(e.key))) {
      seen.add(exchange.key);
      for (const record of recordsOf(exchange)) {
        await write(options.out, await serialize(record));
        records++;
      }
    }
    if (options.media) records += await writeMedia(options, options.media, ids, seen);
    written += rows.length;
  }
  await new Promise<void>((resolve, reject) =>
    options.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return { written, records };
}

function warcinfo(now: Date): WARCRecord {
  return WARCRecord.createWARCInfo(
    { date: now.toISOString(), warcVersion: 'WARC/1.1', filename: 'onrecord.warc.gz' },
    { software: 'onrecord', format: 'WARC File Format 1.1', description: 'HTTP exchanges captured by onrecord' },
  );
}

function recordId(key: string, type: string): string {
  const hex = createHash('sha256').update(`${key}:${type}`).digest('hex');
  return `<urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}>`;
}

function recordsOf(e: Exchange): WARCRecord[] {
  const date = e.at.toISOString();
  const body = [encodeRawBody(e.body).bytes];
  const contentType = e.contentType ?? 'application/octet-stream';
  if (!e.url || !/^https?:\/\//.test(e.url) || e.status === null) {
    const url = e.url ?? `urn:onrecord:${e.key}`;
    const warcHeaders = { 'WARC-Record-ID': recordId(e.key, 'resource'), 'Content-Type': contentType };
    return [WARCRecord.create({ url, date, type: 'resource', warcVersion: 'WARC/1.1', warcHeaders }, body)];
  }
  const target = new URL(e.url);
  const responseId = recordId(e.key, 'response');
  const response = WARCRecord.create(
    {
      url: e.url,
      date,
      type: 'response',
      warcVersion: 'WARC/1.1',
      warcHeaders: { 'WARC-Record-ID': responseId },
      statusline: `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}`.trimEnd(),
      httpHeaders: { 'Content-Type': contentType },
    },
    body,
  );
  const request = WARCRecord.create(
    {
      url: e.url,
      date,
      type: 'request',
      warcVersion: 'WARC/1.1',
      warcHeaders: { 'WARC-Record-ID': recordId(e.key, 'request'), 'WARC-Concurrent-To': responseId },
      statusline: `GET ${target.pathname}${target.search} HTTP/1.1`,
      httpHeaders: { Host: target.host },
    },
    [],
  );
  return [request, response];
}

/** The stored media files of these posts not written yet, each a `resource` record. */
async function writeMedia(options: WarcExportOptions, store: MediaStore, postIds: number[], seen: Set<string>) {
  let records = 0;
  for (const m of await createMediaReads(options.db).storedOfPosts(postIds)) {
    const key = `media:${m.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const read = await store.read(m.sha256!);
    if (!read) throw new NotFound(`the bytes of media file ${m.id} (${m.sha256}) are missing from the media store`);
    const record = WARCRecord.create(
      {
        url: m.fetchedFrom ?? m.url,
        date: (m.fetchedAt ?? options.now).toISOString(),
        type: 'resource',
        warcVersion: 'WARC/1.1',
        warcHeaders: {
          'WARC-Record-ID': recordId(key, 'resource'),
          'Content-Type': m.contentType ?? 'application/octet-stream',
        },
      },
      read.body as AsyncIterable<Uint8Array>,
    );
    // Streamed: the serializer spills a large body to a temporary file while it computes the digests.
    for await (const chunk of new StreamingSerializer(record, { gzip: true })) await write(options.out, chunk);
    records++;
  }
  return records;
}

function serialize(record: WARCRecord): Promise<Uint8Array> {
  return WARCSerializer.serialize(record, { gzip: true });
}

function write(out: Writable, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) resolve();
    else out.once('drain', resolve).once('error', reject);
  });
}
