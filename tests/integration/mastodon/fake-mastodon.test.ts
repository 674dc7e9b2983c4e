// The fake Mastodon server itself, read with plain fetch: the documented
// pagination (max_id, since_id, min_id, limit, Link), filters, history,
// deletions, suspensions, tokens, rate-limit headers and the admin API. The
// adapter's tests are only as good as these semantics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import type { FakeStatus } from '../../fake-mastodon/fake-mastodon-state.js';

let fake: RunningFakeMastodon;
let statuses: FakeStatus[];
let accountId: string;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example' });
  const seeded = fake.seedAccount({ username: 'pages', statuses: 50 });
  statuses = seeded.statuses;
  accountId = seeded.account.id;
});

afterAll(() => fake.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const ids = (json: unknown) => (json as { id: string }[]).map((s) => s.id);
const seq = (from: number, to: number) =>
  statuses
    .slice(from, to)
    .map((s) => s.id)
    .reverse();
const timeline = (query: string) => get(`/api/v1/accounts/${accountId}/statuses${query}`);

describe('pagination', () => {
  it('serves 20 newest first by default, 40 at most, with Link rel="next" and rel="prev"', async () => {
    const first = await timeline('');
    expect(ids(first.json)).toEqual(seq(30, 50));
    expect(first.headers.get('link')).toBe(
      `<https://gov.example/api/v1/accounts/${accountId}/statuses?max_id=${statuses[30]!.id}>; rel="next", ` +
        `<https://gov.example/api/v1/accounts/${accountId}/statuses?min_id=${statuses[49]!.id}>; rel="prev"`,
    );
    expect(ids((await timeline('?limit=100')).json)).toHaveLength(40);
  });

  it('treats max_id as an exclusive upper bound and since_id as giving the newest page above it', async () => {
    expect(ids((await timeline(`?limit=5&max_id=${statuses[10]!.id}`)).json)).toEqual(seq(5, 10));
    expect(ids((await timeline(`?limit=5&since_id=${statuses[10]!.id}`)).json)).toEqual(seq(45, 50));
  });

  it('treats min_id as giving the page immediately above it, newest first, and omits next on a short page', async () => {
    const page = await timeline(`?limit=5&min_id=${statuses[10]!.id}`);
    expect(ids(page.json)).toEqual(seq(11, 16));
    const top = await timeline(`?limit=5&min_id=${statuses[47]!.id}`);
    expect(ids(top.json)).toEqual(seq(48, 50));
    expect(top.headers.get('link')).not.toContain('rel="next"');
    const empty = await timeline(`?min_id=${statuses[49]!.id}`);
    expect(empty.json).toEqual([]);
    expect(empty.headers.get('link')).toBeNull();
  });

  it('filters boosts and replies to others, keeping a thread of the account’s own', async () => {
    const office = fake.addAccount({ username: 'filters' });
    const other = fake.addAccount({ username: 'other' });
    const own = fake.publish({ account: office, text: 'Thread 1/2' });
    const thread = fake.publish({ account: office, text: 'Thread 2/2', replyTo: own });
    const reply = fake.publish({
      account: office,
      text: 'Answer',
      replyTo: fake.publish({ account: other, text: 'Q' }),
    });
    const boost = fake.publish({ account: office, boostOf: fake.publish({ account: other, text: 'News' }) });
    const all = (q: string) => get(`/api/v1/accounts/${office.id}/statuses${q}`).then((r) => ids(r.json));
    expect(await all('')).toEqual([boost.id, reply.id, thread.id, own.id]);
    expect(await all('?exclude_reblogs=true')).toEqual([reply.id, thread.id, own.id]);
    expect(await all('?exclude_replies=1')).toEqual([boost.id, thread.id, own.id]);
  });
});

describe('statuses', () => {
  it('renders content as Mastodon does and serves the edit history oldest first', async () => {
    const office = fake.addAccount({ username: 'render' });
    const s = fake.publish({
      account: office,
      text: "Read https://www.gov.example/a/very/long/path/to/the/statement/2026 & don't miss #Budget",
      at: '2026-03-01T10:00:00.000Z',
    });
    const body = (await get(`/api/v1/statuses/${s.id}`)).json as Record<string, unknown>;
    expect(body.content).toBe(
      '<p>Read <a href="https://www.gov.example/a/very/long/path/to/the/statement/2026" target="_blank" ' +
        'rel="nofollow noopener" translate="no"><span class="invisible">https://www.</span>' +
        '<span class="ellipsis">gov.example/a/very/long/path/t</span><span class="invisible">o/the/statement/2026</span></a> ' +
        '&amp; don&#39;t miss <a href="https://gov.example/tags/budget" class="mention hashtag" rel="tag">#<span>Budget</span></a></p>',
    );
    expect(body).toMatchObject({
      edited_at: null,
      tags: [{ name: 'budget' }],
      uri: `https://gov.example/users/render/statuses/${s.id}`,
    });
    expect((await get(`/api/v1/statuses/${s.id}/history`)).json).toHaveLength(1);
    fake.edit(s.id, { text: 'Budget statement corrected.', at: '2026-03-01T11:00:00.000Z' });
    const history = (await get(`/api/v1/statuses/${s.id}/history`)).json as { created_at: string; content: string }[];
    expect(history.map((h) => h.created_at)).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z']);
    expect(history[1]!.content).toBe('<p>Budget statement corrected.</p>');
    expect((await get(`/api/v1/statuses/${s.id}`)).json).toMatchObject({ edited_at: '2026-03-01T11:00:00.000Z' });
  });

  it('answers 404 for a deleted status (410 on servers that say Gone) and drops it from the timeline', async () => {
    const s = statuses[0]!;
    fake.delete(s.id);
    expect(await get(`/api/v1/statuses/${s.id}`)).toMatchObject({ status: 404, json: { error: 'Record not found' } });
    expect(ids((await timeline(`?max_id=${statuses[2]!.id}`)).json)).toEqual([statuses[1]!.id]);
    const gone = await startFakeMastodon({ domain: 'gone.example', deletedStatus: 410 });
    try {
      const t = gone.publish({ account: gone.addAccount({ username: 'x' }), text: 'Withdrawn.' });
      gone.delete(t.id);
      expect((await fetch(`${gone.url}/api/v1/statuses/${t.id}`)).status).toBe(410);
    } finally {
      await gone.close();
    }
  });

  it('shows a suspended account as suspended, with no statuses', async () => {
    const office = fake.addAccount({ username: 'suspended_office' });
    fake.publish({ account: office, text: 'Before.' });
    fake.suspend(office.id);
    expect((await get(`/api/v1/accounts/lookup?acct=suspended_office`)).json).toMatchObject({
      suspended: true,
      display_name: '',
    });
    expect((await get(`/api/v1/accounts/${office.id}/statuses`)).json).toEqual([]);
  });
});

describe('access, limits and the admin API', () => {
  it('requires a token when told to, and rejects a wrong one', async () => {
    const locked = await startFakeMastodon({ requireToken: true });
    try {
      expect((await fetch(`${locked.url}/api/v1/accounts/1`)).status).toBe(401);
      const ok = await fetch(`${locked.url}/api/v1/accounts/1`, {
        headers: { authorization: `Bearer ${locked.token}` },
      });
      expect(ok.status).toBe(404);
      expect(
        await (await fetch(`${fake.url}/api/v1/accounts/1`, { headers: { authorization: 'Bearer nope' } })).json(),
      ).toEqual({
        error: 'The access token is invalid',
      });
    } finally {
      await locked.close();
    }
  });

  it('counts every request against X-RateLimit-* and answers 429 when the window is used up', async () => {
    const limited = await startFakeMastodon({ rateLimit: { limit: 2 } });
    try {
      const a = await fetch(`${limited.url}/api/v1/accounts/1`);
      expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(a.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000000Z$/);
      await fetch(`${limited.url}/api/v1/accounts/1`);
      const c = await fetch(`${limited.url}/api/v1/accounts/1`);
      expect(c.status).toBe(429);
      expect(await c.json()).toEqual({ error: 'Too many requests' });
      expect(limited.requests.map((r) => r.status)).toEqual([404, 404, 429]);
    } finally {
      await limited.close();
    }
  });

  it('publishes, edits and deletes through /__admin', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${fake.url}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    const { account } = (await post('accounts', { username: 'admin_office' })) as { account: { id: string } };
    const s = (await post('statuses', { account: 'admin_office', text: 'Via admin.' })) as { id: string };
    await post(`statuses/${s.id}/edit`, { text: 'Via admin, edited.' });
    expect((await get(`/api/v1/accounts/${account.id}/statuses`)).json).toMatchObject([
      { content: '<p>Via admin, edited.</p>' },
    ]);
    await post(`statuses/${s.id}/delete`, {});
    expect((await get(`/api/v1/statuses/${s.id}`)).status).toBe(404);
  });
});
