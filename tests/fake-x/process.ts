// Starts the fake X as a separate process (main.ts) and drives it through its
// admin endpoint: for end-to-end tests where the fake must outlive, or die
// independently of, the process under test.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FakeXFixtureFile } from './main.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

export interface FakeXProcess {
  url: string;
  caFile: string;
  bearerToken: string;
  pid: number;
  child: ChildProcess;
  /** Environment for a child that must talk to this fake. */
  env: Record<string, string>;
  /** Calls the admin endpoint, e.g. admin('POST', 'posts', { author: 'USFOR_A', text: 'hi' }). */
  admin<T = unknown>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T>;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface FakeXProcessOptions {
  fixture?: FakeXFixtureFile;
  tls?: boolean;
  port?: number;
  /** Saved after every admin change, loaded at start when it exists (see main.ts). */
  stateFile?: string;
  /** Keeps the CA here, so that a restart keeps the same CA file (the caller removes it). */
  tlsDir?: string;
}

export async function startFakeXProcess(options: FakeXProcessOptions = {}): Promise<FakeXProcess> {
  const args = ['--import', 'tsx', MAIN];
  let fixtureFile: string | undefined;
  if (options.tls === false) args.push('--http');
  if (options.port) args.push('--port', String(options.port));
  if (options.stateFile) args.push('--state', options.stateFile);
  if (options.tlsDir) args.push('--tls-dir', options.tlsDir);
  if (options.fixture) {
    fixtureFile = path.join(tmpdir(), `fake-x-fixture-${process.pid}-${Date.now()}.json`);
    writeFileSync(fixtureFile, JSON.stringify(options.fixture));
    args.push('--fixture', fixtureFile);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (first) => {
      lines.close();
      resolve(first);
    });
    child.once('exit', (code) => reject(new Error(`fake X process exited (${code}) before it started`)));
  });
  const info = JSON.parse(line) as { url: string; caFile: string; bearerToken: string; pid: number };
  const ca = info.caFile ? await readFile(info.caFile, 'utf8') : undefined;
  const env: Record<string, string> = { X_API_BASE_URL: info.url, X_BEARER_TOKEN: info.bearerToken };
  if (info.caFile) env.NODE_EXTRA_CA_CERTS = info.caFile;
  return {
    ...info,
    child,
    env,
    admin: (method, route, body) => adminCall(info.url, ca, method, route, body),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      // A killed fake cannot clean up after itself.
      if (fixtureFile) rmSync(fixtureFile, { force: true });
      if (info.caFile && !options.tlsDir) rmSync(path.dirname(info.caFile), { recursive: true, force: true });
    },
  };
}

function adminCall<T>(base: string, ca: string | undefined, method: string, route: string, body?: unknown): Promise<T> {
  const url = new URL(`/__admin/${route}`, base);
  const payload = body === undefined ? '' : JSON.stringify(body);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<T>((resolve, reject) => {
    const req = request(url, { method, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T & { error?: string };
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`fake X admin ${method} ${route}: ${parsed.error}`));
        else resolve(parsed);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
