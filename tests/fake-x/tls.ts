// A test certificate authority and a server certificate for 127.0.0.1 and
// localhost, made at runtime so that no key ever lives in the repository.
import { generate } from 'selfsigned';

export interface TestTls {
  /** The CA certificate clients must trust (PEM). */
  caPem: string;
  /** The server certificate, signed by the CA (PEM). */
  certPem: string;
  /** The server's private key (PEM). */
  keyPem: string;
}

let cached: Promise<TestTls> | undefined;

/** One CA and server certificate per process: generating keys costs time, reusing them costs nothing. */
export function testTls(): Promise<TestTls> {
  return (cached ??= createTestTls());
}

async function createTestTls(): Promise<TestTls> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'onrecord fake X test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
