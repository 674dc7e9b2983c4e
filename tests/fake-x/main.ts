// Runs the fake X API as its own process, for end-to-end tests:
//   node --import tsx tests/fake-x/main.ts [--http] [--port N] [--token T] [--fixture file.json]
// Prints one JSON line on stdout: { url, caFile, bearerToken, pid }. Stops on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SeedAccountSpec } from './fixtures.js';
import { startFakeX } from './fake-x-server.js';
import type { FakeXData } from './fake-x-state.js';

/** A fixture file: the fake's data, plus accounts to generate. */
export type FakeXFixtureFile = FakeXData & { accounts?: Omit<SeedAccountSpec, 'text'>[] };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      http: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      fixture: { type: 'string' },
    },
  });
  const fixture: FakeXFixtureFile = values.fixture ? JSON.parse(readFileSync(values.fixture, 'utf8')) : {};
  const fake = await startFakeX({
    tls: !values.http,
    port: Number(values.port),
    ...(values.token ? { bearerToken: values.token } : {}),
    data: fixture,
  });
  for (const account of fixture.accounts ?? []) fake.seedAccount(account);
  process.stdout.write(
    `${JSON.stringify({ url: fake.url, caFile: fake.caFile, bearerToken: fake.bearerToken, pid: process.pid })}\n`,
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake X failed to start: ${String(err)}\n`);
  process.exit(1);
});
