// The export command draws a progress bar on stderr only when stderr is a terminal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExport } from '../../../src/cli/commands/export.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';

const getDb = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-export-'));

function capture(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY, columns: 100 }), text: () => text };
}

async function runExport(isTTY: boolean, out: string) {
  const stderr = capture(isTTY);
  const stdout = capture(false);
  const rt = createRuntime(
    { stdout: stdout.stream, stderr: stderr.stream, isTty: false },
    { DATABASE_URL: getDb().url, LOG_LEVEL: 'silent' },
  );
  const program = new Command('onrecord').exitOverride();
  registerExport(program, rt);
  await program.parseAsync(['export', '--format', 'jsonl', '--out', out], { from: 'user' });
  return stderr.text();
}

describe('export progress', () => {
  beforeAll(async () => {
    const a = await insertAccount(getDb(), { handle: 'USFOR_A' });
    for (let i = 0; i < 3; i++) {
      await insertPost(getDb(), { accountId: a.id, text: `statement ${i}`, createdAt: `2026-01-0${i + 1}T00:00:00Z` });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws a bar with the count on a terminal', async () => {
    const out = join(dir, 'tty.jsonl');
    const stderr = await runExport(true, out);
    expect(stderr).toContain('3/3 posts');
    expect(stderr).toContain('exported 3 posts to');
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('prints only the summary when stderr is not a terminal', async () => {
    const out = join(dir, 'pipe.jsonl');
    expect(await runExport(false, out)).toBe(`exported 3 posts to ${out}\n`);
  });
});
