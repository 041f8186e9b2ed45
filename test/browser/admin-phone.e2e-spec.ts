import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { fieldErrorProblems, launchBrowser, newBrowserPage, pageProblems, report, signIn } from '../support/browser';
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

  it('a refused rename far down the organisation page starts at an error summary that leads to the field', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, { width: 390, height: 844 });
    try {
      await signIn(page, adminEmail, TEST_PASSWORD);
      await page.goto('/admin/organisation');
      const haninge = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Haninge'`))[0].id as string;
      await page.locator(`#kommun-${haninge} summary`).click();
      await page.locator(`#namn-${haninge}`).fill('Tyresö');
      await page.locator(`#kommun-${haninge} button:has-text("Spara namnet")`).click();
      await page.waitForLoadState('load');
      const problems = await fieldErrorProblems(page);
      const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
      expect(focused).toBe('felsammanfattning');
      expect(await page.locator('#felsammanfattning').textContent()).toContain('Det finns redan en kommun som heter Tyresö.');
      // The summary is at the top of the page, in view, not many screens down with the form.
      expect((await page.locator('#felsammanfattning').boundingBox())?.y ?? 9999).toBeLessThan(844);
      await page.locator('#felsammanfattning a').click();
      expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe(`#namn-${haninge}`);
      expect(await page.locator(`#namn-${haninge}`).inputValue()).toBe('Tyresö');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the page that asks before removing or retiring a unit passes the page checks', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, { width: 390, height: 844 });
    try {
      await signIn(page, adminEmail, TEST_PASSWORD);
      const haninge = (await t.app.get(DataSource).query(`SELECT id FROM municipality WHERE name = 'Haninge'`))[0].id as string;
      const response = await page.goto(`/admin/organisation/kommuner/${haninge}/ta-bort`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Avveckla Haninge?');
      const problems = { [`/admin/organisation/kommuner/:id/ta-bort`]: await pageProblems(page) };
      expect(report(problems)).toBe(report({ [`/admin/organisation/kommuner/:id/ta-bort`]: [] }));
    } finally {
      await context.close();
    }
  });
});
