// The search and export commands, run as a user runs them: bin/onrecord in a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-cli-'));

async function onrecord(...args: string[]) {
  const env = { ...process.env, DATABASE_URL: getDb().url, LOG_LEVEL: 'warn' };
  return run(process.execPath, [BIN, ...args], { env }).catch(
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

describe('onrecord search / export', () => {
  beforeAll(async () => {
    const db = getDb();
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    const b = await insertAccount(db, { handle: 'CENTCOM' });
    await insertPost(db, {
      accountId: a.id,
      text: 'Airstrike near the river confirmed',
      createdAt: '2024-05-01T08:00:00Z',
      id: '1785622060800000001',
    });
    await insertPost(db, {
      accountId: b.id,
      text: 'No airstrikes were conducted today',
      createdAt: '2024-05-02T09:30:00Z',
      id: '1785999000000000002',
    });
    await insertPost(db, {
      accountId: a.id,
      text: 'Weekly update on the region',
      createdAt: '2024-05-03T10:00:00Z',
      id: '1786369000000000003',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints posts as JSON, best first, with the contract fields', async () => {
    const { stdout } = await onrecord('search', 'airstrike', '--json');
    const hits = JSON.parse(stdout);
    expect(hits.map((h: Record<string, unknown>) => [h.id, h.platform, h.account, h.text, h.createdAt, h.url])).toEqual(
      [
        [
          '1785622060800000001',
          'x',
          'x:USFOR_A',
          'Airstrike near the river confirmed',
          '2024-05-01T08:00:00.000Z',
          'https://x.com/USFOR_A/status/1785622060800000001',
        ],
        [
          '1785999000000000002',
          'x',
          'x:CENTCOM',
          'No airstrikes were conducted today',
          '2024-05-02T09:30:00.000Z',
          'https://x.com/CENTCOM/status/1785999000000000002',
        ],
      ],
    );
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('filters by account and inclusive days, and prints a table by default', async () => {
    const { stdout } = await onrecord(
      'search',
      'airstrike OR update',
      '--account',
      'x:USFOR_A',
      '--since',
      '2024-05-03',
      '--until',
      '2024-05-03',
    );
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^date\s+account\s+id\s+score\s+cited\s+text$/);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(
        /^2024-05-03 10:00\s+x:USFOR_A\s+1786369000000000003\s+[\d.]+\s+Weekly update on the region$/,
      ),
    ]);
  });

  it('explains bad input on stderr with a non-zero exit', async () => {
    const result = await onrecord('search', 'x', '--since', '2024-13-01');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.trim()).toBe(
      'onrecord: --since must be a day as YYYY-MM-DD (UTC), got "2024-13-01" [invalid_input]',
    );
  });

  it('exports JSON Lines to a file and CSV to stdout', async () => {
    const out = join(dir, 'posts.jsonl');
    const jsonl = await onrecord('export', '--format', 'jsonl', '--account', 'x:CENTCOM', '--out', out);
    expect(jsonl.stderr).toContain('exported 1 posts');
    const records = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.id, r.versions.length, r.versions[0].raw.id])).toEqual([
      ['1785999000000000002', 1, '1785999000000000002'],
    ]);
    const csv = await onrecord('export', '--format', 'csv', 'airstrike');
    expect(csv.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(csv.stdout.split('\n')[0]).toBe(
      'id,platform,account,createdAt,url,status,edited,versions,lang,text,firstSeenAt',
    );
  });
});
