// What a new user meets first in bin/onrecord: a .env file is read (the
// environment wins), a bad argument is answered without opening any database,
// a malformed DATABASE_URL is named as such, --version, and a search with
// filters and no words that marks cited posts.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const getDb = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-first-hour-'));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs bin/onrecord in `cwd` with exactly `env` (plus PATH), never the caller's settings. */
async function onrecord(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Result> {
  const options = { cwd, env: { PATH: process.env.PATH ?? '', ...env } };
  return run(process.execPath, [BIN, ...args], options).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: Result) => err,
  );
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad arguments are answered before any database is opened', () => {
  // Without DATABASE_URL the CLI would open an embedded database under ONRECORD_DATA_DIR: it must not exist afterwards.
  const dataDir = join(dir, 'never-created');
  it.each([
    [['accounts', 'add', 'foo'], 'account must look like x:USFOR_A'],
    [['accounts', 'add', 'x:USFOR_A', '--every', '1s'], '--every must be a duration of at least 1m'],
    [['posts', 'show', 'x:notanid'], 'is not an X post ID'],
    [['articles', 'show', 'seven'], 'an article id is a number from 1 to 2147483647, got "seven"'],
    [['alerts', 'add', '--webhook', 'https://hooks.example/h', '--secret', 'short'], '--secret must be 8 characters'],
    [['alerts', 'remove', 'one'], 'a rule id is a number from 1 to 2147483647, got "one"'],
    [['search', 'convoy', '--since', 'yesterday'], '--since must be a day as YYYY-MM-DD (UTC), got "yesterday"'],
    [['export', '--format', 'xml'], '--format must be jsonl, csv, warc, got "xml"'],
    [['poll'], 'use poll --once'],
    [['problems', 'list', '--limit', '0'], '--limit must be a positive integer'],
  ])('%j', async (args, message) => {
    const result = await onrecord(dir, { ONRECORD_DATA_DIR: dataDir }, ...args);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/\[invalid_input\]\n$/);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('settings', () => {
  it.each(['localhost:5432/onrecord', 'http://db.example/onrecord', 'postgresql://user:pa55@/onrecord'])(
    'a malformed DATABASE_URL (%s) is reported as a format error, without its value',
    async (url) => {
      const result = await onrecord(dir, { DATABASE_URL: url }, 'accounts', 'list');
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toBe(
        'onrecord: invalid configuration: DATABASE_URL: must be a URL like postgresql://user:password@host:5432/database [config]\n',
      );
    },
  );

  it('--version prints the version', async () => {
    expect(await onrecord(dir, {}, '--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('reads .env from the working directory; the environment wins over it', async () => {
    await insertAccount(getDb(), { handle: 'FROM_ENV_FILE' });
    const project = mkdtempSync(join(dir, 'project-'));
    writeFileSync(
      join(project, '.env'),
      `# as copied from .env.example\nDATABASE_URL=${getDb().url}\nLOG_LEVEL=warn\n`,
    );
    const listed = await onrecord(project, {}, 'accounts', 'list', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { account: string }[]).map((a) => a.account)).toContain('x:FROM_ENV_FILE');
    const overridden = await onrecord(project, { DATABASE_URL: 'not-a-url' }, 'accounts', 'list');
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain('DATABASE_URL: must be a URL like');
  });
});

describe('search with filters and no words', () => {
  beforeAll(async () => {
    const db = getDb();
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    const cited = await insertPost(db, {
      accountId: a.id,
      id: '1785622060800000011',
      text: 'Convoy reached the city at noon',
      createdAt: '2024-05-01T08:00:00Z',
    });
    await insertPost(db, {
      accountId: a.id,
      id: '1785622060800000012',
      text: 'Weekly update on the region',
      createdAt: '2024-05-02T08:00:00Z',
    });
    await insertArticle(db, {
      url: 'https://news.example/convoy',
      title: 'Convoy reaches the city',
      text: 'Officials wrote "Convoy reached the city at noon".',
      citing: [{ postId: cited.id, witnessedText: 'Convoy reached the city at noon' }],
    });
  });

  it('lists the cited posts, marked as cited, in JSON and in the table', async () => {
    const env = { DATABASE_URL: getDb().url, LOG_LEVEL: 'warn' };
    const json = await onrecord(dir, env, 'search', '--cited', '--account', 'x:USFOR_A', '--json');
    expect(json.code).toBe(0);
    const hits = JSON.parse(json.stdout) as { id: string; cited: boolean; citations: number }[];
    expect(hits.map((h) => [h.id, h.cited, h.citations])).toEqual([['1785622060800000011', true, 1]]);

    const all = await onrecord(dir, env, 'search', '--account', 'x:USFOR_A', '--json');
    const allHits = JSON.parse(all.stdout) as { id: string; cited: boolean }[];
    expect(allHits.map((h) => [h.id, h.cited])).toEqual([
      ['1785622060800000012', false],
      ['1785622060800000011', true],
    ]);

    const table = await onrecord(dir, env, 'search', 'convoy');
    expect(table.code).toBe(0);
    const [header, , row] = table.stdout.split('\n');
    expect(header).toMatch(/^date\s+account\s+id\s+score\s+cited\s+text$/);
    expect(row).toMatch(/1785622060800000011\s+\d\.\d{3}\s+cited ×1\s+Convoy reached the city at noon$/);
  });
});
