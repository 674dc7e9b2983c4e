// Actors and platforms over HTTP: the actors API, `actor=` and `platform=` in
// the search API, page and live cards, the actor feeds (read by a feed parser,
// JSON Feed checked against its schema), the actor page (channels and the
// posts of all of them) linked from account pages, alert rules naming actors,
// and on every page each post's platform badge and original link. Channels of
// a second platform are rows written directly (the platform column is a
// string); `nowhere` is a platform no descriptor knows.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseFeed } from 'feedsmith';
import { JSDOM } from 'jsdom';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformLabel, postUrl } from '../../../src/core/ids.js';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { auth, buildTestApp } from '../../helpers/http-app.js';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../fixtures/feeds/jsonfeed-1.1.schema.json', import.meta.url), 'utf8'),
) as object;
// A name with a space and a slash: it travels encoded in paths.
const NAME = 'USFOR-A / spokesman';
const PATH = `/actors/${encodeURIComponent(NAME)}`;
const BASE = 'http://onrecord.test';
const X_ID = '1760000000000000101';
const SECOND_ID = '3000000000000000201';
const NOWHERE_ID = '4000000000000000301';

const getDb = useTestDatabase();
let app: FastifyInstance;

const dom = (body: string) => new JSDOM(body).window.document;

beforeAll(async () => {
  const db = getDb();
  const usfor = await insertAccount(db, { handle: 'USFOR_A', displayName: 'USFOR-A' });
  const centcom = await insertAccount(db, { handle: 'CENTCOM' });
  const second = await insertAccount(db, { platform: 'bsky', handle: 'usfora.example.mil', displayName: 'USFOR-A' });
  const nowhere = await insertAccount(db, { platform: 'nowhere', handle: 'usfora' });
  await insertPost(db, {
    accountId: usfor.id,
    id: X_ID,
    text: 'Convoy reached the airfield',
    createdAt: '2026-02-01T08:00:00Z',
  });
  await insertPost(db, { accountId: centcom.id, text: 'Convoy exercise concluded', createdAt: '2026-02-02T08:00:00Z' });
  await insertPost(db, {
    platform: 'bsky',
    accountId: second.id,
    id: SECOND_ID,
    text: 'Convoy reached the airfield, said on the second channel',
    createdAt: '2026-02-03T08:00:00Z',
  });
  await insertPost(db, {
    platform: 'nowhere',
    accountId: nowhere.id,
    id: NOWHERE_ID,
    text: 'Convoy statement where no permalink is known',
    createdAt: '2026-02-04T08:00:00Z',
  });
  const actor = await db.prisma.actor.create({ data: { name: NAME, createdAt: new Date('2026-01-01T00:00:00Z') } });
  await db.prisma.actorChannel.createMany({
    data: [usfor, second, nowhere].map((a) => ({ actorId: actor.id, accountId: a.id })),
  });
  app = await buildTestApp(db);
});
afterAll(async () => app?.close());

const actorJson = {
  name: NAME,
  createdAt: '2026-01-01T00:00:00.000Z',
  channels: [
    {
      account: 'bsky:usfora.example.mil',
      platform: 'bsky',
      handle: 'usfora.example.mil',
      displayName: 'USFOR-A',
      status: 'active',
    },
    { account: 'nowhere:usfora', platform: 'nowhere', handle: 'usfora', displayName: 'usfora', status: 'active' },
    { account: 'x:USFOR_A', platform: 'x', handle: 'USFOR_A', displayName: 'USFOR-A', status: 'active' },
  ],
};

