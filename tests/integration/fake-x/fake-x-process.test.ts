// The fake X as its own process: started from a fixture file, driven through
// /__admin, reached by the adapter with the CA file it prints, and killed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXSource, type XSource } from '../../../src/adapters/x/x-source.js';
import { SourceUnavailable } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/logger.js';
import { userIdFor } from '../../fake-x/fixtures.js';
import type { FakePost } from '../../fake-x/fake-x-state.js';
import type { FakeXRequest } from '../../fake-x/fake-x-server.js';
import { startFakeXProcess, type FakeXProcess } from '../../fake-x/process.js';

let fake: FakeXProcess;
let source: XSource;
const userId = userIdFor('Proc_Acct');

beforeAll(async () => {
  fake = await startFakeXProcess({ fixture: { accounts: [{ username: 'Proc_Acct', posts: 12 }] } });
  source = createXSource({
    baseUrl: fake.url,
    bearerToken: fake.bearerToken,
    timeoutMs: 5_000,
    logger: createLogger({ level: 'silent' }),
    ca: readFileSync(fake.caFile, 'utf8'),
  });
});

afterAll(async () => {
  source.close();
  await fake.stop();
});

const dataOf = (body: unknown) => (body as { data: { id: string; text: string }[] }).data;

describe('fake X as a process', () => {
  it('prints what a child needs and serves the fixture', async () => {
    expect(fake.env).toEqual({
      X_API_BASE_URL: fake.url,
      X_BEARER_TOKEN: 'fake-x-bearer-token',
      NODE_EXTRA_CA_CERTS: fake.caFile,
    });
    const lookup = await source.resolveUser('Proc_Acct');
    expect(lookup.kind === 'found' && lookup.user.platformUserId).toBe(userId);
    const page = await source.fetchTimelinePage(userId, {});
    expect(dataOf(page.body).map((p) => p.text)).toEqual(
      Array.from({ length: 12 }, (_, i) => `Statement ${12 - i} from Proc_Acct`),
    );
  });

  it('posts, edits, deletes and injects faults through /__admin', async () => {
    const post = await fake.admin<FakePost>('POST', 'posts', {
      author: 'Proc_Acct',
      at: '2026-04-01T09:00:00Z',
      text: 'New statement.',
    });
    const edited = await fake.admin<FakePost>('POST', `posts/${post.id}/edit`, {
      at: '2026-04-01T09:05:00Z',
      text: 'New statement, corrected.',
    });
    const page = await source.fetchTimelinePage(userId, { sinceId: post.id });
    expect(dataOf(page.body).map(({ id, text }) => ({ id, text }))).toEqual([
      { id: edited.id, text: 'New statement, corrected.' },
    ]);
    await fake.admin('POST', `posts/${edited.id}/delete`);
    const gone = await source.fetchPostsById([post.id]);
    expect((gone.body as { errors: { title: string }[] }).errors.map((e) => e.title)).toEqual(['Not Found Error']);

    await fake.admin('POST', 'faults', { kind: 'status', status: 503, endpoint: 'users/:id/tweets' });
    await expect(source.fetchTimelinePage(userId, {})).rejects.toBeInstanceOf(SourceUnavailable);
    const requests = await fake.admin<FakeXRequest[]>('GET', 'requests');
    expect(requests.map((r) => [r.endpoint, r.status, r.fault ?? null])).toEqual([
      ['users/by/username/:username', 200, null],
      ['users/:id/tweets', 200, null],
      ['users/:id/tweets', 200, null],
      ['tweets', 200, null],
      ['users/:id/tweets', 503, 'status'],
    ]);
  });

  it('waits through /__admin for a request that hangs', async () => {
    await fake.admin('DELETE', 'requests');
    await fake.admin('POST', 'faults', { kind: 'hang', endpoint: 'users/:id' });
    const controller = new AbortController();
    const pending = source.lookupUserById(userId, controller.signal).catch((e: unknown) => e);
    const seen = await fake.admin<FakeXRequest[]>('GET', 'requests/wait?count=1&endpoint=users/:id');
    expect(seen.map((r) => [r.endpoint, r.status, r.fault])).toEqual([['users/:id', 0, 'hang']]);
    controller.abort(new Error('test is done waiting'));
    expect(await pending).toEqual(new Error('test is done waiting'));
  });

  it('renames and suspends through /__admin', async () => {
    await fake.admin('POST', 'users/Proc_Acct/rename', { username: 'Proc_Renamed' });
    const byId = await source.lookupUserById(userId);
    expect(byId.kind === 'found' && byId.user.handle).toBe('Proc_Renamed');
    await fake.admin('POST', `users/${userId}/status`, { status: 'suspended' });
    const suspended = await source.resolveUser('Proc_Renamed');
    expect(suspended.kind).toBe('suspended');
  });

  it('a killed fake is SourceUnavailable for the adapter', async () => {
    await fake.stop('SIGKILL');
    source.close();
    await expect(source.resolveUser('Proc_Acct')).rejects.toBeInstanceOf(SourceUnavailable);
  });

  it('comes back after kill -9 with its state, port and CA when given a state file and a TLS directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-x-restart-'));
    const options = { stateFile: path.join(dir, 'state.json'), tlsDir: path.join(dir, 'tls') };
    const first = await startFakeXProcess({
      ...options,
      fixture: { accounts: [{ username: 'Again_Acct', posts: 2 }] },
    });
    const again = createXSource({
      baseUrl: first.url,
      bearerToken: first.bearerToken,
      timeoutMs: 5_000,
      logger: createLogger({ level: 'silent' }),
      ca: readFileSync(first.caFile, 'utf8'),
    });
    try {
      const added = await first.admin<FakePost>('POST', 'posts', {
        author: 'Again_Acct',
        text: 'Said before the crash.',
      });
      await first.stop('SIGKILL');
      const port = Number(new URL(first.url).port);
      const second = await startFakeXProcess({ ...options, port });
      try {
        expect({ url: second.url, caFile: second.caFile }).toEqual({ url: first.url, caFile: first.caFile });
        const page = await again.fetchTimelinePage(userIdFor('Again_Acct'), {});
        expect(dataOf(page.body).map((p) => p.text)).toEqual([
          'Said before the crash.',
          'Statement 2 from Again_Acct',
          'Statement 1 from Again_Acct',
        ]);
        expect(dataOf(page.body)[0]!.id).toBe(added.id);
      } finally {
        await second.stop();
      }
    } finally {
      again.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
