// An article quoting an actor by name in prose is linked to the post of any
// of its channels that says it (here on a second platform, whose rows are
// written directly); nothing is kept open for its other channels then. A
// quotation no channel has posted yet is kept open on each channel and
// resolved when a post of one of them arrives.
import { beforeAll, describe, expect, it } from 'vitest';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { normalizeXBody } from '../../../src/core/x-normalize.js';
import { snowflakeAt } from '../../../src/core/x-snowflake.js';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { createLogger } from '../../../src/logger.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { useTestDatabase } from '../../helpers/database.js';

const getDb = useTestDatabase();
const ACTOR = 'Dana Whitfield';
const SAID = 'The checkpoint near the river crossing was reopened to traffic this afternoon';
const NOT_YET = 'Patrols along the canal road will resume on Thursday after the repairs';
const X_USER = { id: '2890964218', name: 'USFOR-A', username: 'USFOR_A' };
let xAccount: number;
let secondPost: number;

function deps(): LinkArticleDeps {
  return {
    prisma: getDb().prisma,
    detectors: createCitationDetectors(),
    logger: createLogger({ level: 'silent', pretty: false }),
    clock: systemClock,
    fetchPage: async (url) => {
      throw new FetchRefused(`no network in this test (${url})`);
    },
  };
}

async function references(articleId: number) {
  const rows = await getDb().prisma.articleReference.findMany({ where: { articleId }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    platform: r.platform,
    handle: r.citedHandle,
    post: r.postId,
    kind: r.kind,
    status: r.status,
    actor: (r.evidence as { actor?: string }).actor,
  }));
}

beforeAll(async () => {
  const db = getDb();
  const x = await insertAccount(db, { handle: 'USFOR_A', displayName: 'USFOR-A', platformUserId: X_USER.id });
  const second = await insertAccount(db, { platform: 'bsky', handle: 'usfora.example.mil', displayName: 'USFOR-A' });
  xAccount = x.id;
  await insertPost(db, { accountId: x.id, text: 'Weekly update on the region', createdAt: '2026-03-04T09:00:00Z' });
  const post = await insertPost(db, {
    platform: 'bsky',
    accountId: second.id,
    id: '3000000000000000777',
    text: `${SAID}. Drivers should expect delays.`,
    createdAt: '2026-03-04T12:00:00Z',
  });
  secondPost = post.id;
  const actor = await db.prisma.actor.create({ data: { name: ACTOR } });
  await db.prisma.actorChannel.createMany({
    data: [x.id, second.id].map((accountId) => ({ actorId: actor.id, accountId })),
  });
});

describe('prose quotations attributed to an actor', () => {
  it('link to the post of the channel that says them, and keep nothing open on the others', async () => {
    const { article } = await addArticle(deps(), {
      source: `Crossing reopened\n\n\u201c${SAID},\u201d ${ACTOR} wrote on social media, adding that patrols continue.`,
      url: 'https://news.example/2026/03/04/crossing',
      publishedAt: '2026-03-04T18:00:00Z',
    });
    expect(await references(article.id)).toEqual([
      {
        platform: 'bsky',
        handle: 'usfora.example.mil',
        post: secondPost,
        kind: 'quote',
        status: 'resolved',
        actor: ACTOR,
      },
    ]);
    const events = await getDb().prisma.event.findMany({ where: { kind: 'cited', articleId: article.id } });
    expect(events.map((e) => e.postId)).toEqual([secondPost]);
  });

  it('keep a quotation no channel has posted open on each channel, resolved when one of them posts it', async () => {
    const { article } = await addArticle(deps(), {
      source: `Canal road\n\n\u201c${NOT_YET},\u201d ${ACTOR} posted on Wednesday.`,
      url: 'https://news.example/2026/03/05/canal',
      publishedAt: '2026-03-05T10:00:00Z',
    });
    const open = { post: null, kind: 'quote', status: 'unresolved', actor: ACTOR };
    expect(await references(article.id)).toEqual([
      { platform: 'x', handle: 'USFOR_A', ...open },
      { platform: 'bsky', handle: 'usfora.example.mil', ...open },
    ]);

    const id = (BigInt(snowflakeAt(new Date('2026-03-05T08:00:00Z'))) + 5n).toString();
    const body = {
      data: [
        {
          id,
          text: NOT_YET,
          created_at: '2026-03-05T08:00:00.000Z',
          author_id: X_USER.id,
          edit_history_tweet_ids: [id],
        },
      ],
      includes: { users: [X_USER] },
      meta: {},
    };
    const { posts, problems } = normalizeXBody(body);
    const now = new Date('2026-03-05T11:00:00Z');
    await createPostsRepository(getDb().prisma).storeBatch({
      accountId: xAccount,
      capture: {
        source: 'x:timeline',
        requestUrl: `https://api.x.com/2/users/${X_USER.id}/tweets`,
        httpStatus: 200,
        contentType: 'application/json',
        body: JSON.stringify(body),
        capturedAt: now,
      },
      posts,
      problems,
      firstSeenBy: 'poll',
      raiseNew: true,
      now,
    });
    const arrived = await getDb().prisma.post.findUniqueOrThrow({
      where: { platform_platformId: { platform: 'x', platformId: id } },
    });
    expect(await references(article.id)).toEqual([
      { platform: 'x', handle: 'USFOR_A', post: arrived.id, kind: 'quote', status: 'resolved', actor: ACTOR },
      { platform: 'bsky', handle: 'usfora.example.mil', ...open },
    ]);
  });
});
