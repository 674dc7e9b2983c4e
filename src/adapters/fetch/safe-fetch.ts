// Fetches a news page for the archive without letting a URL reach inside the
// network: http(s) only; every address the name resolves to must be public
// unless allowed; the check runs in the socket's own DNS lookup, so the
// address connected to is the address checked (no DNS rebinding between a
// check and the connection). Redirects are followed by hand, each re-checked.
// The size, the time and the content type are bounded; the body is decoded
// from the charset the header or the page declares.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import iconv from 'iconv-lite';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { FetchRefused, SourceUnavailable } from '../../core/errors.js';

export interface SafeFetchOptions {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  userAgent?: string;
}

export interface FetchedPage {
  /** The URL finally read, after redirects. */
  url: string;
  contentType: string;
  /** html or text, from the content type. */
  kind: 'html' | 'text';
  body: string;
  /** The charset the body was decoded from. */
  charset: string;
}

export const DEFAULT_FETCH_OPTIONS: SafeFetchOptions = {
  allowPrivate: false,
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 15_000,
  maxRedirects: 5,
};

const ACCEPTED_TYPES: Record<string, 'html' | 'text'> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
};

/** True when an address is loopback, private, link-local, unique-local or otherwise not public. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) {
        const e = new FetchRefused(`${hostname} resolves to a non-public address (${refused.address})`);
        return callback(e as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefused(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FetchRefused(`only http(s) URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new FetchRefused('URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address never goes through the lookup: check it here.
  if (isIP(host) && !allowPrivate && !isPublicAddress(host)) throw new FetchRefused(`${host} is not a public address`);
  return url;
}

/** Fetches one page under the policy; throws FetchRefused or SourceUnavailable. */
export async function safeFetch(
  rawUrl: string,
  options: SafeFetchOptions = DEFAULT_FETCH_OPTIONS,
  signal?: AbortSignal,
): Promise<FetchedPage> {
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.allowPrivate), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    let url = checkUrl(rawUrl, options.allowPrivate);
    for (let hop = 0; ; hop++) {
      const res = await send(agent, url, options, combined);
      if (res.location === undefined) return res.page!;
      if (hop >= options.maxRedirects)
        throw new FetchRefused(`more than ${options.maxRedirects} redirects from ${rawUrl}`);
      url = checkUrl(new URL(res.location, url).toString(), options.allowPrivate);
    }
  } catch (err) {
    throw translate(err, rawUrl, timeout.aborted);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

async function send(agent: Agent, url: URL, options: SafeFetchOptions, signal: AbortSignal) {
  const res = await request(url, {
    dispatcher: agent,
    signal,
    headers: {
      'user-agent': options.userAgent ?? 'onrecord (news archive)',
      accept: 'text/html,application/xhtml+xml,text/plain;q=0.8',
    },
  });
  if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
    await res.body.dump();
    return { location: String(res.headers.location) };
  }
  if (res.statusCode >= 400) {
    await res.body.dump();
    const message = `${url.toString()} answered HTTP ${res.statusCode}`;
    throw res.statusCode >= 500 || res.statusCode === 429 ? new SourceUnavailable(message) : new FetchRefused(message);
  }
  const contentType = String(res.headers['content-type'] ?? '');
  const kind = ACCEPTED_TYPES[contentType.split(';')[0]!.trim().toLowerCase()];
  if (!kind) {
    await res.body.dump();
    throw new FetchRefused(`${url.toString()} is ${contentType || 'of no declared type'}, not an HTML or text page`);
  }
  const declared = Number(res.headers['content-length']);
  if (declared > options.maxBytes) {
    await res.body.dump();
    throw new FetchRefused(`${url.toString()} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
  }
  const bytes = await readCapped(res.body, options.maxBytes, url);
  const charset = pickCharset(contentType, bytes, kind);
  return { page: { url: url.toString(), contentType, kind, body: iconv.decode(bytes, charset), charset } };
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
  url: URL,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new FetchRefused(`${url.toString()} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The charset from the header, else from a BOM or a <meta> in the first bytes, else UTF-8. */
export function pickCharset(contentType: string, bytes: Buffer, kind: 'html' | 'text'): string {
  const candidates: (string | undefined)[] = [];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) candidates.push('utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) candidates.push('utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) candidates.push('utf-16be');
  candidates.push(/charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1]);
  if (kind === 'html') {
    const head = bytes.subarray(0, 2048).toString('latin1');
    candidates.push(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1]);
  }
  return candidates.find((c): c is string => !!c && iconv.encodingExists(c))?.toLowerCase() ?? 'utf-8';
}

function translate(err: unknown, url: string, timedOut: boolean): Error {
  if (err instanceof FetchRefused || err instanceof SourceUnavailable) return err;
  // The lookup's refusal arrives wrapped by the socket layer.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof FetchRefused) return cause;
  if (timedOut) return new FetchRefused(`${url} did not answer within the time limit`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new SourceUnavailable(`fetching ${url} failed: ${message}`, { cause: err });
}
