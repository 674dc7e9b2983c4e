// Prose quotations whose post is not archived yet: kept as open references
// when attributed to a watched account's holder, resolved through the posts
// repository's storeBatch when a post of that account containing them arrives
// (in the look-back window), never by another account's post.
import { beforeEach, describe, expect, it } from 'vitest';
import { addArticle, type LinkArticleDeps } from '../../../src/jobs/link-article.js';
import { createPostsRepository } from '../../../src/adapters/db/posts-repository.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { systemClock } from '../../../src/core/clock.js';
import { FetchRefused } from '../../../src/core/errors.js';
import { snowflakeAt } from '../../../src/core/x-snowflake.js';
import { normalizeXBody } from '../../../src/core/x-normalize.js';
import { createLogger } from '../../../src/logger.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { insertAccount } from '../../helpers/archive-fixtures.js';

const getDb = useTestDatabase();
const PUBLISHED = '2026-03-04T18:00:00.000Z';
const QUOTE = 'The checkpoint near Gereshk was reopened to traffic this afternoon';
const ARTICLE = [
  'Checkpoint reopened in Helmand',
  '',
  `\u201c${QUOTE},\u201d USFOR-A said in a post on X, adding that patrols would continue.`,
  '',
  `\u201c${QUOTE},\u201d the USFOR-A commander told reporters on Tuesday.`,
  '',
  '\u201cThe bazaar stayed closed all day because of the fighting,\u201d a local shopkeeper said.',
  '',
  '\u201cStrike was defensive,\u201d USFOR-A said.',
].join('\n');

const USERS = {
  USFOR_A: { id: '2890964218', name: 'USFOR-A' },
  KabulWatchDesk: { id: '88001122', name: 'Kabul Watch Desk' },
} as const;
type Handle = keyof typeof USERS;

let sequence = 0;

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

async function watch(handle: Handle) {
  return insertAccount(getDb(), { handle, displayName: USERS[handle].name, platformUserId: USERS[handle].id });
}

interface Arriving {
  at: string;
  text: string;
  id?: string;
}

function idAt(at: string): string {
  return (BigInt(snowflakeAt(new Date(at))) + BigInt(++sequence)).toString();
}

/** One timeline page of `handle` in the X API v2 shape. */
function timelinePage(handle: Handle, posts: Arriving[]) {
  const user = USERS[handle];
  const data = posts.map((p) => {
    const id = p.id ?? idAt(p.at);
    return {
      id,
      text: p.text,
      created_at: p.at,
      author_id: user.id,
      conversation_id: id,
      edit_history_tweet_ids: [id],
    };
  });
  return { data, includes: { users: [{ id: user.id, name: user.name, username: handle }] }, meta: {} };
}

/** Stores a page the way polling does: storeBatch in one transaction. */
async function arrive(accountId: number, handle: Handle, posts: Arriving[]) {
  const body = timelinePage(handle, posts);
  const { posts: normalized, problems } = normalizeXBody(body);
  await getDb().prisma.$transaction((tx) =>
    createPostsRepository(getDb().prisma).storeBatch(
      {
        accountId,
        capture: {
          source: 'x:timeline',
          requestUrl: `https://api.x.com/2/users/${USERS[handle].id}/tweets`,
          httpStatus: 200,
          contentType: 'application/json',
          body: JSON.stringify(body),
          capturedAt: new Date('2026-03-05T00:00:00Z'),
        },
        posts: normalized,
        problems,
        firstSeenBy: 'backfill',
        raiseNew: false,
        now: new Date('2026-03-05T00:00:00Z'),
      },
      tx,
    ),
  );
  return body.data.map((d) => d.id);
}

async function referenceRows() {
  const refs = await getDb().prisma.articleReference.findMany({ orderBy: { id: 'asc' } });
  return refs.map((r) => ({
    article: r.articleId,
    post: r.postId,
    kind: r.kind,
    status: r.status,
    handle: r.citedHandle,
    citedId: r.citedPlatformId,
    date: r.citedDate,
    confidence: r.confidence,
    witnessed: r.witnessedText,
    evidence: r.evidence,
  }));
}

async function citedEvents() {
  const events = await getDb().prisma.event.findMany({ where: { kind: 'cited' }, orderBy: { id: 'asc' } });
  return events.map((e) => ({ key: e.dedupeKey, post: e.postId, article: e.articleId }));
}

const OPEN_QUOTE = (article: number) => ({
  article,
  post: null,
  kind: 'quote',
  status: 'unresolved',
  handle: 'USFOR_A',
  citedId: null,
  date: null,
  confidence: 0,
  witnessed: QUOTE,
  evidence: {
    form: 'prose-quote',
    excerpt: `\u201c${QUOTE},\u201d USFOR-A said in a post on X, adding that patrols would continue.`,
    attributedTo: 'usfor a',
    unambiguous: true,
    articleDate: PUBLISHED,
  },
});

beforeEach(async () => {
  await truncateAll(getDb());
});

