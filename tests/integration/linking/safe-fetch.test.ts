// safeFetch against local HTTP servers: the address policy (loopback refused
// unless allowed, also behind a redirect and through DNS), redirect limit,
// size cap, timeout, content type and charset decoding.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, safeFetch, type SafeFetchOptions } from '../../../src/adapters/fetch/safe-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes: Record<string, Handler> = {
  '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>caf\u00e9</p>'),
  '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
  '/xhtml': (_req, res) => res.writeHead(200, { 'content-type': 'application/xhtml+xml' }).end('<html/>'),
  '/latin1-header': (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' })
      .end(iconv.encode('<p>r\u00e9sum\u00e9</p>', 'latin1')),
  '/cp1251-meta': (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(iconv.encode('<meta charset="windows-1251"><p>\u041a\u0430\u0431\u0443\u043b</p>', 'win1251')),
  '/bogus-charset': (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=x-nonsense' }).end('<p>ok</p>'),
  '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  '/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('x'.repeat(200_000));
  },
  '/big-declared': (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '999999999' }).end(),
  '/slow': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<p>start');
    // never ends: the timeout must cut it
  },
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/hop2': (_req, res) => res.writeHead(301, { location: '/hop1' }).end(),
  '/hop1': (_req, res) => res.writeHead(302, { location: '/page' }).end(),
  '/missing': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('nope'),
};

let server: Server;
let base: string;
const open = new Set<ServerResponse>();
beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    (routes[req.url ?? ''] ?? routes['/missing']!)(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const allowed: SafeFetchOptions = { allowPrivate: true, maxBytes: 100_000, timeoutMs: 1_500, maxRedirects: 3 };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'fetched',
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe('address policy', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['192.168.0.1', false],
    ['172.16.5.4', false],
    ['169.254.169.254', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['0.0.0.0', false],
    ['100.64.0.1', false],
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['not-an-ip', false],
  ])('isPublicAddress(%s) = %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses loopback by default: literal address, name resolving to it, and a redirect to it', async () => {
    const strict = { ...allowed, allowPrivate: false };
    const port = new URL(base).port;
    expect(await refusal(safeFetch(`${base}/page`, strict))).toBe('fetch_refused: 127.0.0.1 is not a public address');
    expect(await refusal(safeFetch(`http://localhost:${port}/page`, strict))).toMatch(
      /^fetch_refused: localhost resolves to a non-public address \((127\.0\.0\.1|::1)\)$/,
    );
    expect(await refusal(safeFetch(`http://[::1]:${port}/page`, strict))).toBe(
      'fetch_refused: ::1 is not a public address',
    );
  });

  it.each([
    ['file:///etc/passwd', 'fetch_refused: only http(s) URLs are fetched, not file:'],
    ['ftp://example.org/x', 'fetch_refused: only http(s) URLs are fetched, not ftp:'],
    ['http://user:pw@example.org/', 'fetch_refused: URLs with credentials are not fetched'],
    ['not a url', 'fetch_refused: not a URL: not a url'],
  ])('refuses %s', async (url, expected) => {
    expect(await refusal(safeFetch(url, allowed))).toBe(expected);
  });
});

describe('with private addresses allowed', () => {
  it('reads html, xhtml and plain text, decoding charsets from header or meta', async () => {
    const pick = async (path: string) => {
      const p = await safeFetch(`${base}${path}`, allowed);
      return [p.kind, p.charset, p.body, p.url === `${base}${path}`];
    };
    expect(await pick('/page')).toEqual(['html', 'utf-8', '<p>caf\u00e9</p>', true]);
    expect(await pick('/text')).toEqual(['text', 'utf-8', 'plain words', true]);
    expect(await pick('/xhtml')).toEqual(['html', 'utf-8', '<html/>', true]);
    expect(await pick('/latin1-header')).toEqual(['html', 'iso-8859-1', '<p>r\u00e9sum\u00e9</p>', true]);
    expect(await pick('/cp1251-meta')).toEqual([
      'html',
      'windows-1251',
      '<meta charset="windows-1251"><p>\u041a\u0430\u0431\u0443\u043b</p>',
      true,
    ]);
    expect(await pick('/bogus-charset')).toEqual(['html', 'utf-8', '<p>ok</p>', true]);
  });

  it('follows redirects up to the limit, each one re-checked', async () => {
    const page = await safeFetch(`${base}/hop2`, allowed);
    expect([page.url, page.body]).toEqual([`${base}/page`, '<p>caf\u00e9</p>']);
    expect(await refusal(safeFetch(`${base}/loop`, allowed))).toBe(
      `fetch_refused: more than 3 redirects from ${base}/loop`,
    );
    expect(await refusal(safeFetch(`${base}/hop2`, { ...allowed, maxRedirects: 1 }))).toBe(
      `fetch_refused: more than 1 redirects from ${base}/hop2`,
    );
  });

  it('refuses other content types, oversize bodies, slow servers and error statuses', async () => {
    expect(await refusal(safeFetch(`${base}/json`, allowed))).toBe(
      `fetch_refused: ${base}/json is application/json, not an HTML or text page`,
    );
    expect(await refusal(safeFetch(`${base}/big`, allowed))).toBe(
      `fetch_refused: ${base}/big is over the 100000-byte limit`,
    );
    expect(await refusal(safeFetch(`${base}/big-declared`, allowed))).toBe(
      `fetch_refused: ${base}/big-declared is 999999999 bytes, over the 100000-byte limit`,
    );
    expect(await refusal(safeFetch(`${base}/slow`, { ...allowed, timeoutMs: 300 }))).toBe(
      `fetch_refused: ${base}/slow did not answer within the time limit`,
    );
    expect(await refusal(safeFetch(`${base}/missing`, allowed))).toBe(
      `fetch_refused: ${base}/missing answered HTTP 404`,
    );
  });
});