describe('actors API', () => {
  it('lists actors and shows one by its name in any case', async () => {
    expect((await app.inject('/api/actors')).json()).toEqual({ actors: [actorJson] });
    const one = await app.inject(`/api/actors/${encodeURIComponent(NAME.toUpperCase())}`);
    expect([one.statusCode, one.json()]).toEqual([200, actorJson]);
    const missing = await app.inject('/api/actors/Nobody');
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'not_found']);
  });

  it('searches posts by actor (every channel) and by platform', async () => {
    const ids = async (query: string) =>
      ((await app.inject(`/api/posts?${query}`)).json().posts as { platform: string; id: string }[]).map(
        (p) => `${p.platform}:${p.id}`,
      );
    const actor = encodeURIComponent(NAME.toLowerCase());
    expect(await ids(`q=convoy&actor=${actor}`)).toEqual(
      expect.arrayContaining([`x:${X_ID}`, `bsky:${SECOND_ID}`, `nowhere:${NOWHERE_ID}`]),
    );
    expect(await ids(`q=convoy&actor=${actor}`)).toHaveLength(3);
    expect(await ids(`actor=${actor}&platform=x`)).toEqual([`x:${X_ID}`]);
    expect((await ids('q=convoy&platform=x')).every((id) => id.startsWith('x:'))).toBe(true);
    expect(await ids('q=convoy&platform=x')).toHaveLength(2);
    const bad = await app.inject('/api/posts?platform=nosuch');
    expect([bad.statusCode, bad.json().message]).toEqual([400, expect.stringMatching(/unknown platform "nosuch"/)]);
  });

  it('adds alert rules for actors (stored as named) and refuses unknown ones', async () => {
    const payload = { channel: 'webhook', target: 'https://hooks.example/a', actors: [NAME.toLowerCase()] };
    const created = await app.inject({ method: 'POST', url: '/api/alerts', headers: auth, payload });
    expect([created.statusCode, created.json().actors, created.json().accounts]).toEqual([201, [NAME], []]);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/alerts',
      headers: auth,
      payload: { ...payload, actors: ['Nobody Known'] },
    });
    expect([unknown.statusCode, unknown.json().message]).toEqual([
      400,
      'no actor "Nobody Known" (add it with: actors add)',
    ]);
    const page = dom((await app.inject('/alerts')).body);
    expect(page.querySelector(`tbody a[href="${PATH}"]`)!.textContent).toBe(NAME);
  });
});

