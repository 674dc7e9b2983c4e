// `onrecord start` (the service built into plain JavaScript, see
// scripts/build-service.mjs) serves the HTTP API beside the worker, extracts
// an article in its worker thread, and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';

const BIN = new URL('../../../bin/onrecord', import.meta.url).pathname;
const getDb = useTestDatabase();

describe('onrecord start', () => {
  it('serves /healthz and /api/posts on HOST:PORT and exits 0 on SIGTERM', async () => {
    const db = getDb();
    const a = await insertAccount(db, { handle: 'USFOR_A' });
    await insertPost(db, { accountId: a.id, text: 'Ceasefire talks resume today', createdAt: '2026-01-05T10:00:00Z' });
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ONRECORD_API_TOKEN: 'tok',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${seen}`)));
      });
      // No X_BEARER_TOKEN here: health answers, and says that the X account is not polled.
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unhealthy', blocked: 1, database: { ok: true } });
      const found = (await (await fetch(`${url}/api/posts?q=ceasefire`)).json()) as { posts: { text: string }[] };
      expect(found.posts.map((p) => p.text)).toEqual(['Ceasefire talks resume today']);
      // The page is read by the extractor's worker thread (its own module in the build).
      const added = await fetch(`${url}/api/articles`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: JSON.stringify({
          source:
            '<html><head><title>Talks</title></head><body><article><h1>Talks</h1><p>Officials said the ceasefire talks resume today, after a week in which both delegations met twice with the mediators.</p></article></body></html>',
          url: 'https://news.example/talks',
        }),
      });
      expect(added.status).toBe(201);
      expect(((await added.json()) as { article: { title: string } }).article.title).toBe('Talks');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
