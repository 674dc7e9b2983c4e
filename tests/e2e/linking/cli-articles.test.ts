// The model case through the command line: bin/onrecord in a child process
// adds the plain-text report and shows exactly the two embedded posts, from
// the article's side and from each post's side (posts show lists its articles).
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { EMBEDDED, MODEL_ARTICLE } from '../../fixtures/linking/model-case.js';
import { seedModelCase } from '../../fixtures/linking/seed.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-articles-'));
const env = () => ({ ...process.env, DATABASE_URL: getDb().url, LOG_LEVEL: 'warn', X_BEARER_TOKEN: '' });

async function onrecord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { env: env() }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

function withStdin(input: string, ...args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

type Seeded = Awaited<ReturnType<typeof seedModelCase>>;
let seeded: Seeded;

beforeAll(async () => {
  seeded = await seedModelCase(getDb());
  writeFileSync(join(dir, 'report.txt'), MODEL_ARTICLE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ArticleJson {
  id: number;
  references: {
    post: { platform: string; id: string; account: string; text: string; url: string };
    kind: string;
    confidence: number;
    evidence: { form: string };
  }[];
}
let article: ArticleJson;

describe('onrecord articles', () => {
  it('adds the model case and links exactly the two embedded posts', async () => {
    const added = await onrecord(
      'articles',
      'add',
      join(dir, 'report.txt'),
      '--published-at',
      '2020-03-04T18:00:00Z',
      '--json',
    );
    expect(added.stderr).toBe('');
    article = JSON.parse(added.stdout) as ArticleJson;
    const linked = article.references.map((r) => ({
      platform: r.post.platform,
      id: r.post.id,
      account: r.post.account,
      kind: r.kind,
      form: r.evidence.form,
    }));
    expect(linked).toEqual([
      { platform: 'x', id: seeded.strike.platformId, account: 'x:USFOR_A', kind: 'embed', form: 'embed-text' },
      { platform: 'x', id: seeded.commitment.platformId, account: 'x:USFOR_A', kind: 'embed', form: 'embed-text' },
    ]);
    expect(article.references[0]!.post.url).toBe(`https://x.com/USFOR_A/status/${seeded.strike.platformId}`);
    const shown = await onrecord('articles', 'show', String(article.id), '--json');
    expect(JSON.parse(shown.stdout)).toEqual(article);
  });

  it('lists the article, and shows it to people', async () => {
    const listed = await onrecord('articles', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id: article.id,
        title: 'U.S. strikes Taliban fighters in Helmand days after Doha agreement',
        url: null,
        publishedAt: '2020-03-04T18:00:00.000Z',
        references: 2,
      },
    ]);
    const human = await onrecord('articles', 'show', String(article.id));
    expect(human.stdout).toContain(`article ${article.id}: U.S. strikes Taliban fighters`);
    expect(human.stdout.split('\n').filter((l) => l.startsWith('embed'))).toHaveLength(2);
  });

  it('posts show lists the citing article for an embedded post, none for a look-alike', async () => {
    const articlesOf = async (platformId: string) =>
      (
        JSON.parse((await onrecord('posts', 'show', `x:${platformId}`, '--json')).stdout) as {
          articles: { id: number; kind: string; confidence: number }[];
        }
      ).articles;
    const cited = await articlesOf(seeded.commitment.platformId);
    expect(cited.map(({ id, kind }) => ({ id, kind }))).toEqual([{ id: article.id, kind: 'embed' }]);
    expect(cited[0]!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(await articlesOf(seeded.lookAlikes[0]!.platformId)).toEqual([]);
  });

  it('reads stdin, and re-adding the same text updates the same article', async () => {
    const first = await withStdin(MODEL_ARTICLE, 'articles', 'add', '-', '--json');
    expect(first.code).toBe(0);
    const again = await withStdin(MODEL_ARTICLE, 'articles', 'add', '-', '--json');
    expect((JSON.parse(again.stdout) as { id: number }).id).toBe((JSON.parse(first.stdout) as { id: number }).id);
  });

  it('refuses a loopback URL by default and names the reason', async () => {
    const refused = await onrecord('articles', 'add', 'http://127.0.0.1:9/report', '--json');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe('onrecord: 127.0.0.1 is not a public address [fetch_refused]');
  });

  it('fetches a page from a URL when private addresses are allowed, keyed by its canonical URL', async () => {
    const page = `<!doctype html><html><head><title>Helmand - Example News</title>
      <link rel="canonical" href="https://news.example/2020/03/04/helmand">
      <meta property="article:published_time" content="2020-03-04T19:00:00Z"></head>
      <body><article><h1>U.S. strikes in Helmand</h1><p>Report text of the day, long enough for a reader view to keep it.</p>
      <blockquote class="twitter-tweet"><p lang="en">${EMBEDDED.strike.text.replace(/https:\/\/t\.co\/\S+/, 'pic.twitter.com/Qk2mD7xPz1')}</p>&mdash; USFOR-A (@USFOR_A)
      <a href="https://twitter.com/USFOR_A/status/${seeded.strike.platformId}?ref_src=twsrc%5Etfw">March 4, 2020</a></blockquote>
      <p>More report text of the day, long enough for a reader view to keep it as well.</p></article></body></html>`;
    const server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/helmand`;
      const added = await run(process.execPath, [BIN, 'articles', 'add', url, '--json'], {
        env: { ...env(), ONRECORD_ALLOW_PRIVATE_FETCH: 'true' },
      });
      const fetched = JSON.parse(added.stdout) as ArticleJson & { key: string; url: string; publishedAt: string };
      expect([fetched.key, fetched.url, fetched.publishedAt]).toEqual([
        'https://news.example/2020/03/04/helmand',
        url,
        '2020-03-04T19:00:00.000Z',
      ]);
      expect(fetched.references.map((r) => [r.post.id, r.kind, r.confidence, r.evidence.form])).toEqual([
        [seeded.strike.platformId, 'embed', 1, 'embed-markup'],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('says so when an article does not exist', async () => {
    const missing = await onrecord('articles', 'show', '999999', '--json');
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'onrecord: no article 999999 [not_found]']);
  });
});
