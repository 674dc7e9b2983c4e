// The web pages in a real browser (Debian's Chromium through playwright-core):
// a search through the form, each page rendered, screenshots saved under
// tests/artifacts/ for people to look at.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { useTestDatabase } from '../../helpers/database.js';
import { insertAccount, insertArticle, insertPost } from '../../helpers/archive-fixtures.js';
import { buildTestApp } from '../../helpers/http-app.js';

import { CHROMIUM, hasChromium as chromiumInstalled, NO_CHROMIUM_NOTE } from '../../helpers/chromium.js';

const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const hasChromium = chromiumInstalled();
// Also said on the summary line at the end of the run (tests/helpers/summary-reporter.ts).
if (!hasChromium) console.warn(NO_CHROMIUM_NOTE);

const getDb = useTestDatabase();

describe.skipIf(!hasChromium)('pages in Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let articleId: number;

  beforeAll(async () => {
    const db = getDb();
    const a = await insertAccount(db, {
      handle: 'USFOR_A',
      displayName: 'U.S. Forces (example)',
      lastSuccessAt: new Date('2026-03-01T11:50:00Z'),
    });
    const texts = [
      'Coalition aircraft conducted a strike on a weapons depot near the river.',
      'Humanitarian corridor opened this morning for civilians leaving the city.',
      'Joint press conference with partners at 15:00 local time.',
      'Patrol completed along the northern border without incident.',
    ];
    for (let i = 0; i < 40; i++) {
      const day = new Date(Date.UTC(2025, 8 + Math.floor(i / 8), 1 + ((i * 3) % 27), 9 + (i % 8)));
      await insertPost(db, { accountId: a.id, text: texts[i % texts.length]!, createdAt: day });
    }
    const edited = await insertPost(db, {
      accountId: a.id,
      id: '1895000000000000001',
      text: 'Update: the convoy arrived safely at 10:00 after a short delay.',
      earlierTexts: ['The convoy arrived at 9:00.'],
      createdAt: '2026-02-28T10:00:00Z',
      status: 'deleted',
    });
    const article = await insertArticle(db, {
      url: 'https://news.example/convoy',
      title: 'Convoy reaches the city',
      text: 'The command first wrote "The convoy arrived at 9:00." and later changed the time.\n\nResidents confirmed the arrival.',
      citing: [{ postId: edited.id, witnessedText: 'The convoy arrived at 9:00.', differs: true }],
    });
    articleId = article.id;
    // An actor with a channel on X and one on a second platform (its rows written directly).
    const second = await insertAccount(db, {
      platform: 'bsky',
      handle: 'usfor.example.mil',
      displayName: 'U.S. Forces',
    });
    await insertPost(db, {
      platform: 'bsky',
      accountId: second.id,
      id: '3000000000000000901',
      text: 'The northern border stayed quiet today, as said on the second channel.',
      createdAt: '2026-03-01T09:00:00Z',
    });
    const actor = await db.prisma.actor.create({ data: { name: 'Forces spokesman' } });
    await db.prisma.actorChannel.createMany({
      data: [a.id, second.id].map((accountId) => ({ actorId: actor.id, accountId })),
    });
    await db.prisma.alertRule.create({
      data: {
        channel: 'webhook',
        target: 'https://hooks.example/onrecord/abc',
        accounts: ['x:USFOR_A'],
        keywords: ['strike'],
        events: ['new', 'edited'],
      },
    });
    app = await buildTestApp(db);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function shoot(name: string) {
    await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  }

  it('runs a search through the form and highlights the matches', async () => {
    await page.goto(`${base}/`);
    await page.fill('input[name=q]', 'strike OR corridor OR patrol');
    await page.click('form.search button[type=submit]');
    await page.waitForURL(/q=strike/);
    const marks = await page.locator('ol.results mark').allTextContents();
    expect(new Set(marks.map((m) => m.toLowerCase()))).toEqual(new Set(['strike', 'corridor', 'patrol']));
    expect(await page.locator('ol.results > li').count()).toBe(20);
    await shoot('search');
    await page.click('a[rel=next]');
    await page.waitForURL(/cursor=/);
    expect(await page.locator('ol.results > li').count()).toBe(10);
    await page.fill('input[name=account]', 'x:USFOR_A');
    await page.fill('input[name=since]', '2025-10-01');
    await page.fill('input[name=until]', '2025-10-31');
    await page.click('form.search button[type=submit]');
    const times = await page
      .locator('ol.results time')
      .evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t!.startsWith('2025-10'))).toBe(true);
  });

  it('draws the posting-frequency chart over the server-rendered table', async () => {
    await page.goto(`${base}/accounts/x/USFOR_A`);
    await page.waitForSelector('#frequency-chart canvas');
    const months = await page.locator('.frequency table tbody tr td:first-child').allTextContents();
    expect(months).toEqual(['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
    expect(await page.locator('ol.results > li').count()).toBe(30);
    await shoot('account');
  });

  it('shows a post with its versions, the diff and the citing article', async () => {
    await page.goto(`${base}/posts/x/1895000000000000001`);
    expect(await page.locator('.status-note').textContent()).toContain('deleted');
    expect(await page.locator('ol.versions ins').allTextContents()).toContain('safely ');
    await shoot('post');
  });

  it('shows an article with the cited passage highlighted', async () => {
    await page.goto(`${base}/articles/${articleId}`);
    expect(await page.locator('.article-text mark').allTextContents()).toEqual(['The convoy arrived at 9:00.']);
    await shoot('article');
  });

  it('shows the accounts and the alert rules', async () => {
    await page.goto(`${base}/accounts`);
    // The X account and the actor's channel on the second platform.
    expect(await page.locator('table.data tbody tr').count()).toBe(2);
    await shoot('accounts');
    await page.goto(`${base}/alerts`);
    expect(await page.locator('table.data tbody tr td code').first().textContent()).toBe('https://hooks.example/…');
    await shoot('alerts');
  });

  it("shows an actor's channels and the posts of all of them, each with its platform and original link", async () => {
    await page.goto(`${base}/accounts/x/USFOR_A`);
    await page.click('dl.facts a[href^="/actors/"]');
    await page.waitForURL(/\/actors\/Forces%20spokesman$/);
    expect(await page.locator('ul.channels li a').allTextContents()).toEqual(['bsky:usfor.example.mil', 'x:USFOR_A']);
    const first = page.locator('ol.results article.post').first();
    expect(await first.locator('.text').textContent()).toContain('second channel');
    const x = page.locator('ol.results article.post', { hasText: 'Update: the convoy' });
    expect(await x.locator('.badge-platform').textContent()).toBe('X');
    expect(await x.locator('a.original').getAttribute('href')).toBe('https://x.com/USFOR_A/status/1895000000000001001');
    await shoot('actor');
    await page.goto(`${base}/`);
    await page.fill('input[name=actor]', 'forces SPOKESMAN');
    await page.selectOption('select[name=platform]', 'x');
    await page.click('form.search button[type=submit]');
    await page.waitForURL(/actor=forces/);
    const badges = await page.locator('ol.results .badge-platform').allTextContents();
    expect(badges.length).toBe(20);
    expect(new Set(badges)).toEqual(new Set(['X']));
  });

  it('fits a 390 px wide phone and has no accessibility violations (axe-core)', async () => {
    // bypassCSP: axe is injected as a script the pages' own policy rightly refuses.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    try {
      const paths = ['/', '/?q=strike', '/accounts', '/accounts/x/USFOR_A', '/posts/x/1895000000000000001'];
      for (const path of [...paths, `/articles/${articleId}`, '/alerts', '/actors', '/actors/Forces%20spokesman']) {
        await phone.goto(`${base}${path}`);
        const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect([path, ...widths]).toEqual([path, 390, 390]);
        await phone.addScriptTag({ path: AXE });
        const violations = await phone.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe;
          return (await axe.run()).violations.map((v) => v.id);
        });
        expect([path, ...violations]).toEqual([path]);
      }
      await phone.goto(`${base}/`);
      await phone.screenshot({ path: `${ARTIFACTS}search-phone.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  }, 120_000);

  it('renders the API docs page offline', async () => {
    await page.goto(`${base}/api/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 });
    expect(await page.locator('.opblock-summary-path').allTextContents()).toContain('/api/posts');
    await shoot('api-docs');
  });
});
