// Runs the local AppView as its own process (a demo without a Bluesky
// account, or an end-to-end test that kills one side):
//   node --import tsx tests/fake-bsky/main.ts [--port N] [--fixture file.json]
// Prints one JSON line on stdout: { url, pid }. Stops on SIGTERM/SIGINT.
// The fixture file is FakeBskyData plus `accounts: [{ handle, posts?, ... }]`
// (as seedAccount); the /__admin endpoint changes the world while it runs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFakeBsky } from './fake-bsky-server.js';
import type { FakeBskyData } from './fake-bsky-state.js';
import type { SeedAccountSpec } from './fixtures.js';

export type FakeBskyFixtureFile = FakeBskyData & { accounts?: Omit<SeedAccountSpec, 'text'>[] };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, fixture: { type: 'string' } },
  });
  const fixture = values.fixture
    ? (JSON.parse(readFileSync(values.fixture, 'utf8')) as FakeBskyFixtureFile)
    : ({} as FakeBskyFixtureFile);
  const fake = await startFakeBsky({ port: Number(values.port), data: fixture });
  for (const account of fixture.accounts ?? []) fake.seedAccount(account);
  process.stdout.write(`${JSON.stringify({ url: fake.url, pid: process.pid })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`the local AppView failed to start: ${String(err)}\n`);
  process.exit(1);
});
