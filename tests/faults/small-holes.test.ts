// Issue 12.9, the small holes: ids beyond int4 answered 500; a gzip-encoded
// article body was stored undecoded (NUL bytes) and failed with 500; the
// docs page, feeds and JSON lacked nosniff and a CSP, and could be framed;
// /healthz and lastError showed raw database error text; [::127.0.0.1] was
// classified as public.
import { execFile } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { safeFetch, type SafeFetchOptions } from '../../src/adapters/fetch/safe-fetch.js';
import { publicErrorSummary } from '../../src/core/errors.js';
import { useTestDatabase } from '../helpers/database.js';
import { databaseUrl } from '../helpers/pg-admin.js';
import { auth, buildTestApp } from '../helpers/http-app.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const db = useTestDatabase();

describe('ids beyond int4', () => {
  it.each([
    ['GET', '/api/articles/2147483648'],
    ['GET', '/api/articles/99999999999999999999'],
    ['DELETE', '/api/alerts/99999999999'],
    ['GET', '/articles/2147483648'],
  ] as const)('%s %s answers 400 or 404, not 500', async (method, url) => {
    const app = await buildTestApp(db());
    try {
      const res = await app.inject({ method, url, headers: auth });
      expect([400, 404]).toContain(res.statusCode);
    } finally {
      await app.close();
    }
  });

  it('the CLI refuses them with one clear line', async () => {
    const env = { ...process.env, DATABASE_URL: db().url, LOG_LEVEL: 'warn' };
    for (const [args, what] of [
      [['articles', 'show', '2147483648'], 'an article id'],
      [['alerts', 'remove', '99999999999'], 'a rule id'],
    ] as const) {
      const failed = await run(process.execPath, [BIN, ...args], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect([failed.code, failed.stderr.trim()]).toEqual([
        1,
        expect.stringContaining(`${what} is a number from 1 to 2147483647`),
      ]);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('compressed article bodies', () => {
  const page = '<html><body><p>Statement on the record, caf\u00e9.</p></body></html>';
  const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)); // 20 MiB of spaces in ~20 KB
  const bodies: Record<string, [string, Buffer]> = {
    '/gzip': ['gzip', zlib.gzipSync(page)],
    '/deflate': ['deflate', zlib.deflateSync(page)],
    '/br': ['br', zlib.brotliCompressSync(page)],
    '/twice': ['deflate, gzip', zlib.gzipSync(zlib.deflateSync(page))],
    '/bomb': ['gzip', bomb],
    '/corrupt': ['gzip', Buffer.from('this is not gzip at all')],
    '/compress': ['compress', Buffer.from(page)],
  };
  let server: Server;
  let base = '';
  const options: SafeFetchOptions = { allowPrivate: true, maxBytes: 1024 * 1024, timeoutMs: 5000, maxRedirects: 2 };

  beforeAll(async () => {
    server = createServer((req, res: ServerResponse) => {
      const [encoding, body] = bodies[req.url!]!;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['/gzip', '/deflate', '/br', '/twice'])('%s is decoded, never kept encoded', async (path) => {
    const fetched = await safeFetch(`${base}${path}`, options);
    expect(fetched.body).toBe(page);
    expect(fetched.body).not.toContain('\u0000');
  });

  it('a decompression bomb is cut at the size cap after decoding', async () => {
    await expect(safeFetch(`${base}/bomb`, options)).rejects.toThrow(/over the 1048576-byte limit/);
  });

  it('a body that does not decode, or an unknown coding, is refused', async () => {
    await expect(safeFetch(`${base}/corrupt`, options)).rejects.toMatchObject({
      code: 'fetch_refused',
      message: expect.stringMatching(/does not decode as gzip/),
    });
    await expect(safeFetch(`${base}/compress`, options)).rejects.toMatchObject({
      code: 'fetch_refused',
      message: expect.stringMatching(/encoded as compress, which is not supported/),
    });
  });

  it('[::127.0.0.1] and [::ffff:127.0.0.1] are loopback, refused without ONRECORD_ALLOW_PRIVATE_FETCH', async () => {
    const port = new URL(base).port;
    for (const host of ['[::127.0.0.1]', '[::ffff:127.0.0.1]', '[0:0:0:0:0:0:127.0.0.1]']) {
      await expect(safeFetch(`http://${host}:${port}/gzip`, { ...options, allowPrivate: false })).rejects.toMatchObject(
        {
          code: 'fetch_refused',
          message: expect.stringMatching(/is not a public address/),
        },
      );
    }
  });
});

describe('security headers', () => {
  it.each([
    '/api/docs',
    '/api/docs/static/index.html',
    '/api/posts',
    '/api/openapi.json',
    '/feeds/search.atom',
    '/',
    '/healthz',
  ])('%s carries nosniff, a CSP and cannot be framed', async (url) => {
    const app = await buildTestApp(db());
    try {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    } finally {
      await app.close();
    }
  });
});

describe('database errors are never shown raw', () => {
  it('/healthz with the database gone gives a stable code and a short message', async () => {
    const gone = await openDatabase({ url: databaseUrl('onrecord_no_such_database_8f3a'), dataDir: '' });
    const app = await buildTestApp({ ...gone, url: 'postgresql://unused' });
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(503);
      const { database } = res.json();
      expect(database).toEqual({
        ok: false,
        code: 'database',
        message: 'the database did not answer (SQLSTATE 3D000)',
      });
      expect(res.body).not.toContain('onrecord_no_such_database');
    } finally {
      await app.close();
      await gone.close();
    }
  });

  it.each([
    [
      'a driver error with SQLSTATE',
      Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00 in INSERT INTO posts VALUES (secret)'), {
        code: '22021',
      }),
      { code: 'database', message: 'unexpected error (SQLSTATE 22021)' },
    ],
    [
      'a Prisma error wrapping it',
      Object.assign(new Error('Raw query failed. Code: `22P05`. Message: `unsupported Unicode escape`'), {
        code: 'P2010',
        meta: { code: '22P05', message: 'unsupported Unicode escape sequence' },
      }),
      { code: 'database', message: 'unexpected error (SQLSTATE 22P05)' },
    ],
    [
      'a socket error',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      { code: 'connection', message: 'unexpected error (ECONNREFUSED)' },
    ],
    [
      'anything else',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      { code: 'internal', message: 'unexpected error' },
    ],
  ])('%s', (_name, err, expected) => {
    expect(publicErrorSummary(err)).toEqual(expected);
  });
});
