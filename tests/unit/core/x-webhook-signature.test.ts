// X's webhook security (core/x-webhook-signature.ts) against values computed
// here independently with node:crypto, the way X's documentation computes
// them: the CRC answer, and deliveries signed with either secret.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crcAnswer, sameSignature, verifyDelivery } from '../../../src/core/x-webhook-signature.js';

const consumerSecret = 'consumer-secret-for-tests';
const clientSecret = 'client-secret-for-tests';
const expected = (secret: string, message: string | Buffer) =>
  'sha256=' + createHmac('sha256', secret).update(message).digest('base64');

describe('the CRC answer', () => {
  it.each([
    ['a token like X sends', 'bXk_Y3JjLXRva2VuLTEyMzQ1Njc4OTA'],
    ['a UUID', '9b4507b3-9040-4669-9ca3-6b94edb50553'],
    ['base64 with padding', 'Zm9vYmFy+/=='],
  ])('is sha256= + base64 of the HMAC-SHA256 of the token (%s)', (_what, token) => {
    expect(crcAnswer({ consumerSecret }, token)).toEqual({
      ok: true,
      body: { response_token: expected(consumerSecret, token) },
    });
  });

  it('uses the OAuth 2.0 client secret when the app has one', () => {
    const answer = crcAnswer({ consumerSecret, clientSecret }, 'token123');
    expect(answer).toEqual({ ok: true, body: { response_token: expected(clientSecret, 'token123') } });
  });

  it.each([
    ['no token', undefined, 'crc_token is missing'],
    ['an empty token', '', 'crc_token is missing'],
    // A JSON body as a token would make the CRC sign a forged delivery.
    ['a delivery body', '{"data":{"event_type":"post.create"}}', 'crc_token has characters X never sends'],
    ['a token of 257 characters', 'a'.repeat(257), 'crc_token has characters X never sends'],
  ])('refuses %s', (_what, token, reason) => {
    expect(crcAnswer({ consumerSecret }, token)).toEqual({ ok: false, reason });
  });

  it('refuses when no secret is configured', () => {
    expect(crcAnswer({}, 'token123')).toEqual({ ok: false, reason: 'no webhook secret is configured' });
  });
});

describe('a delivery signature', () => {
  const body = Buffer.from('{"data":{"event_type":"post.create","payload":{"id":"1"}}}');

  it.each([
    ['the legacy header, consumer secret', { consumerSecret }, 'x-twitter-webhooks-signature', consumerSecret],
    ['the OAuth 2.0 header, client secret', { clientSecret }, 'x-twitter-webhooks-signature-oauth2', clientSecret],
    [
      'the legacy header when the app has both',
      { consumerSecret, clientSecret },
      'x-twitter-webhooks-signature',
      consumerSecret,
    ],
  ])('is accepted on %s', (_what, secrets, header, secret) => {
    expect(verifyDelivery(secrets, { [header]: expected(secret, body) }, body)).toEqual({ ok: true, header });
  });

  it.each([
    ['signed with another secret', { 'x-twitter-webhooks-signature': expected('another', body) }],
    ['signed over another body', { 'x-twitter-webhooks-signature': expected(consumerSecret, 'other') }],
    ['the signature truncated', { 'x-twitter-webhooks-signature': expected(consumerSecret, body).slice(0, 20) }],
    ['the OAuth 2.0 header without a client secret', { 'x-twitter-webhooks-signature-oauth2': expected('x', body) }],
  ])('is refused when %s', (_what, headers) => {
    expect(verifyDelivery({ consumerSecret }, headers, body)).toEqual({
      ok: false,
      reason: 'the signature does not match',
    });
  });

  it('is refused without a signature header', () => {
    expect(verifyDelivery({ consumerSecret }, {}, body)).toEqual({ ok: false, reason: 'no signature header' });
  });

  it('compares whole values, whatever their lengths', () => {
    expect(sameSignature('sha256=abc', 'sha256=abc')).toBe(true);
    expect(sameSignature('sha256=ab', 'sha256=abc')).toBe(false);
    expect(sameSignature('sha256=abcd', 'sha256=abc')).toBe(false);
    expect(sameSignature('', 'sha256=abc')).toBe(false);
  });
});
