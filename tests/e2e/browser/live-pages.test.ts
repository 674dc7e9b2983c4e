// Live pages in a real browser (Debian's Chromium through playwright-core):
// a post stored while the search page or the account page is open appears at
// the top, marked "new", without a reload, and only if it matches the page's
// filters; the live region says so, and axe-core finds nothing to fault.
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { useTestDatabase } from '../../helpers/database.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { publishPost, watchAccount } from '../../helpers/live-fixtures.js';
import { CHROMIUM, hasChromium as chromiumInstalled, NO_CHROMIUM_NOTE } from '../../helpers/chromium.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const hasChromium = chromiumInstalled();
if (!hasChromium) console.warn(NO_CHROMIUM_NOTE);

const getDb = useTestDatabase();

describe.skipIf(!hasChromium)('live pages in Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let accountId: number;

  beforeAll(async () => {
    accountId = await watchAccount(getDb(), 'USFOR_A');
    await publishPost(getDb(), accountId, 'Patrol completed along the northern border.');
    app = await buildTestApp(getDb());
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    // bypassCSP: axe is injected as a script the pages' own policy rightly refuses.
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, bypassCSP: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openLive(path: string) {
    await page.goto(`${base}${path}`);
    // The hook is an empty status line, so it is attached but not visible.
    await page.waitForSelector('[data-live-state=open]', { state: 'attached', timeout: 30_000 });
  }

  it('adds a matching post stored while the search page is open, and only a matching one', async () => {
    await openLive('/?q=convoy');
    expect(await page.locator('ol.results > li').count()).toBe(0);
    await publishPost(getDb(), accountId, 'Weather report: clear skies.');
    const id = await publishPost(getDb(), accountId, 'The convoy arrived safely at noon.');
    const added = page.locator('ol.results > li.is-new');
    await added.first().waitFor({ timeout: 30_000 });
    expect(await added.count()).toBe(1);
    expect(await added.locator('.badge-new').textContent()).toBe('new');
    expect(await added.locator('mark').allTextContents()).toEqual(['convoy']);
    expect(await added.locator('a.time').getAttribute('href')).toBe(`/posts/x/${id}`);
    expect(await page.locator('.live-status[role=status]').textContent()).toBe('1 new post');
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe;
      return (await axe.run()).violations.map((v) => v.id);
    });
    expect(violations).toEqual([]);
  });

  it('puts a new post at the top of the open account page', async () => {
    await openLive('/accounts/x/USFOR_A');
    const before = await page.locator('ol.results > li').count();
    const id = await publishPost(getDb(), accountId, 'Joint press conference at 15:00 local time.');
    const first = page.locator('ol.results > li').first();
    await page.locator('ol.results > li.is-new').first().waitFor({ timeout: 30_000 });
    expect(await first.locator('a.time').getAttribute('href')).toBe(`/posts/x/${id}`);
    expect(await page.locator('ol.results > li').count()).toBe(before + 1);
  });

  it('leaves the page as served without JavaScript', async () => {
    const plain = await browser.newPage({ javaScriptEnabled: false });
    try {
      await plain.goto(`${base}/?q=convoy`);
      expect(await plain.locator('ol.results > li').count()).toBe(1);
      expect(await plain.locator('.live-status').isVisible()).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
