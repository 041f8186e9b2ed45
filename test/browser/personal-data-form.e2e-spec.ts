import { Browser, Page } from 'playwright-core';
import { User } from '../../src/modules/user/user.entity';
import { fieldErrorProblems, launchBrowser, newBrowserPage, pageProblems, report, screenshot, signIn } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE_WIDTH = { width: 375, height: 812 };
/** Long and without spaces: the quote must wrap it, not widen the page. */
const EMAIL = 'fatima.warsame.langt.efternamn.utan.mellanslag@exempel-kommun.se';
const PERSONNUMMER = '811218-9876';

function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
}

async function fillReport(page: Page): Promise<void> {
  await page.goto('/avvikelser/ny');
  await page.getByLabel('Gränssnitt mellan huvudmän').check();
  await page.getByLabel('Rubrik').fill('AF och FK hänvisar till varandra');
  await page.getByLabel('Vad hände?').fill(`Vi träffade deltagaren med ${PERSONNUMMER} på kontoret. AF och FK hänvisar till varandra och ingen tar nästa steg.`);
  await page.getByLabel('Konsekvens för deltagaren').fill(`Skrev till ${EMAIL} men fick inget svar på tre veckor.`);
  await page.getByLabel('Medel').check();
}

/** The refused filing form and the form after "Ta bort personuppgifterna åt mig", in Chromium on a phone. */
describe('personal data on the filing form, on a 375 px phone', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { name: 'Sara Medarbetare' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the refused form quotes and marks the finding, passes the page checks and does not scroll sideways; so does the form after the button', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await fillReport(page);
      const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(refused.status()).toBe(422);
      const problems: Record<string, string[]> = {};
      problems['refused (fields)'] = await fieldErrorProblems(page);
      expect(await page.locator('.error-summary mark').allTextContents()).toEqual([PERSONNUMMER, EMAIL]);
      expect(await page.locator('#fel-description mark').textContent()).toBe(PERSONNUMMER);
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-personal-data-refused');
      problems['refused'] = await pageProblems(page);

      await page.goto('/avvikelser/ny');
      await fillReport(page);
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Personuppgifterna är borttagna' }).waitFor();
      expect(await page.getByLabel('Vad hände?').inputValue()).toContain('[personnummer borttaget]');
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-personal-data-removed');
      problems['after the button'] = await pageProblems(page);
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('works without JavaScript: refused, the button, then Skicka files the report with placeholders', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE_WIDTH, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await fillReport(page);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).waitFor();
      await Promise.all([page.waitForURL('**/avvikelser/ny'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Personuppgifterna är borttagna' }).waitFor();
      // Nothing typed is lost: the choices and the other text are still there.
      expect(await page.getByLabel('Gränssnitt mellan huvudmän').isChecked()).toBe(true);
      expect(await page.getByLabel('Medel').isChecked()).toBe(true);
      expect(await page.getByLabel('Rubrik').inputValue()).toBe('AF och FK hänvisar till varandra');
      expect(await page.getByLabel('Konsekvens för deltagaren').inputValue()).toBe('Skrev till [e-postadress borttagen] men fick inget svar på tre veckor.');
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(await page.locator('.prose').first().textContent()).toBe(
        'Vi träffade deltagaren med [personnummer borttaget] på kontoret. AF och FK hänvisar till varandra och ingen tar nästa steg.',
      );
    } finally {
      await context.close();
    }
  }, 60_000);
});
