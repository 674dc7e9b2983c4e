import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../src/core/signature.js';

describe('signature', () => {
  const body = '{"delivery":"d1","events":[{"text":"Très bien"}]}';

  it('is sha256=<hex> of an HMAC-SHA256 over the raw bytes', () => {
    const hex = createHmac('sha256', 'It’s a Secret to Everybody').update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signBody('It’s a Secret to Everybody', body)).toBe(`sha256=${hex}`);
  });

  it('matches GitHub’s published example', () => {
    // docs.github.com "Validating webhook deliveries": secret and payload from the example.
    expect(signBody("It's a Secret to Everybody", 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it.each([
    ['the right signature', 's3cret', body, true],
    ['another secret', 'other', body, false],
    ['a changed body', 's3cret', body.replace('bien', 'mal'), false],
  ])('verifies %s', (_name, secret, received, expected) => {
    expect(verifySignature(secret, received, signBody('s3cret', body))).toBe(expected);
  });

  it.each([undefined, '', 'sha256=00', 'sha1=abc'])('refuses header %j', (header) => {
    expect(verifySignature('s3cret', body, header)).toBe(false);
  });
});
