// Runs the fake X API as its own process, for end-to-end tests:
//   node --import tsx tests/fake-x/main.ts [--http] [--port N] [--token T]
//        [--fixture file.json] [--state state.json] [--tls-dir DIR]
// Prints one JSON line on stdout: { url, caFile, bearerToken, pid }. Stops on SIGTERM/SIGINT.
// With --state, the world is saved after every /__admin change and loaded at start (instead of
// the fixture) when the file exists: a fake killed with -9 comes back as it was. With --tls-dir,
// a restarted fake keeps its CA file. Rate-limit windows and pending faults are not kept.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SeedAccountSpec } from './fixtures.js';
import { startFakeX, type RunningFakeX } from './fake-x-server.js';
import type { FakeXData } from './fake-x-state.js';

/** A fixture file: the fake's data, plus accounts to generate. */
export type FakeXFixtureFile = FakeXData & { accounts?: Omit<SeedAccountSpec, 'text'>[] };

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function saveState(fake: RunningFakeX, file: string): void {
  // Write then rename, so that a kill mid-write never leaves half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(fake.state.snapshot()));
  renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      http: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      fixture: { type: 'string' },
      state: { type: 'string' },
      'tls-dir': { type: 'string' },
    },
  });
  const restored = values.state && existsSync(values.state) ? readJson<FakeXData>(values.state) : undefined;
  const fixture: FakeXFixtureFile = restored ?? (values.fixture ? readJson<FakeXFixtureFile>(values.fixture) : {});
  const fake = await startFakeX({
    tls: !values.http,
    port: Number(values.port),
    ...(values.token ? { bearerToken: values.token } : {}),
    ...(values['tls-dir'] ? { tlsDir: values['tls-dir'] } : {}),
    data: fixture,
  });
  if (!restored) for (const account of fixture.accounts ?? []) fake.seedAccount(account);
  if (values.state) {
    const file = values.state;
    saveState(fake, file);
    fake.onAdminChange = () => saveState(fake, file);
  }
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
