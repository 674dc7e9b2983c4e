// Signatures of webhook bodies: HMAC-SHA256 over the raw bytes of the body,
// sent as `X-Onrecord-Signature-256: sha256=<hex>` (the scheme GitHub uses).
// Receivers recompute it over the body exactly as received, before parsing.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Onrecord-Signature-256';
export const EVENT_HEADER = 'X-Onrecord-Event';
export const DELIVERY_HEADER = 'X-Onrecord-Delivery';

export function signBody(secret: string, rawBody: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Constant-time check of a received signature header against the raw body. */
export function verifySignature(secret: string, rawBody: string | Uint8Array, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
