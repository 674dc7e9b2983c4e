// The embedded database is never opened by two owners. A kill -9 leaves its
// lock file behind ({"pid":999999,"port":1}); processes racing for the
// directory then must still end with exactly one owner, and a lock file
// whose holder is alive but has not finished writing it is not stale.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPath, tryLock } from '../../src/adapters/db/pglite-lock.js';

const BIN = new URL('../../bin/onrecord', import.meta.url).pathname;
const RACER = new URL('./lock-racer.ts', import.meta.url).pathname;
const STALE = JSON.stringify({ pid: 999_999, port: 1 });
const root = mkdtempSync(join(tmpdir(), 'onrecord-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshDir(name: string): string {
  const dir = join(root, name, 'pglite');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Lines a child prints, one promise per expected line, in order. */
function lines(child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queue.push(line);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r)));
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Two processes, loaded and waiting, told "go" at once: how many got the lock. */
async function raceOnce(dir: string): Promise<string[]> {
  const racers = [0, 1].map(() =>
    spawn(process.execPath, ['--import', 'tsx', RACER, dir], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const next = racers.map(lines);
  expect(await Promise.all(next.map((n) => n()))).toEqual(['ready', 'ready']);
  for (const racer of racers) racer.stdin!.write('go\n');
  const outcomes = await Promise.all(next.map((n) => n()));
  for (const racer of racers) racer.stdin!.end();
  await Promise.all(racers.map(exited));
  return outcomes;
}

describe('the embedded database has one owner at a time', () => {
  it('two processes racing over a stale lock left by kill -9: exactly one owner, 20 times in a row', async () => {
    const dir = freshDir('race');
    for (let round = 0; round < 20; round++) {
      writeFileSync(lockPath(dir), STALE);
      const outcomes = await raceOnce(dir);
      expect(outcomes.sort(), `round ${round}`).toEqual(['acquired', 'held']);
    }
  }, 180_000);

  it('a lock whose live holder has not written it yet (empty, or half a record) is not stale', () => {
    const dir = freshDir('half-written');
    const holder = tryLock(dir);
    expect(holder.kind).toBe('acquired');
    try {
      for (const content of ['', '{"pid":12']) {
        writeFileSync(lockPath(dir), content);
        const second = tryLock(dir);
        expect(second.kind, JSON.stringify(content)).toBe('held');
        if (second.kind === 'acquired') second.release();
      }
    } finally {
      if (holder.kind === 'acquired') holder.release();
    }
  });

  it('the holder’s pid and port stay readable for other processes, and a released lock can be taken again', () => {
    const dir = freshDir('published');
    const holder = tryLock(dir);
    if (holder.kind !== 'acquired') throw new Error('expected to own a fresh directory');
    holder.publishPort(45_678);
    const second = tryLock(dir);
    expect(second).toEqual({ kind: 'held', by: { pid: process.pid, port: 45_678 } });
    holder.release();
    const third = tryLock(dir);
    expect(third.kind).toBe('acquired');
    if (third.kind === 'acquired') third.release();
  });

  it('two `onrecord start` at once over a stale lock: one serves the database, the other goes through it', async () => {
    const dataDir = join(root, 'services');
    const dir = join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockPath(dir), STALE);
    const env: NodeJS.ProcessEnv = { ...process.env, ONRECORD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    delete env.X_BEARER_TOKEN;
    const services = [0, 1].map(() =>
      spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    const logs = services.map(() => '');
    // Each either runs (as the owner, or through the owner's port) or gives up
    // waiting for the owner to serve, naming it.
    const settled = services.map(
      (service, i) =>
        new Promise<'running' | 'exited'>((resolve) => {
          service.stderr!.on('data', (d: Buffer) => {
            logs[i] += d.toString();
            if (logs[i]!.includes('"msg":"service running"')) resolve('running');
          });
          service.once('exit', () => resolve('exited'));
        }),
    );
    try {
      const states = await Promise.all(settled);
      const owners = services.filter((_, i) => logs[i]!.includes('embedded database served'));
      expect(owners).toHaveLength(1);
      const ownerPid = owners[0]!.pid;
      expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toMatchObject({ pid: ownerPid });
      states.forEach((state, i) => {
        if (state === 'exited') expect(logs[i]).toContain(`is in use by process ${ownerPid}`);
      });
    } finally {
      for (const service of services) service.kill('SIGTERM');
      await Promise.all(services.map(exited));
    }
  }, 90_000);
});
