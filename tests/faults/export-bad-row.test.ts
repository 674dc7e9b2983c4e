// Fault: one capture holding a lone surrogate (`\ud800`, valid JSON, refused by
// PostgreSQL's jsonb) made `export --format jsonl` fail with 0 lines (22P02 in
// the cast of the capture to jsonb). Held: payloads are read without jsonb, so
// that post is exported with its raw payload; a post that truly cannot be
// rendered (a payload nested too deep to serialize) is named on stderr and
// left out, and every other post is exported.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExport } from '../../src/cli/commands/export.js';
import { createRuntime } from '../../src/cli/runtime.js';
import { parseFilters } from '../../src/core/search-query.js';
import { exportPosts } from '../../src/jobs/export-posts.js';
import { useTestDatabase } from '../helpers/database.js';
import { insertAccount, insertPost } from '../helpers/archive-fixtures.js';

const getDb = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-export-fault-'));
const DEPTH = 200_000;
const ids = { plain: '', surrogate: '', deep: '' };

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY: false }), text: () => text };
}

async function runExport(format: 'jsonl' | 'csv', out: string) {
  const stderr = sink();
  const stdout = sink();
  const rt = createRuntime(
    { stdout: stdout.stream, stderr: stderr.stream, isTty: false },
    { DATABASE_URL: getDb().url, LOG_LEVEL: 'silent' },
  );
  const program = new Command('onrecord').exitOverride();
  registerExport(program, rt);
  await program.parseAsync(['export', '--format', format, '--out', out], { from: 'user' });
  return stderr.text();
}

/** Replaces the body of the capture of a post's (only) version, as the source could have sent it. */
async function setCaptureBody(platformId: string, body: string) {
  const n = await getDb().prisma.$executeRaw`
    UPDATE captures SET body = ${body} WHERE id = (SELECT v.capture_id FROM post_versions v
      JOIN posts p ON p.id = v.post_id WHERE p.platform_id = ${platformId})`;
  expect(n).toBe(1);
}

beforeAll(async () => {
  const db = getDb();
  const a = await insertAccount(db, { handle: 'USFOR_A' });
  const post = (text: string, day: number) =>
    insertPost(db, { accountId: a.id, text, createdAt: `2026-02-0${day}T00:00:00Z` });
  ids.plain = (await post('A plain statement', 1)).platformId;
  ids.surrogate = (await post(`Broken \ufffd pair`, 2)).platformId;
  ids.deep = (await post('A statement with a hostile payload', 3)).platformId;
  // What X sent for the broken one: JSON with an escaped lone surrogate (jsonb refuses it).
  await setCaptureBody(ids.surrogate, JSON.stringify({ data: [{ id: ids.surrogate, text: 'Broken \ud800 pair' }] }));
  const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
  await setCaptureBody(ids.deep, `{"data":[{"id":"${ids.deep}","text":"A statement","geo":${deep}}]}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export with a bad row', () => {
  it('exports a capture with a lone surrogate, names the unrenderable post and exports the rest', async () => {
    const out = join(dir, 'all.jsonl');
    const stderr = await runExport('jsonl', out);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { id: string; versions: { raw: { text: string } }[] });
    expect(records.map((r) => r.id)).toEqual([ids.surrogate, ids.plain]);
    expect(records[0]!.versions[0]!.raw.text).toBe('Broken \ud800 pair');
    expect(records[1]!.versions[0]!.raw.text).toBe('A plain statement');
    expect(stderr).toContain(`skipped x:${ids.deep}: it cannot be rendered`);
    expect(stderr).toContain(`exported 2 posts to ${out}; 1 left out, named above`);
  });

  it('reports the skipped post in the result and leaves CSV (no payloads) whole', async () => {
    const skipped: string[] = [];
    const out = sink();
    const result = await exportPosts({
      db: getDb().prisma,
      filters: parseFilters({}),
      format: 'jsonl',
      out: out.stream,
      onSkip: (s) => skipped.push(s.post),
    });
    expect(result.written).toBe(2);
    expect(result.skipped.map((s) => s.post)).toEqual([`x:${ids.deep}`]);
    expect(result.skipped[0]!.reason).toMatch(/call stack/);
    expect(skipped).toEqual([`x:${ids.deep}`]);

    const csvOut = join(dir, 'all.csv');
    const stderr = await runExport('csv', csvOut);
    const rows = parse(readFileSync(csvOut, 'utf8'), { columns: true }) as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual([ids.deep, ids.surrogate, ids.plain]);
    expect(stderr).toBe(`exported 3 posts to ${csvOut}\n`);
  });
});
