// A process that uses the embedded database through its owner's socket
// follows the owner: when the owner is killed (-9) and another takes the data
// directory over on a new port, the process connects to the new port instead
// of answering 503 for ever.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/adapters/db/pglite-lock.js';

const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-follow-'));
const lock = lockPath(join(dataDir, 'pglite'));
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(started.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : exited(c))));
  rmSync(dataDir, { recursive: true, force: true });
});

function exited(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => child.once('exit', resolve));
}

/** Starts `onrecord start` on the data directory; resolves with its HTTP address once it runs. */
function startService(): Promise<{ child: ChildProcess; http: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ONRECORD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.X_BEARER_TOKEN;
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const http = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
      if (http && log.includes('"msg":"service running"')) resolve({ child, http });
    });
    child.once('exit', (code) => reject(new Error(`service exited ${code}: ${log}`)));
  });
}

function ownerPort(): number | undefined {
  if (!existsSync(lock)) return undefined;
  try {
    return (JSON.parse(readFileSync(lock, 'utf8')) as { port?: number }).port;
  } catch {
    return undefined;
  }
}

async function health(http: string): Promise<number> {
  return (await fetch(`${http}/healthz`)).status;
}

describe('a process on the owner’s socket follows the owner', () => {
  it('answers again once a new owner serves the data directory on a new port', async () => {
    const owner = await startService();
    const firstPort = ownerPort();
    expect(firstPort).toBeGreaterThan(0);
    const follower = await startService();
    expect(await health(follower.http)).toBe(200);

    owner.child.kill('SIGKILL');
    await exited(owner.child);
    await expect.poll(() => health(follower.http), { timeout: 20_000 }).toBe(503);

    await startService();
    const secondPort = ownerPort();
    expect(secondPort).toBeGreaterThan(0);
    expect(secondPort).not.toBe(firstPort);
    await expect.poll(() => health(follower.http), { timeout: 30_000, interval: 250 }).toBe(200);
  }, 240_000);
});
