// The "done when", through the real poll job and X adapter against
// the fake X API: with a webhook rule on an account, its history raises
// nothing, each new post raises exactly one signed delivery, a keyword rule
// fires only on matching posts, a receiver that fails twice still gets the
// alert exactly once, and edits and deletions reach rules that ask for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsRepository } from '../../../src/adapters/db/alerts-repository.js';
import { verifySignature } from '../../../src/core/signature.js';
import { deliverDueAlerts } from '../../../src/jobs/deliver-alerts.js';
import { useTestDatabase } from '../../helpers/database.js';
import { addAccount, poller, sourceFor, useFakeX } from '../ingest/poll-harness.js';
import { alertContext, manualClock, startReceiver, type Receiver } from './harness.js';

const getDb = useTestDatabase();
const fake = useFakeX();
let all: Receiver;
let keyword: Receiver;
let flaky: Receiver;
let changes: Receiver;
beforeAll(async () => {
  all = await startReceiver();
  keyword = await startReceiver();
  flaky = await startReceiver((_req, n) => (n <= 2 ? { status: 502 } : { status: 200 }));
  changes = await startReceiver();
});
afterAll(() => Promise.all([all, keyword, flaky, changes].map((r) => r.close())));

type Body = { event: string; events: { kind: string; post: { id: string; text: string }; previousText?: string }[] };
const bodies = (r: Receiver) => r.requests.map((q) => JSON.parse(q.raw) as Body);

describe('alerts on a polled account', () => {
  it('history raises nothing; new posts, edits and deletions are each delivered once, signed', async () => {
    const handle = `alerts_${process.pid % 10000}`;
    const { user } = fake().seedAccount({ username: handle, posts: 25 });
    const account = await addAccount(getDb(), handle);
    const repo = createAlertsRepository(getDb().prisma);
    const rule = { secret: 's3cret-all', accounts: [`x:${handle}`], keywords: [], regex: null, digest: 'none' };
    await repo.addRule({ ...rule, channel: 'webhook', target: all.url, events: ['new'] });
    await repo.addRule({ ...rule, channel: 'webhook', target: keyword.url, events: ['new'], keywords: ['embassy'] });
    await repo.addRule({ ...rule, channel: 'webhook', target: flaky.url, events: ['new'] });
    await repo.addRule({ ...rule, channel: 'webhook', target: changes.url, events: ['edited', 'deleted'] });
    const p = poller(getDb(), sourceFor(fake()));
    const clock = manualClock();
    const ctx = alertContext(getDb(), clock);

    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 25 });
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 0, delivered: 0, failed: 0, dead: 0 });

    const a = fake().addPost({ author: user, text: 'The embassy in Kyiv reopens today.' });
    const b = fake().addPost({ author: user, text: 'Weekly briefing at noon.' });
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 2 });
    expect(await deliverDueAlerts(ctx)).toEqual({ dispatched: 2, delivered: 3, failed: 2, dead: 0 });
    for (let i = 0; i < 4 && flaky.requests.length < 4; i++) {
      clock.advance(5_000);
      await deliverDueAlerts(ctx);
    }

    expect(
      bodies(all)
        .map((x) => x.events[0]!.post.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    for (const r of all.requests) {
      expect(verifySignature('s3cret-all', r.raw, r.headers['x-onrecord-signature-256'] as string)).toBe(true);
    }
    expect(bodies(keyword).map((x) => x.events[0]!.post.text)).toEqual(['The embassy in Kyiv reopens today.']);
    // Two posts to a receiver that fails twice (once each): four requests, each post accepted once.
    const flakyIds = flaky.requests.map((r) => r.headers['x-onrecord-delivery']);
    expect(flakyIds).toHaveLength(4);
    expect(new Set(flakyIds).size).toBe(2);
    const flakyRows = await getDb().prisma.delivery.findMany({ where: { rule: { target: flaky.url } } });
    expect(flakyRows.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(flakyRows.map((d) => d.attempts)).toEqual([2, 2]);

    fake().editPost(b.id, { text: 'Weekly briefing moved to 2 pm.' });
    fake().deletePost(a.id);
    await p.poll(account.id, { recheck: true });
    await deliverDueAlerts(ctx);
    const changed = bodies(changes).map((x) => [x.event, x.events[0]!.previousText ?? null]);
    expect(changed.sort()).toEqual([
      ['deleted', null],
      ['edited', 'Weekly briefing at noon.'],
    ]);
    // Nothing more for the `new` rules, and nothing sent twice.
    expect(all.requests).toHaveLength(2);
    expect(keyword.requests).toHaveLength(1);
  });
});
