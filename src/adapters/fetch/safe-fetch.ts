// Fetches a news page for the archive without letting a URL reach inside the
// network: http(s) only; every address the name resolves to must be public
// unless allowed; the check runs in the socket's own DNS lookup, so the
// address connected to is the address checked (no DNS rebinding between a
// check and the connection). Redirects are followed by hand, each re-checked.
// The size, the time and the content type are bounded; a compressed body
// (gzip, deflate, br) is decompressed and the size limit applies to what it
// decompresses to; the text is decoded from the charset the header or the
// page declares. `safeRequest` is the same exchange for other documents
// (feeds): the caller's Accept and conditional headers, any final status,
// the caller's own admission of a response before its body is read, and the
// body's bytes with the response headers.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { FetchRefused, OnrecordError, SourceUnavailable } from '../../core/errors.js';

export interface SafeFetchOptions {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  userAgent?: string;
  /**
   * Non-public addresses fetched even when allowPrivate is off (exact IPs:
   * one server on the local network, not the whole of it).
   */
  allowAddresses?: string[];
}

/** What one exchange sends beyond the defaults, and which final responses it reads. */
export interface SafeRequestInit {
  accept: string;
  /** Extra request headers (e.g. if-none-match, if-modified-since). */
  headers?: Record<string, string>;
  /** Called with each final (non-redirect) response before its body is read: throw to refuse it. */
  admit(head: ResponseHead): void;
}

export interface ResponseHead {
  /** The URL finally read, after redirects. */
  url: string;
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  contentType: string;
}

export interface SafeResponse extends ResponseHead {
  /** The body with its content codings undone, within the size limit. */
  bytes: Buffer;
}

/** The time limit cut the exchange: a refusal for a page, worth a retry for a feed. */
export class FetchTimedOut extends FetchRefused {}

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

/**
 * IPv6 networks whose last 32 bits are an IPv4 address: IPv4-mapped
 * (::ffff:127.0.0.1), IPv4-compatible (::127.0.0.1, which URLs normalize to
 * ::7f00:1) and NAT64 (64:ff9b::/96). Such an address is judged by its IPv4.
 */
const EMBEDDED_IPV4_NETWORKS = (['::ffff:0:0/96', '::/96', '64:ff9b::/96'] as const).map((cidr) =>
  ipaddr.IPv6.parseCIDR(cidr),
);

/** True when an address is loopback, private, link-local, unique-local or otherwise not public. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (EMBEDDED_IPV4_NETWORKS.some((network) => v6.match(network))) {
      parsed = new ipaddr.IPv4(v6.toByteArray().slice(12));
    }
  }
  return parsed.range() === 'unicast';
}

/** True when the policy lets a connection go to this address. */
function isAllowedAddress(address: string, allowPrivate: boolean, allowAddresses: readonly string[]): boolean {
  if (allowPrivate || isPublicAddress(address)) return true;
  if (allowAddresses.length === 0 || !ipaddr.isValid(address)) return false;
  const normal = ipaddr.process(address).toString();
  return allowAddresses.some((a) => ipaddr.isValid(a) && ipaddr.process(a).toString() === normal);
}

/**
 * A socket lookup that refuses names resolving to a non-public address (unless
 * allowed), run at connect time so that the address checked is the address
 * connected to. Article fetches and alert targets both connect through it.
 */
export function guardedLookup(allowPrivate: boolean, allowAddresses: readonly string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !isAllowedAddress(a.address, allowPrivate, allowAddresses));
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

/** Checks a URL before any connection: http(s), no credentials, and a literal address must be public. */
export function checkUrl(raw: string, allowPrivate: boolean, allowAddresses: readonly string[] = []): URL {
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
  if (isIP(host) && !isAllowedAddress(host, allowPrivate, allowAddresses))
    throw new FetchRefused(`${host} is not a public address`);
  return url;
}

const PAGE_REQUEST: SafeRequestInit = {
  accept: 'text/html,application/xhtml+xml,text/plain;q=0.8',
  admit: admitPage,
};

/** Fetches one page under the policy; throws FetchRefused or SourceUnavailable. */
export async function safeFetch(
  rawUrl: string,
  options: SafeFetchOptions = DEFAULT_FETCH_OPTIONS,
  signal?: AbortSignal,
): Promise<FetchedPage> {
  const res = await safeRequest(rawUrl, options, PAGE_REQUEST, signal);
  const kind = ACCEPTED_TYPES[mediaType(res.contentType)]!;
  const charset = pickCharset(res.contentType, res.bytes, kind);
  return { url: res.url, contentType: res.contentType, kind, body: iconv.decode(res.bytes, charset), charset };
}

