// The HTTP of the fake feed server: conditional GET as RFC 9110 §13 decides
// it, and the answers of the faults a feed server can have.
import type http from 'node:http';

export type FakeFeedFault = (
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
  /** 200 with the document cut in half (malformed XML or JSON), no validators. */
  | { kind: 'malformed' }
  /** 200 text/html: a CMS error page where the feed should be. */
  | { kind: 'html-page' }
  /** 200 with an empty body. */
  | { kind: 'empty' }
  /** No answer at all, until the client gives up or the fake closes. */
  | { kind: 'hang' }
  /** A full 200 even when the request's validators match (a server that ignores them). */
  | { kind: 'ignore-conditional' }
) & { path?: string; times?: number | 'always'; after?: number };

export function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

/**
 * RFC 9110 §13.2.2: If-None-Match, when present, decides alone (weak
 * comparison, `*` matches any); otherwise If-Modified-Since, when it is a
 * valid date and the feed has not changed after it.
 */
export function isNotModified(req: http.IncomingMessage, etag: string | null, changedAt: number | null): boolean {
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== null) {
    if (!etag) return false;
    const opaque = (t: string) => t.trim().replace(/^W\//, '');
    return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
  }
  const since = Date.parse(header(req, 'if-modified-since') ?? '');
  return changedAt !== null && Number.isFinite(since) && changedAt <= since;
}

export function answerFault(
  fault: FakeFeedFault,
  document: string,
  contentType: string,
  res: http.ServerResponse,
): void {
  if (fault.kind === 'status') {
    const headers = { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' };
    const retry = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
    return void res.writeHead(fault.status, { ...headers, ...retry }).end(fault.body ?? `<h1>${fault.status}</h1>`);
  }
  if (fault.kind === 'malformed') {
    return void res
      .writeHead(200, { 'content-type': contentType })
      .end(document.slice(0, Math.floor(document.length / 2)));
  }
  if (fault.kind === 'html-page') {
    const page = '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><p>Back soon.</p></body></html>';
    return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  }
  res.writeHead(200, { 'content-type': contentType }).end();
}