describe('actor feeds', () => {
  const links = [`${BASE}/posts/nowhere/${NOWHERE_ID}`, `${BASE}/posts/bsky/${SECOND_ID}`, `${BASE}/posts/x/${X_ID}`];

  it('Atom and RSS list the posts of every channel, newest first, with their platform', async () => {
    for (const format of ['atom', 'rss'] as const) {
      const res = await app.inject(`/feeds${PATH}.${format}`);
      expect(res.statusCode).toBe(200);
      const parsed = parseFeed(res.body);
      if (parsed.format === 'atom') {
        expect(parsed.feed.entries!.map((e) => e.links![0]!.href)).toEqual(links);
        expect(parsed.feed.entries!.map((e) => e.categories?.[0]?.term)).toEqual(['nowhere', 'bsky', 'x']);
        expect(parsed.feed.links).toContainEqual(
          expect.objectContaining({ rel: 'self', href: `${BASE}/feeds${PATH}.atom` }),
        );
      } else if (parsed.format === 'rss') {
        expect(parsed.feed.items!.map((i) => i.link)).toEqual(links);
        expect(parsed.feed.items!.map((i) => i.categories?.[0]?.name)).toEqual(
          ['nowhere', 'bsky', 'x'].map(platformLabel),
        );
        expect(parsed.feed.title).toBe(`onrecord: ${NAME}`);
      } else throw new Error(`${format} parsed as ${parsed.format}`);
    }
  });

  it('JSON Feed is valid against the schema and tags each item with its platform', async () => {
    const res = await app.inject(`/feeds${PATH}.json`);
    const document = res.json() as {
      items: { url: string; tags: string[]; external_url: string; content_html: string }[];
    };
    const ajv = new Ajv({ allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(SCHEMA);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.items.map((i) => [i.url, i.tags])).toEqual([
      [links[0], ['nowhere']],
      [links[1], ['bsky']],
      [links[2], ['x']],
    ]);
    expect(document.items[2]!.external_url).toBe(`https://x.com/USFOR_A/status/${X_ID}`);
    expect(document.items[2]!.content_html).toContain(`on X: <a href="https://x.com/USFOR_A/status/${X_ID}">`);
    expect((await app.inject('/feeds/actors/Nobody.atom')).statusCode).toBe(404);
  });
});

describe('pages', () => {
  /** Each card's platform badge and original link, as a reader sees them. */
  function cards(body: string) {
    return [...dom(body).querySelectorAll('ol.results article.post')].map((card) => {
      const original = card.querySelector('.original')!;
      return {
        badge: card.querySelector('.badge-platform')!.textContent,
        original: original.textContent!.trim(),
        href: original.getAttribute('href'),
      };
    });
  }

  it('an actor page lists its channels with their badges and the posts of all of them', async () => {
    const res = await app.inject(PATH);
    expect(res.statusCode).toBe(200);
    const doc = dom(res.body);
    expect(doc.querySelector('h1')!.textContent).toBe(NAME);
    expect(
      [...doc.querySelectorAll('ul.channels li')].map((li) => [
        li.querySelector('.badge-platform')!.textContent,
        li.querySelector('a')!.getAttribute('href'),
      ]),
    ).toEqual([
      [platformLabel('bsky'), '/accounts/bsky/usfora.example.mil'],
      ['nowhere', '/accounts/nowhere/usfora'],
      ['X', '/accounts/x/USFOR_A'],
    ]);
    const secondUrl = postUrl('bsky', 'usfora.example.mil', SECOND_ID);
    expect(cards(res.body)).toEqual([
      // A platform no descriptor knows: its name, and no link it could not make.
      { badge: 'nowhere', original: 'on nowhere', href: null },
      {
        badge: platformLabel('bsky'),
        original: `on ${platformLabel('bsky')}`,
        href: secondUrl.startsWith('https://') ? secondUrl : null,
      },
      { badge: 'X', original: 'on X', href: `https://x.com/USFOR_A/status/${X_ID}` },
    ]);
    expect(doc.querySelector(`link[rel=alternate][type="application/atom+xml"]`)!.getAttribute('href')).toBe(
      `/feeds${PATH}.atom`,
    );
    expect(doc.querySelector('.live')!.getAttribute('data-live-cards')).toBe(
      `/live/posts?actor=${encodeURIComponent(NAME)}`,
    );
    expect((await app.inject('/actors/Nobody')).statusCode).toBe(404);
  });

  it('the actors page lists actors; account pages link to their actors', async () => {
    const list = dom((await app.inject('/actors')).body);
    expect(list.querySelector(`a[href="${PATH}"]`)!.textContent).toBe(NAME);
    const account = dom((await app.inject('/accounts/x/USFOR_A')).body);
    expect(account.querySelector(`dl.facts a[href="${PATH}"]`)!.textContent).toBe(NAME);
    expect(account.querySelector('h1 .badge-platform')!.textContent).toBe('X');
    const other = dom((await app.inject('/accounts/x/CENTCOM')).body);
    expect(other.querySelector('dl.facts a[href^="/actors/"]')).toBeNull();
  });

  it('the search page filters by actor and platform, and badges every result', async () => {
    const res = await app.inject(`/?q=convoy&actor=${encodeURIComponent(NAME)}&platform=x`);
    const doc = dom(res.body);
    expect(cards(res.body)).toEqual([{ badge: 'X', original: 'on X', href: `https://x.com/USFOR_A/status/${X_ID}` }]);
    expect((doc.querySelector('input[name=actor]') as HTMLInputElement).value).toBe(NAME);
    expect((doc.querySelector('select[name=platform] option[selected]') as HTMLOptionElement).value).toBe('x');
    const all = cards((await app.inject('/?q=convoy')).body);
    expect(all.map((c) => c.badge).sort()).toEqual(['X', 'X', 'nowhere', platformLabel('bsky')].sort());
  });

  it('a post page shows its badge and original link; live cards follow the actor filter', async () => {
    const post = dom((await app.inject(`/posts/x/${X_ID}`)).body);
    expect(post.querySelector('article.post .badge-platform')!.textContent).toBe('X');
    expect(post.querySelector('article.post a.original')!.getAttribute('href')).toBe(
      `https://x.com/USFOR_A/status/${X_ID}`,
    );
    // Of two new X posts, the card of the actor's channel only.
    const otherId = (await getDb().prisma.post.findFirstOrThrow({ where: { text: 'Convoy exercise concluded' } }))
      .platformId;
    const query = [X_ID, otherId].map((id) => `post=${encodeURIComponent(`x:${id}`)}`).join('&');
    const live = await app.inject(`/live/posts?actor=${encodeURIComponent(NAME)}&${query}`);
    expect(live.statusCode).toBe(200);
    const items = dom(`<ol>${live.body}</ol>`).querySelectorAll('li article.post');
    expect([...items].map((a) => a.querySelector('a.time')!.getAttribute('href'))).toEqual([`/posts/x/${X_ID}`]);
  });
});