/** A page is an HTML or text document answered with a success. */
function admitPage({ url, status, contentType }: ResponseHead): void {
  if (status >= 400) {
    const message = `${url} answered HTTP ${status}`;
    throw status >= 500 || status === 429 ? new SourceUnavailable(message) : new FetchRefused(message);
  }
  if (!ACCEPTED_TYPES[mediaType(contentType)])
    throw new FetchRefused(`${url} is ${contentType || 'of no declared type'}, not an HTML or text page`);
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * One GET under the policy, redirects followed (each re-checked): the final
 * response, once `init.admit` accepted it, with its body read within the
 * size and time limits. Throws what `admit` throws, FetchRefused or SourceUnavailable.
 */
export async function safeRequest(
  rawUrl: string,
  options: SafeFetchOptions,
  init: SafeRequestInit,
  signal?: AbortSignal,
): Promise<SafeResponse> {
  const allowAddresses = options.allowAddresses ?? [];
  const agent = new Agent({
    connect: { lookup: guardedLookup(options.allowPrivate, allowAddresses), timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    let url = checkUrl(rawUrl, options.allowPrivate, allowAddresses);
    for (let hop = 0; ; hop++) {
      const res = await send(agent, url, options, init, combined);
      if (res.location === undefined) return res.response!;
      if (hop >= options.maxRedirects)
        throw new FetchRefused(`more than ${options.maxRedirects} redirects from ${rawUrl}`);
      url = checkUrl(new URL(res.location, url).toString(), options.allowPrivate, allowAddresses);
    }
  } catch (err) {
    throw translate(err, rawUrl, timeout.aborted);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

async function send(agent: Agent, url: URL, options: SafeFetchOptions, init: SafeRequestInit, signal: AbortSignal) {
  const res = await request(url, {
    dispatcher: agent,
    signal,
    headers: {
      ...init.headers,
      'user-agent': options.userAgent ?? 'onrecord (news archive)',
      accept: init.accept,
      'accept-encoding': 'gzip, deflate, br',
    },
  });
  if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
    await res.body.dump();
    return { location: String(res.headers.location) };
  }
  const head: ResponseHead = {
    url: url.toString(),
    status: res.statusCode,
    headers: flatHeaders(res.headers),
    contentType: String(res.headers['content-type'] ?? ''),
  };
  try {
    init.admit(head);
  } catch (err) {
    await res.body.dump();
    throw err;
  }
  const declared = Number(res.headers['content-length']);
  if (declared > options.maxBytes) {
    await res.body.dump();
    throw new FetchRefused(`${url.toString()} is ${declared} bytes, over the ${options.maxBytes}-byte limit`);
  }
  const encoding = String(res.headers['content-encoding'] ?? '');
  const bytes = await readCapped(decoded(res.body, encoding, url), options.maxBytes, url, encoding);
  return { response: { ...head, bytes } };
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The body with its content codings undone (the last one applied is undone first). */
export function decoded(body: Readable, encoding: string, url: URL): Readable {
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity')
    .reverse();
  if (codings.length === 0) return body;
  const decoders = codings.map((coding) => {
    const make = DECODERS[coding];
    if (!make) throw new FetchRefused(`${url.toString()} is encoded as ${coding}, which is not supported`);
    return make();
  });
  // Errors surface where the result is read (readCapped).
  return pipeline([body, ...decoders], () => undefined) as unknown as Readable;
}

async function readCapped(body: Readable, maxBytes: number, url: URL, encoding: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        body.destroy();
        throw new FetchRefused(`${url.toString()} is over the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    if (encoding && /^(Z_|ERR__ERROR_)/.test(code))
      throw new FetchRefused(`${url.toString()} does not decode as ${encoding}`, { cause: err });
    throw err;
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
  // Our own errors (the policy's refusals, what an admission threw) go through as they are.
  if (err instanceof OnrecordError) return err;
  // The lookup's refusal arrives wrapped by the socket layer.
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof FetchRefused) return cause;
  if (timedOut) return new FetchTimedOut(`${url} did not answer within the time limit`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new SourceUnavailable(`fetching ${url} failed: ${message}`, { cause: err });
}
