// The service build (scripts/build-service.mjs, run by `onrecord start`): two
// builds at once land in the same folder, whole; a build of the same sources
// writes nothing new; the built service runs without the TypeScript loader.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = new URL('../../../scripts/build-service.mjs', import.meta.url).pathname;
const build = async () => (await run(process.execPath, [SCRIPT])).stdout.trim();

describe('the service build', () => {
  it('lands whole in one folder named by its content, however many build at once', async () => {
    const dirs = await Promise.all([build(), build(), build()]);
    expect(new Set(dirs).size).toBe(1);
    const dir = dirs[0]!;
    expect(dir).toMatch(/[/\\]dist[/\\]service-[0-9a-f]{16}$/);
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['main.js', 'extract-task.js']));
    // No scratch folder of a build is left behind.
    expect(readdirSync(join(dir, '..')).filter((name) => name.startsWith('.build-'))).toEqual([]);
    const main = readFileSync(join(dir, 'main.js'), 'utf8');
    // Plain JavaScript: npm packages stay imports, our TypeScript is compiled in.
    expect(main).toMatch(/from "commander"/);
    expect(main).not.toMatch(/\.ts["']/);
    expect(await build()).toBe(dir);
  });

  it('the built command line runs without tsx', async () => {
    const dir = await build();
    expect(existsSync(join(dir, 'main.js'))).toBe(true);
    const script = `const { main } = await import(${JSON.stringify(join(dir, 'main.js'))}); process.exitCode = await main(['--version'], {}, process.cwd());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(stdout.trim()).toBe(pkg.version);
  });
});
