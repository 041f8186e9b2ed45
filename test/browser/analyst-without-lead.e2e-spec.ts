import { Browser } from 'playwright-core';
import { FixedClock } from '../../src/common/clock/clock';
import { launchBrowser, PHONE, signIn } from '../support/browser';
import { fileDeviation } from '../support/deviation-factories';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** What the check reads in the page (tsconfig has no DOM types). */
interface PageWindow {
  document: { documentElement: { scrollWidth: number } };
}

/**
 * An analyst on a 390 px phone with JavaScript off finds the reports of a delprojekt without a lead: the start page's
 * link, and the list's filter as a plain GET form, without the page scrolling sideways.
 */
describe('reports without a lead, for the analyst on a phone without JavaScript', () => {
  let t: TestApp;
  let browser: Browser;
  let analystEmail = '';

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ clock: new FixedClock(new Date('2026-11-23T09:00:00Z')) }), launchBrowser()]);
    analystEmail = (await createUser(t.app, 'analyst', { name: 'Vera Verksamhetsutvecklare' })).email;
    await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    const staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    await fileDeviation(t.app, staff, 'Botkyrka', { title: 'Beslut om aktivitetsersättning dröjer' });
    await fileDeviation(t.app, staff, 'Haninge', { title: 'AF och FK hänvisar till varandra' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('follows the start page’s link and uses the filter, at 390 px, with no script', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const width = (): Promise<number> => page.evaluate(() => (globalThis as unknown as PageWindow).document.documentElement.scrollWidth);
    try {
      await signIn(page, analystEmail, TEST_PASSWORD);
      await page.goto('/');
      expect(await width()).toBeLessThanOrEqual(PHONE.width);
      await page.getByRole('link', { name: /öppna avvikelser i delprojekt utan delprojektledare|öppen avvikelse i delprojekt utan delprojektledare/ }).click();
      await page.waitForURL(/\/avvikelser\?lead=none$/);
      expect(await width()).toBeLessThanOrEqual(PHONE.width);
      expect(await page.locator('.deviation-title').allTextContents()).toEqual(['Beslut om aktivitetsersättning dröjer']);

      // Back to everything, then the filter again by hand: a native <details> and a GET form.
      await page.goto('/avvikelser');
      expect((await page.locator('.deviation-title').allTextContents()).sort()).toEqual(['AF och FK hänvisar till varandra', 'Beslut om aktivitetsersättning dröjer']);
      await page.locator('details.filters summary').click();
      await page.getByLabel('Delprojektledare').selectOption('none');
      await Promise.all([page.waitForURL(/lead=none/), page.getByRole('button', { name: 'Visa' }).click()]);
      expect(await page.locator('.deviation-title').allTextContents()).toEqual(['Beslut om aktivitetsersättning dröjer']);
      expect(await width()).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await context.close();
    }
  });
});
