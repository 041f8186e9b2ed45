import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { launchBrowser, newBrowserPage, signIn } from '../support/browser';
import { createApiToken, createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** What the checks below read in the page (tsconfig has no DOM types). */
interface PageElement {
  parentElement: PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number };
  querySelector(selector: string): { textContent: string | null } | null;
}
interface PageWindow {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: PageElement): { overflowX: string };
}

/** The administrator's pages on a 375 px phone: a wide table scrolls in its own box, never the whole page. */
describe('admin pages at 375 px', () => {
  let t: TestApp;
  let browser: Browser;
  let adminEmail: string;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    adminEmail = (await createUser(t.app, 'admin')).email;
    await createUser(t.app, 'lead', { email: 'anna-karin.westerberg-lindqvist@samordningsforbundet-ostra-sodertorn.se', name: 'Anna-Karin Westerberg Lindqvist' });
    const staffToken = await createApiToken(t.app, await createUser(t.app, 'staff'));
    const municipalityId = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Haninge'`))[0].id;
    const response = await fetch(`${t.baseUrl}/api/deviations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        municipalityId,
        occurredOn: '2026-11-16',
        category: 'gransnitt',
        parties: ['AF', 'FK'],
        title: 'AF och FK hänvisar till varandra om arbetsförmågan',
        description: 'Ingen av myndigheterna tar ansvar för nästa steg.',
        consequence: 'Deltagaren blev utan ersättning.',
        severity: 'hog',
      }),
    });
    expect(response.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);

  it.each(['/', '/admin/anvandare', '/admin/utskick', '/admin/organisation'])('%s does not scroll sideways, and its tables can be scrolled with the keyboard', async (path) => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, { width: 375, height: 812 });
    try {
      await signIn(page, adminEmail, TEST_PASSWORD);
      const response = await page.goto(path);
      expect(response?.status()).toBe(200);
      const widths = await page.evaluate(() => {
        const root = (globalThis as unknown as PageWindow).document.documentElement;
        return { scroll: root.scrollWidth, client: root.clientWidth };
      });
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      // Each table is either narrow enough or in a focusable, labelled box that scrolls.
      const unreachable = await page.locator('table').evaluateAll((found) => {
        const win = globalThis as unknown as PageWindow;
        return (found as unknown as PageElement[])
          .filter((table) => table.getBoundingClientRect().width > win.document.documentElement.clientWidth)
          .filter((table) => {
            const box = table.parentElement;
            return !box || box.getAttribute('tabindex') !== '0' || !box.getAttribute('aria-label') || win.getComputedStyle(box).overflowX !== 'auto';
          })
          .map((table) => table.querySelector('caption')?.textContent ?? 'tabell');
      });
      expect(unreachable).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
