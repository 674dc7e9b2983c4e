// The build that bin/onrecord runs (scripts/build-service.mjs): made in a
// copy of the package here, so that builds are really made. Three builds at
// once land whole in one folder; the same sources are not built again; an
// edited source file gets a new build; the build runs without tsx.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'onrecord-build-'));
for (const part of ['src', 'scripts', 'prisma', 'package.json'])
  cpSync(join(ROOT, part), join(copy, part), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const build = async () => (await run(process.execPath, [join(copy, 'scripts/build-service.mjs')])).stdout.trim();
const builds = () => readdirSync(join(copy, 'dist')).sort();

describe('the build', () => {
  it('lands whole in one folder, however many build at once, and is made once per change of the sources', async () => {
    const dirs = await Promise.all([build(), build(), build()]);
    expect(new Set(dirs).size).toBe(1);
    const dir = dirs[0]!;
    expect(dir).toMatch(/[/\\]dist[/\\]build-[0-9a-f]{16}$/);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['main.js', 'extract-task.js']));
    // No scratch folder is left behind: one build, nothing else.
    expect(builds()).toEqual([dir.split(/[/\\]/).pop()]);
    const main = readFileSync(join(dir, 'main.js'), 'utf8');
    // Plain JavaScript: npm packages stay imports, our TypeScript is compiled in.
    expect(main).toMatch(/from "commander"/);
    expect(main).not.toMatch(/\.ts["']/);
    expect(await build()).toBe(dir);
    // An edited source file is built anew.
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(copy, 'src/cli/main.ts'), later, later);
    const rebuilt = await build();
    expect(rebuilt).not.toBe(dir);
    expect(builds()).toHaveLength(2);
  });

  it('runs with plain node, no TypeScript loader', async () => {
    const dir = await build();
    const script = `const { main } = await import(${JSON.stringify(join(dir, 'main.js'))}); process.exitCode = await main(['--version'], {}, process.cwd());`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
  });
});
