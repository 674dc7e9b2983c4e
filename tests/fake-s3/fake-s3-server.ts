// A local S3-compatible server (path-style, like MinIO or Ceph behind an
// endpoint) that enforces what the media store relies on, as AWS documents
// it: every request signed with Signature Version 4 (Authorization header
// checked in full against the secret: credential scope, signed headers,
// canonical request, signature), x-amz-date and x-amz-content-sha256
// required; PUT needs a Content-Length and its body must hash to the signed
// payload hash (XAmzContentSHA256Mismatch otherwise); HEAD answers headers
// only (404 without a body); GET answers the object or a byte range (206,
// 416 for a range past the end); errors as S3's XML documents.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  /** http://127.0.0.1:PORT, for the endpoint parameter. */
  readonly url: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** Stored objects, by "bucket/key". */
  readonly objects: Map<string, { body: Buffer; contentType: string }>;
  /** Requests received, as "METHOD /bucket/key STATUS". */
  readonly log: string[];
  close(): Promise<void>;
}

export async function startFakeS3(options: { buckets: string[]; region?: string }): Promise<FakeS3> {
  const state = {
    accessKeyId: 'AKIAONRECORDTEST0001',
    secretAccessKey: 'fake/secret/key/for/onrecord/tests/only',
    region: options.region ?? 'us-east-1',
    buckets: new Set(options.buckets),
    objects: new Map<string, { body: Buffer; contentType: string }>(),
    log: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = handle(state, req, Buffer.concat(chunks), res);
      state.log.push(`${req.method} ${req.url} ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessKeyId: state.accessKeyId,
    secretAccessKey: state.secretAccessKey,
    region: state.region,
    objects: state.objects,
    log: state.log,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type State = {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  buckets: Set<string>;
  objects: Map<string, { body: Buffer; contentType: string }>;
};

function handle(state: State, req: IncomingMessage, body: Buffer, res: ServerResponse): number {
  const auth = checkSignature(state, req);
  if (auth) return error(res, req, auth.status, auth.code, auth.message);
  const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
  const [, bucket = '', ...rest] = path.split('/');
  const key = rest.join('/');
  if (!state.buckets.has(bucket)) return error(res, req, 404, 'NoSuchBucket', 'The specified bucket does not exist');
  const id = `${bucket}/${key}`;
  if (req.method === 'PUT') return put(state, req, res, id, body);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return error(res, req, 405, 'MethodNotAllowed', 'The specified method is not allowed');
  const object = state.objects.get(id);
  if (!object) return error(res, req, 404, 'NoSuchKey', 'The specified key does not exist.');
  return get(req, res, object);
}

function put(state: State, req: IncomingMessage, res: ServerResponse, id: string, body: Buffer): number {
  if (req.headers['content-length'] === undefined)
    return error(res, req, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  const claimed = String(req.headers['x-amz-content-sha256']);
  if (claimed !== 'UNSIGNED-PAYLOAD' && claimed !== createHash('sha256').update(body).digest('hex'))
    return error(
      res,
      req,
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  state.objects.set(id, { body, contentType: String(req.headers['content-type'] ?? 'binary/octet-stream') });
  res.writeHead(200, { etag: etag(body) }).end();
  return 200;
}

function get(req: IncomingMessage, res: ServerResponse, object: { body: Buffer; contentType: string }): number {
  const size = object.body.length;
  const headers = { 'content-type': object.contentType, etag: etag(object.body), 'accept-ranges': 'bytes' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
  if (req.headers.range && range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
    if (start >= size) return error(res, req, 416, 'InvalidRange', 'The requested range is not satisfiable');
    const part = object.body.subarray(start, end + 1);
    res.writeHead(206, { ...headers, 'content-length': part.length, 'content-range': `bytes ${start}-${end}/${size}` });
    res.end(req.method === 'HEAD' ? undefined : part);
    return 206;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  res.end(req.method === 'HEAD' ? undefined : object.body);
  return 200;
}

const etag = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

function error(res: ServerResponse, req: IncomingMessage, status: number, code: string, message: string): number {
  if (req.method === 'HEAD') {
    res.writeHead(status).end();
    return status;
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml' }).end(xml);
  return status;
}

/** Checks the Authorization header the way S3 does; returns the error to answer, or null. */
function checkSignature(state: State, req: IncomingMessage): { status: number; code: string; message: string } | null {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  const denied = (code: string, message: string) => ({ status: 403, code, message });
  if (!m) return denied('AccessDenied', 'Requests must be signed with AWS Signature Version 4');
  const [, keyId, day, region, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== state.accessKeyId)
    return denied('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist');
  if (region !== state.region)
    return { status: 400, code: 'AuthorizationHeaderMalformed', message: `region ${region}` };
  const date = String(req.headers['x-amz-date'] ?? '');
  const payload = req.headers['x-amz-content-sha256'];
  if (!date.startsWith(day!) || !payload)
    return { status: 400, code: 'InvalidRequest', message: 'x-amz-date and x-amz-content-sha256 are required' };
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256'))
    return denied('AccessDenied', 'host, x-amz-date and x-amz-content-sha256 must be signed');
  const [rawPath, query = ''] = (req.url ?? '/').split('?');
  const canonicalPath = decodeURIComponent(rawPath!).split('/').map(rfc3986).join('/');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((p) =>
      p
        .split('=')
        .map((s) => rfc3986(decodeURIComponent(s)))
        .join('='),
    )
    .sort()
    .join('&');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonical = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payload].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${state.secretAccessKey}`, day!);
  for (const part of [region!, 's3', 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (expected !== signature)
    return denied(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  return null;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
