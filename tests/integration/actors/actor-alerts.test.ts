// An alert rule for an actor fires for a post of any of its channels, on any
// platform, including a channel added after the rule; not for other accounts,
// and no more once the actor is removed. Each delivered webhook body names the
// post's platform.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorsRepository } from '../../../src/adapters/db/actors-repository.js';
import { createAlertsRepository } from '../../../src/adapters/db/alerts-repository.js';
import { deliverDueAlerts } from '../../../src/jobs/deliver-alerts.js';
import { useTestDatabase } from '../../helpers/database.js';
import { alertContext, recordPostEvent, startReceiver, type Receiver } from '../alerts/harness.js';

const getDb = useTestDatabase();
let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver();
});
afterAll(() => hook.close());

type Body = { events: { kind: string; post: { platform: string; account: string; text: string } }[] };
/** What each request carried, in the order of the posts' texts (deliveries go out concurrently). */
const received = () =>
  hook.requests
    .flatMap((r) => (JSON.parse(r.raw) as Body).events.map((e) => [e.post.platform, e.post.account, e.post.text]))
    .sort((a, b) => a[2]!.localeCompare(b[2]!));

/** A channel on a platform this build has no adapter for: the rows a second platform writes. */
async function addSecondPlatformChannel(actorName: string, handle: string) {
  const db = getDb().prisma;
  const account = await db.account.create({ data: { platform: 'bsky', handle, platformUserId: `did:plc:${handle}` } });
  const actor = (await createActorsRepository(db).get(actorName))!;
  await db.actorChannel.create({ data: { actorId: actor.id, accountId: account.id } });
}

describe('alert rules for an actor', () => {
  it('fire for every channel of the actor, also one added after the rule, and carry the platform', async () => {
    const db = getDb().prisma;
    const actors = createActorsRepository(db);
    const now = new Date();
    await actors.add(
      { name: 'Ministry Spokesman', channels: [{ platform: 'x', handle: 'MinSpox' }], pollIntervalMs: 300_000 },
      now,
    );
    await addSecondPlatformChannel('Ministry Spokesman', 'spox.ministry.example');
    const names = await actors.requireNames(['ministry SPOKESMAN']);
    expect(names).toEqual(['Ministry Spokesman']);
    await createAlertsRepository(db).addRule({
      channel: 'webhook',
      target: hook.url,
      secret: 'actor-rule-secret',
      accounts: [],
      actors: names,
      keywords: [],
      regex: null,
      events: ['new'],
      digest: 'none',
    });
    const ctx = alertContext(getDb());

    await recordPostEvent(getDb(), { handle: 'MinSpox', text: 'Statement on the border crossing' });
    await recordPostEvent(getDb(), {
      platform: 'bsky',
      handle: 'spox.ministry.example',
      text: 'The same statement, on the other channel',
    });
    await recordPostEvent(getDb(), { handle: 'SomeoneElse', text: 'Not the ministry' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ dispatched: 3, delivered: 2, failed: 0, dead: 0 });
    expect(received()).toEqual([
      ['x', 'x:MinSpox', 'Statement on the border crossing'],
      ['bsky', 'bsky:spox.ministry.example', 'The same statement, on the other channel'],
    ]);

    // A channel added after the rule counts from then on.
    await actors.add(
      { name: 'ministry spokesman', channels: [{ platform: 'x', handle: 'MinPress' }], pollIntervalMs: 300_000 },
      new Date(),
    );
    await recordPostEvent(getDb(), { handle: 'MinPress', text: 'Press release on the crossing' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ dispatched: 1, delivered: 1 });
    expect(received()).toContainEqual(['x', 'x:MinPress', 'Press release on the crossing']);
    expect(hook.requests).toHaveLength(3);

    // An actor removed: its rule fires for no account (never for every account).
    await actors.remove('Ministry Spokesman');
    await recordPostEvent(getDb(), { handle: 'MinSpox', text: 'After the actor was removed' });
    await recordPostEvent(getDb(), { handle: 'SomeoneElse', text: 'Anyone else' });
    expect(await deliverDueAlerts(ctx)).toMatchObject({ dispatched: 2, delivered: 0 });
    expect(hook.requests).toHaveLength(3);
  });

  it('refuses a rule naming an actor that does not exist', async () => {
    await expect(createActorsRepository(getDb().prisma).requireNames(['Nobody Known'])).rejects.toThrow(
      /no actor "Nobody Known"/,
    );
  });
});
