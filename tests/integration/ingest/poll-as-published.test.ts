// A poll through the real X adapter against the fake X API: the fields and
// expansions asked for bring what readers saw (escaped text decoded, the full
// original of a repost with its author and media, polls, places, withheld),
// and the archive stores it; the capture keeps X's bytes.
import { beforeEach, describe, expect, it } from 'vitest';
import { toPostView } from '../../../src/core/post-view.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { makeMedia, makeUser } from '../../fake-x/fixtures.js';
import { addAccount, poller, sourceFor, useFakeX } from './poll-harness.js';

const db = useTestDatabase();
const fake = useFakeX();

beforeEach(() => truncateAll(db()));

describe('a poll keeps posts as published', () => {
  it('decodes text, stores reposts in full under their authors, and keeps polls, places, withheld and cashtags', async () => {
    const stamp = `${process.pid % 1000}`;
    const official = fake().seedAccount({ username: `MinPoll${stamp}` }).user;
    const city = fake().state.addUser(makeUser({ username: `CityPoll${stamp}`, name: 'City of Example - Water' }));
    const photo = makeMedia('photo');
    const long = 'The council approved the water plan: new mains & lead pipe removal in every district. '
      .repeat(4)
      .trim();
    const original = fake().addPost({ author: city, at: '2026-03-02T08:00:00Z', text: long, media: [photo] });
    fake().addPost({
      author: official,
      at: '2026-03-02T09:00:00Z',
      text: '',
      repostOf: { post: original, author: city },
    });
    fake().addPost({ author: official, at: '2026-03-02T10:00:00Z', text: 'Q&A <live> at 14:00 on $EXMP' });
    fake().addPost({
      author: official,
      at: '2026-03-02T11:00:00Z',
      text: 'Which desk opens first?',
      poll: {
        id: '1900000000000000001',
        options: [
          { position: 1, label: 'Tax', votes: 3 },
          { position: 2, label: 'Visa', votes: 5 },
        ],
        voting_status: 'open',
        duration_minutes: 60,
        end_datetime: '2026-03-02T12:00:00.000Z',
      },
    });
    fake().addPost({
      author: official,
      at: '2026-03-02T12:00:00Z',
      text: 'At the barrier.',
      place: {
        id: 'aa11bb22cc33dd44',
        full_name: 'Harbour Town, Example',
        country: 'Example',
        country_code: 'EX',
        place_type: 'city',
      },
      coordinates: [4.5, 51.9],
      withheld: { copyright: false, country_codes: ['DE'] },
    });
    const account = await addAccount(db(), official.username);
    const summary = await poller(db(), sourceFor(fake())).poll(account.id);
    expect(summary).toMatchObject({ outcome: 'complete', postsNew: 5 });

    const query = fake().requestsTo('users/:id/tweets')[0]!.query;
    expect(query['expansions']!.split(',')).toEqual(
      expect.arrayContaining(['attachments.poll_ids', 'geo.place_id', 'referenced_tweets.id.attachments.media_keys']),
    );
    expect(query['tweet.fields']!.split(',')).toEqual(expect.arrayContaining(['withheld', 'geo']));
    expect(query['poll.fields']).toBeDefined();
    expect(query['place.fields']).toBeDefined();

    const rows = await db().prisma.post.findMany({ orderBy: { createdAt: 'asc' }, include: { account: true } });
    const views = rows.map((r) => toPostView(r));
    expect(views.map((v) => [v.account, v.text, v.repostOf, v.mediaKeys, v.cashtags])).toEqual([
      [`x:${city.username}`, long, null, [photo.media_key], []],
      [`x:${official.username}`, long, original.id, [photo.media_key], []],
      [`x:${official.username}`, 'Q&A <live> at 14:00 on $EXMP', null, [], ['EXMP']],
      [`x:${official.username}`, 'Which desk opens first?', null, [], []],
      [`x:${official.username}`, 'At the barrier.', null, [], []],
    ]);
    expect(views[1]!.media).toEqual([expect.objectContaining({ key: photo.media_key, url: photo.url })]);
    expect(views[3]!.poll).toEqual({
      id: '1900000000000000001',
      options: [
        { position: 1, label: 'Tax', votes: 3 },
        { position: 2, label: 'Visa', votes: 5 },
      ],
      votingStatus: 'open',
      durationMinutes: 60,
      endsAt: '2026-03-02T12:00:00.000Z',
    });
    expect(views[4]!.geo).toEqual({
      placeId: 'aa11bb22cc33dd44',
      coordinates: [4.5, 51.9],
      place: {
        fullName: 'Harbour Town, Example',
        name: null,
        country: 'Example',
        countryCode: 'EX',
        placeType: 'city',
        bbox: null,
      },
    });
    expect(views[4]!.withheld).toEqual({ copyright: false, countryCodes: ['DE'], scope: null });
    const cityAccount = rows[0]!.account!;
    expect([cityAccount.status, cityAccount.displayName]).toEqual(['archived', 'City of Example - Water']);
    // What X sent stays in the capture: escaped text and the shortened repost.
    const capture = await db().prisma.capture.findFirstOrThrow({ where: { source: 'x:timeline' } });
    expect(capture.body).toContain('Q&amp;A &lt;live&gt; at 14:00');
    expect(capture.body).toContain(`"RT @${city.username}: The council approved`);
  });

  it('an earlier version whose media X did not expand is reported, then filled in by the re-check lookup', async () => {
    const user = fake().seedAccount({ username: `MinMedia${process.pid % 1000}` }).user;
    const first = makeMedia('photo');
    const second = fake().state.addMedia(makeMedia('photo'));
    const post = fake().addPost({
      author: user,
      at: '2026-03-03T08:00:00Z',
      text: 'Visa centre opens 2 March',
      media: [first],
    });
    const edited = fake().editPost(post.id, {
      text: 'Visa centre opens 3 March',
      attachments: { media_keys: [second.media_key] },
      at: '2026-03-03T08:10:00Z',
    });
    const account = await addAccount(db(), user.username);
    const p = poller(db(), sourceFor(fake()));
    expect(await p.poll(account.id)).toMatchObject({ outcome: 'complete', postsNew: 1, versionsNew: 2 });
    const media = async () =>
      (await db().prisma.postVersion.findMany({ orderBy: { versionId: 'asc' } })).map((v) => {
        const data = v.data as { mediaKeys: string[]; media: { key: string }[] };
        return [v.versionId, data.mediaKeys, data.media.map((m) => m.key)];
      });
    expect(await media()).toEqual([
      [post.id, [first.media_key], []],
      [edited.id, [second.media_key], [second.media_key]],
    ]);
    const problems = await db().prisma.ingestProblem.findMany();
    expect(problems.map((x) => [x.code, x.platformId])).toEqual([['media_missing', post.id]]);

    fake().requests.length = 0;
    await p.poll(account.id, { recheck: true });
    const looked = fake()
      .requestsTo('tweets')
      .flatMap((r) => String(r.query.ids).split(','));
    expect(looked).toContain(post.id);
    expect(await media()).toEqual([
      [post.id, [first.media_key], [first.media_key]],
      [edited.id, [second.media_key], [second.media_key]],
    ]);
  });
});
