// The Mastodon adapter against the local fake server: accounts by handle and
// by ID, the backfill across Link pages, an unchanged account in one request,
// new statuses read forward with min_id, boosts, replies and media.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/core/errors.js';
import type { MastodonSource } from '../../../src/adapters/mastodon/mastodon-source.js';
import { accountJson } from '../../fake-mastodon/fake-mastodon-render.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { makeMedia } from '../../fake-mastodon/fixtures.js';
import { newestOf, readTimeline, sourceFor } from './mastodon-helpers.js';

let fake: RunningFakeMastodon;
let source: MastodonSource;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example' });
  source = sourceFor([fake]);
});

afterAll(async () => {
  source.close();
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
  fake.requests.splice(0);
});

describe('accounts', () => {
  it('resolves @user@server on its server and keeps the answer exactly as received', async () => {
    const account = fake.addAccount({ username: 'Minister_Resolve', displayName: 'Office of the Minister' });
    const lookup = await source.resolveAccount('@minister_resolve@Gov.Example');
    expect(lookup).toEqual({
      kind: 'found',
      user: {
        platformUserId: `gov.example:${account.id}`,
        handle: 'Minister_Resolve@gov.example',
        displayName: 'Office of the Minister',
      },
      capture: {
        source: 'mastodon:account',
        requestUrl: `${fake.url}/api/v1/accounts/lookup?acct=minister_resolve`,
        httpStatus: 200,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify(accountJson(account, fake.state)),
      },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('answers not_found for an unknown handle and for an answer naming another server’s account', async () => {
    const unknown = await source.resolveAccount('nobody@gov.example');
    expect(unknown).toMatchObject({
      kind: 'not_found',
      capture: { httpStatus: 404, body: '{"error":"Record not found"}' },
    });
    fake.addAccount({ username: 'visitor' });
    fake.injectFault({ kind: 'mutate', mutate: (body) => ({ ...(body as object), acct: 'visitor@city.example' }) });
    const remote = await source.resolveAccount('visitor@gov.example');
    expect(remote).toMatchObject({
      kind: 'not_found',
      detail: 'visitor@city.example is an account of city.example, not of gov.example',
    });
  });

  it('follows an account by ID across a rename and sees a suspension', async () => {
    const account = fake.addAccount({ username: 'press_office' });
    fake.rename(account.id, 'press_desk');
    const renamed = await source.lookupAccount(`gov.example:${account.id}`);
    expect(renamed).toMatchObject({ kind: 'found', user: { handle: 'press_desk@gov.example' } });
    expect((await source.resolveAccount('press_office@gov.example')).kind).toBe('not_found');
    fake.suspend(account.id);
    expect(await source.lookupAccount(`gov.example:${account.id}`)).toMatchObject({ kind: 'suspended' });
  });

  it('refuses handles and IDs without a server', async () => {
    await expect(source.resolveAccount('@minister')).rejects.toBeInstanceOf(InvalidInput);
    await expect(source.lookupAccount('12345')).rejects.toBeInstanceOf(InvalidInput);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('timeline', () => {
  it('backfills across Link pages, then an unchanged account costs exactly one request', async () => {
    const { account, statuses } = fake.seedAccount({ username: 'backfill_office', statuses: 95 });
    const id = `gov.example:${account.id}`;
    const pages = await readTimeline(source, id, null);
    expect(pages.map((p) => p.posts.length)).toEqual([40, 40, 15]);
    const ids = pages.flatMap((p) => p.posts.map((post) => post.platformId));
    expect(new Set(ids)).toEqual(new Set(statuses.map((s) => `gov.example:${s.id}`)));
    // The second page is the Link header's rel="next": max_id is the first page's last status.
    const asked = fake.requestsTo('accounts/:id/statuses').map((r) => r.query);
    expect(asked).toEqual([
      { limit: '40' },
      { limit: '40', max_id: statuses[55]!.id },
      { limit: '40', max_id: statuses[15]!.id },
    ]);
    const cursor = newestOf(source, pages);
    expect(cursor).toBe(statuses.at(-1)!.id);

    fake.requests.splice(0);
    const again = await source.fetchPage({ platformUserId: id }, cursor, undefined);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.query).toEqual({ limit: '40', min_id: cursor });
    expect(again).toMatchObject({ posts: [], problems: [], errors: [], newestCursor: null });
    expect(again.nextPageToken).toBeUndefined();
  });

  it('reads new statuses forward from the cursor with min_id, page after page', async () => {
    const { account, statuses } = fake.seedAccount({ username: 'forward_office', statuses: 3 });
    const id = `gov.example:${account.id}`;
    const cursor = statuses.at(-1)!.id;
    const fresh = Array.from({ length: 45 }, (_, i) =>
      fake.publish({ account, text: `Update ${i + 1}`, at: new Date(Date.parse('2026-03-02T00:00:00Z') + i * 1000) }),
    );
    const pages = await readTimeline(source, id, cursor);
    expect(pages.map((p) => p.posts.length)).toEqual([40, 5]);
    // Each page newest first; the first holds the 40 statuses immediately newer than the cursor.
    expect(pages[0]!.posts.map((p) => p.platformId)).toEqual(
      fresh
        .slice(0, 40)
        .reverse()
        .map((s) => `gov.example:${s.id}`),
    );
    expect(fake.requestsTo('accounts/:id/statuses').map((r) => r.query.min_id)).toEqual([cursor, fresh[39]!.id]);
    expect(newestOf(source, pages, cursor)).toBe(fresh.at(-1)!.id);
  });

  it('keeps a boost as a reference and archives the boosted status as its author’s', async () => {
    const office = fake.addAccount({ username: 'boosting_office' });
    const remote = fake.addAccount({ username: 'mayor', domain: 'city.example', displayName: 'City Mayor' });
    const original = fake.publish({
      account: remote,
      text: 'The bridge reopens on Monday.',
      at: '2026-03-03T08:00:00Z',
    });
    const boost = fake.publish({ account: office, boostOf: original, at: '2026-03-03T09:00:00Z' });
    const [page] = await readTimeline(source, `gov.example:${office.id}`, null);
    expect(page!.posts).toHaveLength(2);
    const [repost, boosted] = page!.posts;
    expect(repost).toMatchObject({
      platformId: `gov.example:${boost.id}`,
      authorHandle: 'boosting_office@gov.example',
      text: 'The bridge reopens on Monday.',
      repostOf: `gov.example:${original.id}`,
      referencedPosts: [{ type: 'reblogged', id: `gov.example:${original.id}` }],
      via: 'data',
    });
    expect(boosted).toMatchObject({
      platformId: `gov.example:${original.id}`,
      authorId: `gov.example:${remote.id}`,
      authorHandle: 'mayor@city.example',
      authorName: 'City Mayor',
      via: 'retweeted',
    });
    expect(page!.newestCursor).toBe(boost.id);
  });

  it('reads replies, media with descriptions, mentions and content warnings', async () => {
    const office = fake.addAccount({ username: 'media_office' });
    const first = fake.publish({ account: office, text: 'Road works begin.', at: '2026-03-04T08:00:00Z' });
    const photo = makeMedia('image', { description: 'Crews at the north gate', width: 1600, height: 900 });
    const reply = fake.publish({
      account: office,
      replyTo: first,
      text: 'Photo from the site, with @media_office. #RoadWorks',
      spoilerText: 'Traffic',
      media: [photo],
      at: '2026-03-04T09:00:00Z',
    });
    const [page] = await readTimeline(source, `gov.example:${office.id}`, null);
    const post = page!.posts.find((p) => p.platformId === `gov.example:${reply.id}`)!;
    expect(post).toMatchObject({
      text: 'Traffic\n\nPhoto from the site, with @media_office. #RoadWorks',
      inReplyToUserId: `gov.example:${office.id}`,
      referencedPosts: [{ type: 'replied_to', id: `gov.example:${first.id}` }],
      mentions: ['media_office@gov.example'],
      hashtags: ['RoadWorks'],
      mediaKeys: [`gov.example:${photo.id}`],
    });
    expect(post.media[0]).toMatchObject({
      type: 'image',
      altText: 'Crews at the north gate',
      width: 1600,
      height: 900,
    });
  });

  it('rejects a page token that is not one', async () => {
    await expect(source.fetchPage({ platformUserId: 'gov.example:1' }, null, 'not-a-token')).rejects.toBeInstanceOf(
      InvalidInput,
    );
  });
});
