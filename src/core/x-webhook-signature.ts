// X's webhook security, as its webhook documentation describes it: the
// Challenge-Response Check (a GET with `crc_token`, answered with
// `sha256=` + base64(HMAC-SHA256(secret, crc_token))) and the signature of
// each delivery (the same HMAC over the raw request body, in the
// `x-twitter-webhooks-signature` header for the OAuth 1.0 consumer secret,
// `x-twitter-webhooks-signature-oauth2` for the OAuth 2.0 client secret).
// Pure: the route reads the request, this says what to answer.
//
// Both use one key and one construction, so a CRC answer is a signature of
// whatever token is asked for. A token that could be a delivery body would
// let anyone forge a signed delivery through the CRC: only tokens of the
// characters X's tokens use (never `{` or `"`, which every JSON body has)
// are answered.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';
export const SIGNATURE_HEADER_OAUTH2 = 'x-twitter-webhooks-signature-oauth2';

/** The secrets X signs with: the OAuth 2.0 client secret (recommended) and the OAuth 1.0 consumer secret. */
export interface WebhookSecrets {
  clientSecret?: string | undefined;
  consumerSecret?: string | undefined;
}

const CRC_TOKEN = /^[A-Za-z0-9_\-=+/.:]{1,256}$/;

export function hmacBase64(secret: string, message: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(message).digest('base64')}`;
}

/** The secret a CRC answer is made with: the client secret when the app has one, as X does. */
export function crcSecret(secrets: WebhookSecrets): string | undefined {
  return secrets.clientSecret ?? secrets.consumerSecret;
}

export type CrcAnswer = { ok: true; body: { response_token: string } } | { ok: false; reason: string };

export function crcAnswer(secrets: WebhookSecrets, token: string | undefined): CrcAnswer {
  const secret = crcSecret(secrets);
  if (!secret) return { ok: false, reason: 'no webhook secret is configured' };
  if (token === undefined || token === '') return { ok: false, reason: 'crc_token is missing' };
  if (!CRC_TOKEN.test(token)) return { ok: false, reason: 'crc_token has characters X never sends' };
  return { ok: true, body: { response_token: hmacBase64(secret, token) } };
}

/** Constant-time comparison of a received header with the expected value (lengths may differ). */
export function sameSignature(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time independent of `received`.
  return timingSafeEqual(a.length === b.length ? a : b, b) && a.length === b.length;
}

export type SignatureVerdict = { ok: true; header: string } | { ok: false; reason: string };

/**
 * Whether a delivery's raw body is signed by one of the app's secrets: the
 * OAuth 2.0 header with the client secret, or the legacy header with the
 * consumer secret (an app in migration may receive both; one valid is enough).
 */
export function verifyDelivery(
  secrets: WebhookSecrets,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): SignatureVerdict {
  const checks: [string, string | undefined][] = [
    [SIGNATURE_HEADER_OAUTH2, secrets.clientSecret],
    [SIGNATURE_HEADER, secrets.consumerSecret],
  ];
  let sawHeader = false;
  for (const [name, secret] of checks) {
    const value = headers[name];
    if (typeof value !== 'string') continue;
    sawHeader = true;
    if (secret && sameSignature(value, hmacBase64(secret, body))) return { ok: true, header: name };
  }
  return { ok: false, reason: sawHeader ? 'the signature does not match' : 'no signature header' };
}
