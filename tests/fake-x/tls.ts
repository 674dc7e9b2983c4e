// A test certificate authority and a server certificate for 127.0.0.1 and
// localhost, made at runtime so that no key ever lives in the repository.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

const FILES = { caPem: 'ca.pem', certPem: 'cert.pem', keyPem: 'key.pem' } as const;

/**
 * The TLS material kept in `dir` (made there on first use), so that a fake
 * restarted on the same directory keeps its CA file valid for its clients.
 */
export async function testTlsIn(dir: string): Promise<TestTls> {
  const files = Object.fromEntries(Object.entries(FILES).map(([key, name]) => [key, path.join(dir, name)]));
  if (Object.values(files).every((file) => existsSync(file))) {
    return {
      caPem: readFileSync(files.caPem!, 'utf8'),
      certPem: readFileSync(files.certPem!, 'utf8'),
      keyPem: readFileSync(files.keyPem!, 'utf8'),
    };
  }
  const tls = await createTestTls();
  mkdirSync(dir, { recursive: true });
  for (const [key, file] of Object.entries(files)) writeFileSync(file, tls[key as keyof TestTls], { mode: 0o600 });
  return tls;
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
