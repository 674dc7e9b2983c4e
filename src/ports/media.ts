// What the media downloader, `verify`, bundles, WARC export and the media
// route need: a fetcher that streams one file to a temporary file while
// hashing it, and a store that keeps files by their sha256 (a directory
// under ONRECORD_DATA_DIR, or an S3-compatible bucket).
import type { Readable } from 'node:stream';

/**
 * `downloaded`: the bytes are in `path` (a temporary file the caller moves
 * into the store or removes). `gone`: the platform answered 404 or 410.
 * Failures are thrown: FetchRefused (address policy, over the size limit;
 * never retried) or SourceUnavailable (any other status, timeouts, network
 * errors; retried). A caller's abort rejects with the signal's reason.
 */
export type MediaDownload =
  | {
      kind: 'downloaded';
      /** The address finally read, after redirects. */
      url: string;
      status: number;
      contentType: string | null;
      bytes: number;
      sha256: string;
      path: string;
    }
  | { kind: 'gone'; url: string; status: number };

export interface MediaFetcher {
  download(url: string, signal?: AbortSignal): Promise<MediaDownload>;
}

export interface BlobRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobRead {
  /** The whole blob's size in bytes. */
  size: number;
  body: Readable;
}

export interface MediaStore {
  /** Where it keeps files, for messages (a directory, or s3://bucket/prefix). */
  readonly location: string;
  /** Where downloads are written before they are put (on the store's own disk for an atomic rename). */
  readonly tempDir: string;
  /**
   * Moves a downloaded file in under its sha256; when those bytes are stored
   * already, the download is dropped (`existed`). The file is gone
   * afterwards, whether it was stored or the put failed.
   */
  put(file: { path: string; sha256: string; bytes: number; contentType: string | null }): Promise<{ existed: boolean }>;
  /** The blob (or a range of it), or null when it is not stored. */
  read(sha256: string, range?: BlobRange): Promise<BlobRead | null>;
  /** The size of a stored blob, or null. */
  size(sha256: string): Promise<number | null>;
  close(): Promise<void>;
}
