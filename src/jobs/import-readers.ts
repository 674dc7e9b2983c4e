// Reads a file to import as units (one line, one response body or one item
// of an archive's array, each with its file name and line), streamed with
// backpressure: a unit is read only when the previous ones were taken, so
// memory stays flat however large the file is. gzip'd files are read through
// gunzip; an X archive's zip is read entry by entry (yauzl), account.js first.
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import streamArray from 'stream-json/streamers/stream-array.js';
import yauzl from 'yauzl';
import { BadPayload } from '../core/errors.js';
import type { ImportFormat } from '../core/import-formats.js';
import { stripBom } from '../core/import-formats.js';
import {
  ARCHIVE_PREFIX,
  isAccountEntry,
  isTweetsEntry,
  readArchiveAccount,
  type ArchiveAccount,
} from '../core/x-archive.js';

export interface ImportUnit {
  format: ImportFormat;
  fileName: string;
  /** 1-based line of the file (for an archive: the item of its array). */
  line: number;
  /** The unit's text as read: what its capture keeps. */
  text: string;
  /** Parsed already (archive items come parsed from the streaming JSON parser). */
  value?: unknown;
  /** The archive's account (x-archive). */
  account?: ArchiveAccount | null;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** A single response body is read whole; X returns at most a few MB per page. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export function isGzip(head: Buffer): boolean {
  return head.subarray(0, 2).equals(GZIP_MAGIC);
}

/** The decoded text stream of a file, through gunzip when it is gzip'd. */
export function textStream(input: Readable, gzip: boolean): Readable {
  return gzip ? chain(input, createGunzip()) : input;
}

/**
 * Streams piped one into the next, an error in any of them ending the last
 * (so that a reader of it fails instead of waiting forever).
 */
export function chain(first: Readable, ...rest: NodeJS.ReadWriteStream[]): Readable {
  return (pipeline as (...streams: unknown[]) => Readable)(first, ...rest, () => undefined);
}

/** JSON Lines: one unit per non-empty line (CRLF and a leading BOM allowed). */
export async function* jsonLines(text: Readable, fileName: string, format: ImportFormat): AsyncGenerator<ImportUnit> {
  let line = 0;
  // split2 is a Transform: the file is read only as fast as lines are taken.
  for await (const raw of chain(text, split2()) as AsyncIterable<string>) {
    line += 1;
    const content = line === 1 ? stripBom(raw) : raw;
    if (content.trim() === '') continue;
    yield { format, fileName, line, text: content };
  }
}

/** One response body spread over any number of lines: one unit. */
export async function* wholeBody(text: Readable, fileName: string): AsyncGenerator<ImportUnit> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of text as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES)
      throw new BadPayload(`${fileName}: a single response body over 256 MB (use twarc2 JSON Lines)`);
    chunks.push(chunk);
  }
  const body = stripBom(Buffer.concat(chunks).toString('utf8'));
  if (body.trim() !== '') yield { format: 'x-response', fileName, line: 1, text: body };
}

/** Drops `window.YTD.<name>.partN = ` before the JSON array of an archive's script. */
function archivePrefixStripper(): Transform {
  let head = '';
  let done = false;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      if (done) return callback(null, chunk);
      head += chunk.toString('utf8');
      const start = head.indexOf('[');
      if (start < 0 && head.length < 4096) return callback();
      done = true;
      const prefix = start < 0 ? head : head.slice(0, start);
      if (!ARCHIVE_PREFIX.test(stripBom(prefix)) && stripBom(prefix).trim() !== '') {
        return callback(new BadPayload(`not an X archive script (it starts with "${prefix.slice(0, 40)}")`));
      }
      callback(null, start < 0 ? '' : head.slice(start));
    },
  });
}

/** The items of one archive script (`window.YTD.tweets.part0 = [...]`), parsed one at a time. */
export async function* archiveItems(
  text: Readable,
  fileName: string,
  account: ArchiveAccount | null,
): AsyncGenerator<ImportUnit> {
  const items = chain(text, archivePrefixStripper(), streamArray.withParserAsStream());
  for await (const { key, value } of items as AsyncIterable<{ key: number; value: unknown }>) {
    yield { format: 'x-archive', fileName, line: key + 1, text: JSON.stringify(value), value, account };
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** account.js's account, or null when it cannot be read (posts are then kept without an author). */
export function parseAccountScript(script: string): ArchiveAccount | null {
  const body = stripBom(script).replace(ARCHIVE_PREFIX, '');
  try {
    return readArchiveAccount(JSON.parse(body));
  } catch {
    return null;
  }
}

/** Every post of an X archive's zip: account.js is read first, then tweets.js and each tweets-partN.js. */
export async function* zipArchiveItems(path: string, fileName: string): AsyncGenerator<ImportUnit> {
  const zip = await openZip(path);
  try {
    const entries = await listEntries(zip);
    const accountEntry = entries.find((e) => isAccountEntry(e.fileName));
    const account = accountEntry ? parseAccountScript(await readAll(await openEntry(zip, accountEntry))) : null;
    const parts = entries.filter((e) => isTweetsEntry(e.fileName)).sort((a, b) => partOf(a) - partOf(b));
    if (parts.length === 0) throw new BadPayload(`${fileName}: no data/tweets.js in this archive`);
    for (const entry of parts) {
      yield* archiveItems(await openEntry(zip, entry), `${fileName}!${entry.fileName}`, account);
    }
  } finally {
    zip.close();
  }
}

const partOf = (e: yauzl.Entry) => Number(/-part(\d+)\.js$/.exec(e.fileName)?.[1] ?? 0);

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) =>
      err ? reject(wrapZip(err)) : resolve(zip),
    ),
  );
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (err: Error) => reject(wrapZip(err)));
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err ? reject(wrapZip(err)) : resolve(stream))),
  );
}

const wrapZip = (err: Error) => new BadPayload(`not a readable zip archive: ${err.message}`);

export interface ImportInput {
  format: ImportFormat;
  /** The file's path (null for stdin). */
  path: string | null;
  fileName: string;
  /** The file's bytes (ignored for a zip, which is read by path). */
  input: Readable;
  head: Buffer;
  /** The archive's account when a tweets.js is given alone (from the account.js beside it). */
  account?: ArchiveAccount | null;
}

/** A file's units in its format. */
export function unitsOf(source: ImportInput): AsyncGenerator<ImportUnit> {
  const { format, path, fileName } = source;
  if (format === 'x-archive' && isZip(source.head)) {
    source.input.destroy();
    if (path === null) throw new BadPayload('an X archive zip must be given as a file, not on stdin');
    return zipArchiveItems(path, fileName);
  }
  const text = textStream(source.input, isGzip(source.head));
  if (format === 'x-archive') return archiveItems(text, fileName, source.account ?? null);
  if (format === 'x-response') return wholeBody(text, fileName);
  return jsonLines(text, fileName, format);
}

export function isZip(head: Buffer): boolean {
  return head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'));
}

/** For `data/tweets.js` given alone: the account from `account.js` beside it, when there is one. */
export async function siblingAccount(path: string): Promise<ArchiveAccount | null> {
  try {
    return parseAccountScript(await readAll(createReadStream(join(dirname(path), 'account.js'))));
  } catch {
    return null;
  }
}
