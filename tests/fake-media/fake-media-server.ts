// A local HTTP server that plays a media CDN (pbs.twimg.com, video.twimg.com)
// as the downloader meets it: files with their Content-Type and
// Content-Length; 404 for a file never there or deleted, 410 where a CDN says
// so; and the faults to survive: 5xx for a while, a stall after the headers,
// a body larger than it says (or that says nothing of its length), and
// redirects, also to addresses that must not be reached.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Fault =
  | { kind: 'status'; status: number; times: number }
  | { kind: 'stall' }
  | { kind: 'redirect'; location: string }
  | { kind: 'endless'; chunk: number }
  | { kind: 'gone'; status: 404 | 410 };

export interface FakeMedia {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Serves `bytes` at `path` with this Content-Type. */
  put(path: string, contentType: string, bytes: Buffer): string;
  /** The file is deleted: 404, or 410 when the CDN says "gone". */
  remove(path: string, status?: 404 | 410): void;
  /** The next `times` requests of `path` answer `status`. */
  fail(path: string, status: number, times: number): void;
  /** `path` sends its headers and a few bytes, then nothing. */
  stall(path: string): void;
  redirect(path: string, location: string): void;
  /** `path` streams bytes without end and without a Content-Length. */
  endless(path: string, chunk?: number): void;
  /** GET requests received for a path. */
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFakeMedia(): Promise<FakeMedia> {
  const files = new Map<string, { type: string; bytes: Buffer }>();
  const faults = new Map<string, Fault>();
  const hits = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    serve(req, res, path, files.get(path), faults);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    put(path, type, bytes) {
      files.set(path, { type, bytes });
      faults.delete(path);
      return `${url}${path}`;
    },
    remove(path, status = 404) {
      files.delete(path);
      faults.set(path, { kind: 'gone', status });
    },
    fail: (path, status, times) => void faults.set(path, { kind: 'status', status, times }),
    stall: (path) => void faults.set(path, { kind: 'stall' }),
    redirect: (path, location) => void faults.set(path, { kind: 'redirect', location }),
    endless: (path, chunk = 64 * 1024) => void faults.set(path, { kind: 'endless', chunk }),
    hits: (path) => hits.get(path) ?? 0,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function serve(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  file: { type: string; bytes: Buffer } | undefined,
  faults: Map<string, Fault>,
) {
  const fault = faults.get(path);
  if (fault?.kind === 'status') {
    if (--fault.times <= 0) faults.delete(path);
    return res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(`HTTP ${fault.status}`);
  }
  if (fault?.kind === 'redirect') return res.writeHead(302, { location: fault.location }).end();
  if (fault?.kind === 'stall') {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '5000' });
    return void res.write(Buffer.alloc(100));
  }
  if (fault?.kind === 'endless') {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    const pump = () => {
      while (!res.destroyed && res.write(Buffer.alloc(fault.chunk, 7)));
      if (!res.destroyed) res.once('drain', pump);
    };
    return pump();
  }
  if (fault?.kind === 'gone' || !file) {
    const status = fault?.kind === 'gone' ? fault.status : 404;
    return res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 410 ? 'Gone' : 'Not Found');
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': String(file.bytes.length),
    'cache-control': 'max-age=604800',
  });
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}
