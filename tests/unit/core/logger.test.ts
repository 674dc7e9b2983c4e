// Logs never carry secrets: the bearer token, the API token, passwords in
// connection URLs and authorization headers are redacted wherever they sit.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger', () => {
  it('redacts secrets at the top level, one level down, and in request headers', () => {
    const { lines, logger } = capture();
    logger.info(
      { X_BEARER_TOKEN: 'AAAA-bearer', config: { ONRECORD_API_TOKEN: 'api-secret', SMTP_URL: 'smtp://u:p@h' } },
      'a',
    );
    logger
      .child({ component: 'http' })
      .info({ req: { headers: { authorization: 'Bearer api-secret', host: 'h' } } }, 'b');
    logger.info({ rule: { id: 1, secret: 'hmac-key' }, token: 'tok' }, 'c');
    const text = JSON.stringify(lines);
    for (const secret of ['AAAA-bearer', 'api-secret', 'smtp://u:p@h', 'hmac-key', '"tok"'])
      expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      X_BEARER_TOKEN: '[redacted]',
      config: { ONRECORD_API_TOKEN: '[redacted]', SMTP_URL: '[redacted]' },
      msg: 'a',
    });
    expect(lines[1]).toMatchObject({ component: 'http', req: { headers: { authorization: '[redacted]', host: 'h' } } });
    expect(lines[2]).toMatchObject({ rule: { id: 1, secret: '[redacted]' }, token: '[redacted]' });
  });
});
