// Media files in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, R2...),
// content-addressed like the local store: <prefix>/sha256/ab/cd/<sha256>.
// Requests are signed with AWS Signature Version 4 by aws4fetch's signer and
// sent with undici, so that an upload streams the downloaded file from disk
// with its Content-Length (S3 refuses chunked uploads without it). The
// payload hash signed in x-amz-content-sha256 is the file's own sha256,
// which the server checks against the bytes it receives: an upload that
// arrives altered is refused, not stored under the wrong name.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { rm } from 'node:fs/promises';
import { AwsV4Signer } from 'aws4fetch';
import { Agent, request, type Dispatcher } from 'undici';
import { ConfigError, SourceUnavailable } from '../../core/errors.js';
import { isSha256Hex } from '../../core/media-capture.js';
import type { BlobRange, BlobRead, MediaStore } from '../../ports/media.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for none). */
  prefix: string;
  /** Base URL of the service; requests go to <endpoint>/<bucket>/<key> (path style). */
  endpoint: string;
  region: string;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/**
 * Reads `s3://bucket/prefix?endpoint=http://host:port&region=...`. Without an
 * endpoint the bucket is AWS S3's, addressed virtual-hosted style
 * (https://<bucket>.s3.<region>.amazonaws.com); with one, path style, as
 * S3-compatible servers expect.
 */
export function parseS3Url(raw: string, defaultRegion = 'us-east-1'): S3Location {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`ONRECORD_MEDIA_S3_URL is not a URL like s3://bucket/prefix?endpoint=...`);
  }
  if (url.protocol !== 's3:' || !url.hostname)
    throw new ConfigError(`ONRECORD_MEDIA_S3_URL must start with s3://<bucket>, not ${url.protocol}//`);
  const region = url.searchParams.get('region') || defaultRegion;
  const endpoint = url.searchParams.get('endpoint');
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new ConfigError('the endpoint of ONRECORD_MEDIA_S3_URL must be an http:// or https:// URL');
  const bucket = decodeURIComponent(url.hostname);
  return {
    bucket,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ''),
    endpoint: endpoint ? `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}` : awsEndpoint(bucket, region),
    region,
  };
}

function awsEndpoint(bucket: string, region: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com`;
}

export function createS3MediaStore(
  location: S3Location,
  credentials: S3Credentials,
  options: { tempDir: string; timeoutMs?: number },
): MediaStore {
  const timeout = options.timeoutMs ?? 60_000;
  const agent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connect: { timeout } });
  const keyOf = (sha256: string) => {
    if (!isSha256Hex(sha256)) throw new Error(`not a sha256: ${sha256}`);
    const path = `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
    return location.prefix ? `${location.prefix}/${path}` : path;
  };
  const urlOf = (sha256: string) =>
    `${location.endpoint}/${keyOf(sha256).split('/').map(encodeURIComponent).join('/')}`;

  async function send(method: string, sha256: string, init: SendInit = {}): Promise<Dispatcher.ResponseData> {
    const url = urlOf(sha256);
    const signer = new AwsV4Signer({
      method,
      url,
      headers: { 'x-amz-content-sha256': init.payloadSha256 ?? EMPTY_SHA256, ...init.signed },
      service: 's3',
      region: location.region,
      ...credentials,
    });
    const signed = await signer.sign();
    const headers: Record<string, string> = { ...Object.fromEntries(signed.headers), ...init.unsigned };
    try {
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: init.body,
        dispatcher: agent,
      });
    } catch (err) {
      throw new SourceUnavailable(`the media bucket did not answer ${method} ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async function head(sha256: string): Promise<number | null> {
    const res = await send('HEAD', sha256);
    await res.body.dump();
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw await bucketError(res, 'HEAD', keyOf(sha256));
    return Number(res.headers['content-length']);
  }

  return {
    location: `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`,
    tempDir: options.tempDir,

    async put(file) {
      try {
        if ((await head(file.sha256)) !== null) return { existed: true };
        const res = await send('PUT', file.sha256, {
          payloadSha256: file.sha256,
          unsigned: {
            'content-length': String(file.bytes),
            'content-type': file.contentType ?? 'application/octet-stream',
          },
          body: createReadStream(file.path),
        });
        if (res.statusCode !== 200) throw await bucketError(res, 'PUT', keyOf(file.sha256));
        await res.body.dump();
        return { existed: false };
      } finally {
        await rm(file.path, { force: true });
      }
    },

    async read(sha256: string, range?: BlobRange): Promise<BlobRead | null> {
      const unsigned: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end}` } : {};
      const res = await send('GET', sha256, { unsigned });
      if (res.statusCode === 404) {
        const text = await res.body.text().catch(() => '');
        // A missing object is null; a missing bucket is a setting to fix.
        if (text.includes('<Code>NoSuchBucket</Code>'))
          throw new ConfigError(`the media bucket ${location.bucket} does not exist (HTTP 404 NoSuchBucket)`);
        return null;
      }
      if (res.statusCode !== 200 && res.statusCode !== 206) throw await bucketError(res, 'GET', keyOf(sha256));
      const total = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1];
      return { size: Number(total ?? res.headers['content-length']), body: res.body };
    },

    size: head,

    close: () => agent.close(),
  };
}

interface SendInit {
  payloadSha256?: string;
  /** Headers covered by the signature. */
  signed?: Record<string, string>;
  /** Headers S3 does not need signed (length, type, range). */
  unsigned?: Record<string, string>;
  body?: Readable;
}

/** sha256 of no bytes: the payload hash of a request without a body. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function bucketError(res: Dispatcher.ResponseData, method: string, key: string): Promise<Error> {
  const text = method === 'HEAD' ? '' : await res.body.text().catch(() => '');
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const what = [code, message].filter(Boolean).join(': ');
  const detail = `the media bucket answered ${method} ${key} with HTTP ${res.statusCode}${what ? ` (${what})` : ''}`;
  // Wrong keys, a missing bucket or a refused policy need a human; anything else may pass.
  return res.statusCode === 403 || code === 'NoSuchBucket' ? new ConfigError(detail) : new SourceUnavailable(detail);
}