describe('prose quotations not archived yet', () => {
  it('keeps an unmatched quotation of a watched holder open; no noise, and re-adding changes nothing', async () => {
    await watch('USFOR_A');
    const first = await addArticle(deps(), { source: ARTICLE, publishedAt: PUBLISHED });
    // Spoken words are no post, the shopkeeper is no watched account, and "Strike was defensive" is under five words.
    expect(await referenceRows()).toEqual([OPEN_QUOTE(first.article.id)]);
    expect(first.references.map((r) => ({ post: r.post, cited: r.cited, resolvedAt: r.resolvedAt }))).toEqual([
      {
        post: { platform: 'x', id: null },
        cited: { platformId: null, handle: 'USFOR_A', date: null },
        resolvedAt: null,
      },
    ]);
    const again = await addArticle(deps(), { source: ARTICLE, publishedAt: PUBLISHED });
    expect(again.created).toBe(false);
    expect(again.references.map((r) => r.id)).toEqual(first.references.map((r) => r.id));
    expect(await referenceRows()).toEqual([OPEN_QUOTE(first.article.id)]);
    expect(await citedEvents()).toEqual([]);
  });

  it('resolves when a post of the account containing it arrives through storeBatch, with a cited event', async () => {
    const account = await watch('USFOR_A');
    const { article } = await addArticle(deps(), { source: ARTICLE, publishedAt: PUBLISHED });
    // Older than the month before the article, and a post that says something else: neither is the one quoted.
    await arrive(account.id, 'USFOR_A', [{ at: '2026-01-20T09:00:00.000Z', text: `${QUOTE}. Patrols continue.` }]);
    await arrive(account.id, 'USFOR_A', [
      { at: '2026-01-21T09:00:00.000Z', text: `${QUOTE}, as every week.` },
      { at: '2026-03-04T09:00:00.000Z', text: 'The checkpoint near Lashkar Gah stays closed to traffic until Friday.' },
      // Nearly the same words: an open reference resolves only to a post that says them.
      { at: '2026-03-04T11:00:00.000Z', text: QUOTE.replace('this afternoon', 'this morning') },
    ]);
    expect(await referenceRows()).toEqual([OPEN_QUOTE(article.id)]);
    const [quoted] = await arrive(account.id, 'USFOR_A', [
      { at: '2026-03-04T13:30:00.000Z', text: `Update: ${QUOTE}. Patrols will continue along Highway 1. #Helmand` },
    ]);
    const post = await getDb().prisma.post.findFirstOrThrow({ where: { platformId: quoted! } });
    const open = OPEN_QUOTE(article.id);
    expect(await referenceRows()).toEqual([
      {
        ...open,
        post: post.id,
        status: 'resolved',
        confidence: 0.7,
        evidence: {
          ...open.evidence,
          match: { confidence: 0.7, method: 'text', similarity: 1 },
          resolvedOnArrival: true,
        },
      },
    ]);
    expect(await citedEvents()).toEqual([
      { key: `cited:${article.id}:x:${quoted}`, post: post.id, article: article.id },
    ]);
    // Re-adding the article finds the same post under the same fingerprint: nothing new.
    const again = await addArticle(deps(), { source: ARTICLE, publishedAt: PUBLISHED });
    expect(again.references.map((r) => [r.kind, r.status, r.post.id])).toEqual([['quote', 'resolved', quoted]]);
    expect(await getDb().prisma.articleReference.count()).toBe(1);
    expect(await citedEvents()).toHaveLength(1);
  });

  it('never resolves to the same words posted by another account', async () => {
    await watch('USFOR_A');
    const other = await watch('KabulWatchDesk');
    const { article } = await addArticle(deps(), { source: ARTICLE, publishedAt: PUBLISHED });
    await arrive(other.id, 'KabulWatchDesk', [{ at: '2026-03-04T13:30:00.000Z', text: `${QUOTE}.` }]);
    expect(await referenceRows()).toEqual([OPEN_QUOTE(article.id)]);
    expect(await citedEvents()).toEqual([]);
  });

  it('links a post once per article when a link to it and a quotation of it wait together', async () => {
    const account = await watch('USFOR_A');
    const id = idAt('2026-03-04T13:30:00.000Z');
    const source = `${ARTICLE}\n\nThe statement: https://x.com/USFOR_A/status/${id}\n`;
    const { article } = await addArticle(deps(), { source, publishedAt: PUBLISHED });
    await arrive(account.id, 'USFOR_A', [{ id, at: '2026-03-04T13:30:00.000Z', text: `${QUOTE}.` }]);
    const post = await getDb().prisma.post.findFirstOrThrow({ where: { platformId: id } });
    const rows = await referenceRows();
    expect(rows.map((r) => [r.kind, r.status, r.post])).toEqual([
      ['link', 'resolved', post.id],
      ['quote', 'unresolved', null],
    ]);
    expect(await citedEvents()).toEqual([{ key: `cited:${article.id}:x:${id}`, post: post.id, article: article.id }]);
  });
});
