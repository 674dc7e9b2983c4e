// Cited posts not archived yet, looked up by ID on the local fake X API
// (GET /2/tweets, at most 100 IDs per request), stored and linked; IDs the
// API does not know stay open references.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createXSource, type XSource } from '../../../src/adapters/x/x-source.js';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { snowflakeAt } from '../../../src/core/x-snowflake.js';
import { createLogger } from '../../../src/logger.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeX, type RunningFakeX } from '../../fake-x/fake-x-server.js';
import { makeUser } from '../../fake-x/fixtures.js';

const getDb = useTestDatabase();
const logger = createLogger({ level: 'silent', pretty: false });
let fake: RunningFakeX;
let source: XSource;

beforeAll(async () => {
  fake = await startFakeX();
  source = createXSource({ baseUrl: fake.url, bearerToken: fake.bearerToken, timeoutMs: 5000, logger, ca: fake.caPem });
});
afterAll(async () => {
  source?.close();
  await fake?.close();
});
beforeEach(async () => {
  await truncateAll(getDb());
  fake.requests.length = 0;
});

function deps(): LinkArticleDeps {
  return {
    prisma: getDb().prisma,
    detectors: createCitationDetectors(),
    logger,
    clock: systemClock,
    fetchPage: async () => {
      throw new FetchRefused('no network');
    },
    postSources: [source],
  };
}

describe('cited posts looked up by ID', () => {
  it('archives and links posts of watched and unwatched accounts, keeps unknown IDs open', async () => {
    const usfor = fake.state.addUser(makeUser({ username: 'USFOR_A', name: 'USFOR-A' }));
    const other = fake.state.addUser(makeUser({ username: 'ProvincialPress' }));
    const watched = fake.addPost({
      author: usfor,
      at: '2020-03-04T14:12:31Z',
      text: 'Defensive strike statement, archived by lookup.',
    });
    const unwatched = fake.addPost({
      author: other,
      at: '2020-03-04T16:00:00Z',
      text: 'A provincial statement on the strike.',
    });
    const unknown = (BigInt(snowflakeAt(new Date('2020-03-04T18:00:00Z'))) + 5n).toString();
    await getDb().prisma.account.create({
      data: { platform: 'x', platformUserId: usfor.id, handle: 'USFOR_A', displayName: 'USFOR-A' },
    });
    const article = `<html><body><p>See <a href="https://x.com/USFOR_A/status/${watched.id}">the statement</a>,
      <a href="https://twitter.com/ProvincialPress/status/${unwatched.id}?s=20">the province</a> and
      <a href="https://x.com/USFOR_A/status/${unknown}">a deleted one</a>.</p></body></html>`;
    const { references } = await addArticle(deps(), { source: article });
    expect(
      references.map((r) => [r.post.id, r.post.account ?? null, r.post.firstSeenBy ?? null, r.status, r.confidence]),
    ).toEqual([
      [watched.id, 'x:USFOR_A', 'lookup', 'resolved', 0.95],
      [unwatched.id, null, 'lookup', 'resolved', 0.95],
      [unknown, null, null, 'unresolved', 0],
    ]);
    const lookups = fake.requests.filter((r) => r.path === '/2/tweets');
    expect(lookups.map((r) => r.query.ids!.split(',').sort())).toEqual([[watched.id, unwatched.id, unknown].sort()]);
    // Nothing is looked up again once archived; the unknown ID is asked for again.
    fake.requests.length = 0;
    await addArticle(deps(), { source: article });
    expect(fake.requests.filter((r) => r.path === '/2/tweets').map((r) => r.query.ids)).toEqual([unknown]);
  });

  it('asks for at most 100 IDs per request', async () => {
    const { user, posts } = fake.seedAccount({ username: 'CityHallPress', posts: 130, start: '2022-01-01T00:00:00Z' });
    await getDb().prisma.account.create({ data: { platform: 'x', platformUserId: user.id, handle: 'CityHallPress' } });
    const article = posts.map((p) => `https://x.com/CityHallPress/status/${p.id}`).join('\n\n');
    const { references } = await addArticle(deps(), { source: article });
    expect(references.filter((r) => r.status === 'resolved')).toHaveLength(130);
    expect(fake.requests.filter((r) => r.path === '/2/tweets').map((r) => r.query.ids!.split(',').length)).toEqual([
      100, 30,
    ]);
  });
});
