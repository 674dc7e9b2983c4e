// `import` as a user runs it: bin/onrecord in a child process reading a
// gzip'd twarc2 collection from stdin (`import -`) into a real PostgreSQL.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';

const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const FIXTURE = new URL('../../fixtures/import/twarc2-responses.jsonl', import.meta.url).pathname;
const db = useTestDatabase();

/** Runs bin/onrecord with the given bytes on stdin; resolves with its exit code and output. */
function onrecord(args: string[], stdin: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: db().url, LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('bin/onrecord import -', () => {
  it('reads a gzip’d collection from stdin, then the same again writes nothing', async () => {
    const gz = gzipSync(readFileSync(FIXTURE));
    const first = await onrecord(['import', '-', '--json'], gz);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ lines: 4, posts: 3, postsNew: 3, versionsNew: 4, problems: 1 });
    const captures = await db().prisma.capture.findMany({ orderBy: { id: 'asc' } });
    expect(captures.map((c) => `${c.fileName}:${c.fileLine}`)).toEqual(['stdin:1', 'stdin:2', 'stdin:4', 'stdin:5']);
    const again = await onrecord(['import', '-', '--json'], gz);
    expect(JSON.parse(again.stdout)).toMatchObject({ postsNew: 0, versionsNew: 0 });
    expect(await db().prisma.capture.count()).toBe(4);
  });
});
