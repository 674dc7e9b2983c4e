// Storing responses in the shape of real X v2 recordings: reposts and their
// originals under their own authors, every media key with details filled in
// later and never replaced by fewer, withheld/polls/places in the post view.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import type { Database } from '../../../src/adapters/db/database.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { toPostView } from '../../../src/core/post-view.js';
import { postShowJson } from '../../../src/cli/commands/posts.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { batchOf } from './pages.js';

const db = useTestDatabase();
const NOW = new Date('2026-03-05T00:00:00Z');
const load = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/x-real-shapes/${name}.json`, import.meta.url), 'utf8'));

async function ministry(d: Database) {
  const { account } = await createAccountsRepository(d.prisma).add(
    { platform: 'x', handle: 'MinExample', pollIntervalMs: 300_000 },
    NOW,
  );
  return d.prisma.account.update({ where: { id: account.id }, data: { platformUserId: '1408877211' } });
}

async function store(d: Database, fixture: string, accountId: number, firstSeenBy: 'poll' | 'lookup' = 'poll') {
  return d.prisma.$transaction((tx) =>
    createPostsRepository(d.prisma).storeBatch(
      {
        accountId,
        ...batchOf(load(fixture)),
        firstSeenBy,
        raiseNew: firstSeenBy === 'poll',
        now: NOW,
      },
      tx,
    ),
  );
}

describe('storing real response shapes', () => {
  beforeEach(() => truncateAll(db()));

  it('a repost is stored with the full original, which is archived under its own (archived) author', async () => {
    const min = await ministry(db());
    const result = await store(db(), 'timeline-escapes-reposts-long', min.id);
    expect(result).toMatchObject({ postsNew: 8, versionsNew: 8, problems: 2, events: 6 });

    const accounts = await db().prisma.account.findMany({ orderBy: { handle: 'asc' } });
    expect(accounts.map((a) => [a.handle, a.platformUserId, a.displayName, a.status])).toEqual([
      ['CityExample', '2209115540', 'City of Example 🏛️', 'archived'],
      ['DeptExample', '783214005', 'Dept. of Examples - Trade Office', 'archived'],
      ['MinExample', '1408877211', null, 'active'],
    ]);
    const byHandle = new Map(accounts.map((a) => [a.handle, a.id]));
    const posts = await db().prisma.post.findMany({ orderBy: { platformId: 'asc' } });
    expect(
      posts.map((p) => [p.platformId, p.accountId, p.repostOf, p.text.slice(0, 32), p.mediaKeys, p.cashtags, p.urls]),
    ).toEqual([
      ['2020950830085050375', min.id, null, 'Flags at half mast today. https:', ['3_2020950704255926272'], [], []],
      [
        '2020983545656250375',
        byHandle.get('CityExample'),
        null,
        'Tonight the council approved the',
        [],
        [],
        ['https://example.city/water-plan-2026'],
      ],
      [
        '2021116966466490375',
        min.id,
        '2020983545656250375',
        'Tonight the council approved the',
        [],
        [],
        ['https://example.city/water-plan-2026'],
      ],
      [
        '2021142090347450375',
        byHandle.get('DeptExample'),
        null,
        'Port inspections resume Monday &',
        ['3_2021142010655670272'],
        [],
        [],
      ],
      [
        '2021150906774458375',
        min.id,
        '2021142090347450375',
        'Port inspections resume Monday &',
        ['3_2021142010655670272'],
        [],
        [],
      ],
      ['2021178014561210375', min.id, null, 'Budget Q&A at 14:00 today: spend', [], ['EXMP'], []],
      ['2021577459102650375', min.id, '2021574942520250375', 'RT @DeptExample: Correction to o', [], [], []],
      [
        '2021586397164474375',
        min.id,
        null,
        'Statement on the trade talks, in',
        [],
        [],
        ['https://x.com/MinExample/status/2021178014561210375', 'https://example.gov/trade/joint-text-2026'],
      ],
    ]);
    // Only the watched account's own posts are news: no `new` event for the originals.
    const events = await db().prisma.event.findMany({ include: { post: true } });
    expect(events.map((e) => e.post!.platformId).sort()).toEqual(
      posts.filter((p) => p.accountId === min.id).map((p) => p.platformId),
    );
    const problems = await db().prisma.ingestProblem.findMany({ orderBy: { code: 'asc' } });
    expect(problems.map((p) => [p.code, p.platformId])).toEqual([
      ['media_missing', '2020950830085050375'],
      ['repost_incomplete', '2021577459102650375'],
    ]);
    // The capture keeps X's escaped text, byte for byte.
    const capture = await db().prisma.capture.findFirstOrThrow();
    expect(capture.body).toContain('Budget Q&amp;A at 14:00 today: spending &lt; 2% of GDP &gt; target?');

    // Watching an archived author makes it active; storing the page again writes nothing.
    const added = await createAccountsRepository(db().prisma).add(
      { platform: 'x', handle: 'DeptExample', pollIntervalMs: 600_000 },
      NOW,
    );
    expect([added.created, added.activated, added.account.status, added.account.statusDetail]).toEqual([
      false,
      true,
      'active',
      null,
    ]);
    const again = await store(db(), 'timeline-escapes-reposts-long', min.id);
    expect(again).toMatchObject({ captureExisted: true, postsNew: 0, versionsNew: 0, events: 0 });
    expect(await db().prisma.account.count()).toBe(3);
  });

  it('media of an earlier version are kept as keys, filled in by a lookup, never replaced by fewer', async () => {
    const min = await ministry(db());
    await store(db(), 'lookup-edited-media-not-expanded', min.id, 'lookup');
    const versionMedia = async () =>
      (await db().prisma.postVersion.findMany({ orderBy: { versionId: 'asc' } })).map((v) => {
        const data = v.data as { mediaKeys: string[]; media: { key: string; url: string }[] };
        return [v.versionId, data.mediaKeys, data.media.map((m) => m.url)];
      });
    expect(await versionMedia()).toEqual([
      ['2021886998737850375', ['3_2021886789022646272'], []],
      ['2021890186408890375', ['3_2021890039608246272'], ['https://pbs.twimg.com/media/VisaCentre2.jpg']],
    ]);
    // The lookup of the earlier version has its media, and shows the latest without them.
    await store(db(), 'lookup-earlier-version', min.id, 'lookup');
    expect(await versionMedia()).toEqual([
      ['2021886998737850375', ['3_2021886789022646272'], ['https://pbs.twimg.com/media/VisaCentre1.jpg']],
      ['2021890186408890375', ['3_2021890039608246272'], ['https://pbs.twimg.com/media/VisaCentre2.jpg']],
    ]);
    const post = await createPostsRepository(db().prisma).findByAnyId('x', '2021886998737850375');
    expect(post!.text).toBe('The new visa centre opens on 3 March. https://t.co/Img8246272');
    expect((post!.media as { key: string }[]).map((m) => m.key)).toEqual(['3_2021890039608246272']);
    const json = await postShowJson(db().prisma, post!);
    expect(json.versions.map((v) => [v.versionId, v.mediaKeys])).toEqual([
      ['2021886998737850375', ['3_2021886789022646272']],
      ['2021890186408890375', ['3_2021890039608246272']],
    ]);
  });

  it('withheld countries, the poll as captured and the place reach the post view', async () => {
    const min = await ministry(db());
    await store(db(), 'search-withheld-poll-place', min.id);
    const rows = await db().prisma.post.findMany({ orderBy: { platformId: 'asc' }, include: { account: true } });
    const views = rows.map((r) => toPostView(r));
    expect(views.map((v) => [v.id, v.withheld, v.poll, v.geo])).toEqual([
      ['2022351308190650375', { copyright: false, countryCodes: ['DE', 'FR'], scope: 'tweet' }, null, null],
      [
        '2022355083064250375',
        null,
        {
          id: '2022355082070200321',
          options: [
            { position: 1, label: 'Tax office', votes: 127 },
            { position: 2, label: 'Passport desk', votes: 311 },
            { position: 3, label: 'Both at once', votes: 58 },
          ],
          votingStatus: 'open',
          durationMinutes: 1440,
          endsAt: '2026-02-14T17:00:00.000Z',
        },
        null,
      ],
      [
        '2022360116229050375',
        null,
        null,
        {
          placeId: '5c6e1f0a2b3d4e5f',
          coordinates: [4.4777, 51.9244],
          place: {
            fullName: 'Rotterdam, Nederland',
            name: 'Rotterdam',
            country: 'Nederland',
            countryCode: 'NL',
            placeType: 'city',
            bbox: [4.3793, 51.8423, 4.6018, 51.9945],
          },
        },
      ],
    ]);
    expect(views[2]!.text).toBe('On site at the flood barrier this afternoon >> works are on schedule.');
  });
});
